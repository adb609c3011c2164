//! Notices (通知公告) and news (工会动态): who a notice is for, what a notice may hold (title, body
//! size, nesting of its HTML), and the acknowledgement count.

/// Whether a post is a notice (read by its audience, maybe acknowledged) or a news post (the
/// union's public face, with photos).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    Notice,
    News,
}

impl PostKind {
    pub fn code(&self) -> &'static str {
        match self {
            PostKind::Notice => "notice",
            PostKind::News => "news",
        }
    }
    pub fn from_code(s: &str) -> Option<PostKind> {
        match s {
            "notice" => Some(PostKind::Notice),
            "news" => Some(PostKind::News),
            _ => None,
        }
    }
}

/// Who a notice is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeAudience {
    All,
    Women,
    /// One union group (工会小组), by id.
    Group(String),
    Retirees,
    /// The delegates of the staff congress now in office.
    Delegates,
}

impl NoticeAudience {
    /// `all`, `women`, `retirees`, `delegates` or `group:<id>`.
    pub fn code(&self) -> String {
        match self {
            NoticeAudience::All => "all".into(),
            NoticeAudience::Women => "women".into(),
            NoticeAudience::Group(g) => format!("group:{g}"),
            NoticeAudience::Retirees => "retirees".into(),
            NoticeAudience::Delegates => "delegates".into(),
        }
    }

    pub fn parse(s: &str) -> Option<NoticeAudience> {
        match s.trim() {
            "all" | "" => Some(NoticeAudience::All),
            "women" => Some(NoticeAudience::Women),
            "retirees" => Some(NoticeAudience::Retirees),
            "delegates" => Some(NoticeAudience::Delegates),
            s => s
                .strip_prefix("group:")
                .filter(|g| !g.is_empty() && g.len() <= 64 && g.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(|g| NoticeAudience::Group(g.into())),
        }
    }

    /// The Fluent id of the audience's name.
    pub fn key(&self) -> &'static str {
        match self {
            NoticeAudience::All => "notice-aud-all",
            NoticeAudience::Women => "notice-aud-women",
            NoticeAudience::Group(_) => "notice-aud-group",
            NoticeAudience::Retirees => "notice-aud-retirees",
            NoticeAudience::Delegates => "notice-aud-delegates",
        }
    }

    /// The audience rule: only members of the union (active or retired) receive notices; "all"
    /// is the active and the retired; "women" the women among them; "retirees" the retired only;
    /// a group its active members; "delegates" the delegates now in office.
    pub fn includes(&self, m: &Reader) -> bool {
        if !matches!(m.status.as_str(), "active" | "retired") {
            return false;
        }
        match self {
            NoticeAudience::All => true,
            NoticeAudience::Women => m.female,
            NoticeAudience::Group(g) => m.status == "active" && m.group_id.as_deref() == Some(g.as_str()),
            NoticeAudience::Retirees => m.status == "retired",
            NoticeAudience::Delegates => m.delegate,
        }
    }
}

/// What the audience rule needs to know about a member.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    /// The member status code (`active`, `retired` …).
    pub status: String,
    pub female: bool,
    pub group_id: Option<String>,
    pub delegate: bool,
}

/// The longest title.
pub const TITLE_MAX: usize = 100;
/// The largest body, in bytes of sanitised HTML.
pub const BODY_MAX: usize = 100_000;
/// The deepest nesting of elements a body may have (a list in a quote in a list is 4).
pub const NESTING_MAX: usize = 16;

/// Why a notice is refused (each names its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("title")]
    Title,
    #[error("body empty")]
    BodyEmpty,
    #[error("body too large")]
    BodyTooLarge,
    #[error("body nested too deep")]
    Nesting,
    #[error("audience")]
    Audience,
    #[error("kind")]
    Kind,
}

