//! The body of a notice is HTML from a small editor (or plain text): it is cleaned on the server
//! with ammonia before it is stored, so no script, no event handler and no `javascript:` link
//! survives, whatever the browser sent. Plain text becomes paragraphs.

use std::collections::HashSet;

/// Tags a notice may use: text formatting, headings, lists, quotes, links and simple tables.
const TAGS: &[&str] = &[
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

/// Cleans the editor's HTML. Text without any tag is taken as plain text: blank lines separate
/// paragraphs, single line breaks stay.
pub fn sanitize(input: &str) -> String {
    let input = input.replace("\r\n", "\n");
    let html = if input.contains('<') { input } else { paragraphs(&input) };
    let tags: HashSet<&str> = TAGS.iter().copied().collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::default()
        .tags(tags)
        .generic_attributes(HashSet::new())
        .tag_attributes(std::iter::once(("a", std::iter::once("href").collect())).collect())
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
        .trim()
        .to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn script_event_handlers_and_javascript_links_do_not_survive() {
        let out = sanitize(
            r#"<p onclick="x()">hi<script>alert(1)</script></p><img src=x onerror="alert(1)"><a href="javascript:alert(1)">a</a><a href="https://example.org/" onmouseover="y()">b</a>"#,
        );
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onerror") && !out.contains("onclick") && !out.contains("onmouseover"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains(r#"href="https://example.org/""#), "{out}");
        assert!(out.contains("<p>hi</p>"), "{out}");
    }

    #[test]
    fn plain_text_becomes_paragraphs() {
        assert_eq!(sanitize("第一段\n第二行\n\n第二段 & 三"), "<p>第一段<br>第二行</p><p>第二段 &amp; 三</p>");
    }

    #[test]
    fn styles_and_ids_are_dropped() {
        let out = sanitize(r#"<p style="position:fixed" id="x" class="y">t</p>"#);
        assert_eq!(out, "<p>t</p>");
    }
}