impl NoticeError {
    pub const ALL: [NoticeError; 6] = [
        NoticeError::Title,
        NoticeError::BodyEmpty,
        NoticeError::BodyTooLarge,
        NoticeError::Nesting,
        NoticeError::Audience,
        NoticeError::Kind,
    ];
    pub fn field(&self) -> &'static str {
        match self {
            NoticeError::Title => "title",
            NoticeError::BodyEmpty | NoticeError::BodyTooLarge | NoticeError::Nesting => "body",
            NoticeError::Audience => "audience",
            NoticeError::Kind => "kind",
        }
    }
    pub fn key(&self) -> &'static str {
        match self {
            NoticeError::Title => "notice-err-title",
            NoticeError::BodyEmpty => "notice-err-body-empty",
            NoticeError::BodyTooLarge => "notice-err-body-large",
            NoticeError::Nesting => "notice-err-nesting",
            NoticeError::Audience => "notice-err-audience",
            NoticeError::Kind => "notice-err-kind",
        }
    }
}

/// A notice as the committee writes it, checked. The body is already sanitised HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub kind: PostKind,
    pub title: String,
    pub body_html: String,
    pub audience: NoticeAudience,
    pub pinned: bool,
    pub needs_ack: bool,
}

/// Checks a notice: every error at once. `body_html` must be the sanitiser's output (so its
/// tags are balanced, which the nesting count relies on).
pub fn validate(
    kind: &str,
    title: &str,
    body_html: &str,
    audience: &str,
    pinned: bool,
    needs_ack: bool,
) -> Result<NewNotice, Vec<NoticeError>> {
    let mut errs = Vec::new();
    let kind = PostKind::from_code(kind.trim());
    if kind.is_none() {
        errs.push(NoticeError::Kind);
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX || title.chars().any(char::is_control) {
        errs.push(NoticeError::Title);
    }
    if visible_text(body_html).trim().is_empty() && !body_html.contains("<img") {
        errs.push(NoticeError::BodyEmpty);
    } else if body_html.len() > BODY_MAX {
        errs.push(NoticeError::BodyTooLarge);
    } else if nesting_depth(body_html) > NESTING_MAX {
        errs.push(NoticeError::Nesting);
    }
    let audience = NoticeAudience::parse(audience);
    if audience.is_none() {
        errs.push(NoticeError::Audience);
    }
    match (kind, audience) {
        (Some(kind), Some(audience)) if errs.is_empty() => Ok(NewNotice {
            kind,
            title: title.to_string(),
            body_html: body_html.to_string(),
            audience,
            // News is read, never acknowledged.
            needs_ack: needs_ack && kind == PostKind::Notice,
            pinned,
        }),
        _ => Err(errs),
    }
}

/// Elements that never hold children, so they never open a level.
const VOID: &[&str] = &["br", "hr", "img", "wbr", "col", "area", "input", "meta", "link", "source"];

/// The deepest nesting of elements in well-formed HTML (the sanitiser's output).
pub fn nesting_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end.min(rest.len())..];
        if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        if tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name: String =
            tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        depth += 1;
        max = max.max(depth);
    }
    max
}

/// The text of HTML without its tags (entities left as they are): for emptiness checks and for
/// plain-text previews.
pub fn visible_text(html: &str) -> String {
    const BLOCK: &[&str] = &["p", "br", "li", "div", "h1", "h2", "h3", "h4", "blockquote", "tr", "td", "th", "hr"];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let name: String = rest[..end]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCK.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    let text = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A plain-text preview of at most `max` characters (an ellipsis when cut).
pub fn preview(html: &str, max: usize) -> String {
    let text = visible_text(html);
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The acknowledgement count shown next to a notice: (已阅, 应阅).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadCount {
    pub read: i64,
    pub total: i64,
}

impl ReadCount {
    pub fn unread(&self) -> i64 {
        self.total.saturating_sub(self.read)
    }
    /// Whole percent read, rounded down (0 when nobody must read).
    pub fn percent(&self) -> i64 {
        if self.total <= 0 {
            0
        } else {
            self.read.saturating_mul(100) / self.total
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(status: &str, female: bool, group: Option<&str>, delegate: bool) -> Reader {
        Reader { status: status.into(), female, group_id: group.map(str::to_string), delegate }
    }

    #[test]
    fn audience_all_is_active_and_retired_members_only() {
        let a = NoticeAudience::All;
        assert!(a.includes(&reader("active", false, None, false)));
        assert!(a.includes(&reader("retired", true, None, false)));
        assert!(!a.includes(&reader("transferred_out", false, None, false)));
        assert!(!a.includes(&reader("deceased", false, None, false)));
        assert!(!a.includes(&reader("non_member", false, None, false)));
    }

    #[test]
    fn audience_women_group_retirees_delegates() {
        assert!(NoticeAudience::Women.includes(&reader("active", true, None, false)));
        assert!(!NoticeAudience::Women.includes(&reader("active", false, None, false)));
        let g = NoticeAudience::Group("g1".into());
        assert!(g.includes(&reader("active", false, Some("g1"), false)));
        assert!(!g.includes(&reader("active", false, Some("g2"), false)));
        assert!(!g.includes(&reader("retired", false, Some("g1"), false)));
        assert!(NoticeAudience::Retirees.includes(&reader("retired", false, None, false)));
        assert!(!NoticeAudience::Retirees.includes(&reader("active", false, None, false)));
        assert!(NoticeAudience::Delegates.includes(&reader("active", false, None, true)));
        assert!(!NoticeAudience::Delegates.includes(&reader("active", false, None, false)));
    }

    #[test]
    fn audience_codes_round_trip_and_refuse_odd_group_ids() {
        for a in [
            NoticeAudience::All,
            NoticeAudience::Women,
            NoticeAudience::Group("abc123".into()),
            NoticeAudience::Retirees,
            NoticeAudience::Delegates,
        ] {
            assert_eq!(NoticeAudience::parse(&a.code()), Some(a));
        }
        assert_eq!(NoticeAudience::parse("group:"), None);
        assert_eq!(NoticeAudience::parse("group:a'b"), None);
        assert_eq!(NoticeAudience::parse("everyone"), None);
    }

    #[test]
    fn nesting_counts_open_elements_not_void_ones() {
        assert_eq!(nesting_depth("<p>a<br>b</p>"), 1);
        assert_eq!(nesting_depth("<ul><li><b>x</b></li></ul><p>y</p>"), 3);
        let deep = format!("{}x{}", "<b>".repeat(40), "</b>".repeat(40));
        assert_eq!(nesting_depth(&deep), 40);
    }

    #[test]
    fn notice_refuses_deep_nesting_empty_body_and_long_title() {
        let deep = format!("{}x{}", "<b>".repeat(NESTING_MAX + 1), "</b>".repeat(NESTING_MAX + 1));
        assert_eq!(validate("notice", "t", &deep, "all", false, false), Err(vec![NoticeError::Nesting]));
        assert_eq!(validate("notice", "t", "<p> </p>", "all", false, false), Err(vec![NoticeError::BodyEmpty]));
        let long = "长".repeat(TITLE_MAX + 1);
        assert_eq!(validate("notice", &long, "<p>x</p>", "all", false, false), Err(vec![NoticeError::Title]));
        let errs = validate("memo", "", "", "nobody", false, false).unwrap_err();
        assert!(errs.contains(&NoticeError::Kind) && errs.contains(&NoticeError::Audience));
    }

    #[test]
    fn news_is_never_acknowledged() {
        let n = validate("news", "运动会", "<p>照片</p>", "all", true, true).unwrap();
        assert!(!n.needs_ack);
        assert!(n.pinned);
        let n = validate("notice", "开会", "<p>周五</p>", "all", false, true).unwrap();
        assert!(n.needs_ack);
    }

    #[test]
    fn preview_is_plain_text_cut_with_ellipsis() {
        assert_eq!(preview("<p>一二<b>三</b></p><p>四</p>", 3), "一二三…");
        assert_eq!(visible_text("<p>一二<b>三</b></p><p>四</p>"), "一二三 四");
        assert_eq!(preview("<p>短</p>", 10), "短");
    }

    #[test]
    fn read_count_percent_rounds_down_and_handles_no_readers() {
        assert_eq!(ReadCount { read: 2, total: 3 }.percent(), 66);
        assert_eq!(ReadCount { read: 0, total: 0 }.percent(), 0);
        assert_eq!(ReadCount { read: 1, total: 3 }.unread(), 2);
    }
}
