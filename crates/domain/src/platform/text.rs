//! Text normalisation applied to every user-entered or imported value.
//!
//! Chinese input methods and spreadsheets produce full-width digits and letters (`１３８`, `Ｘ`)
//! and ideographic spaces; they are folded to ASCII here so that every parser sees one form.
//! CJK characters and the name separator `·` are kept untouched. Free text (names,
//! departments, notes: [`normalize_text`], [`line`], [`optional_text`]) keeps its Chinese
//! punctuation (`，、（）：`): only its full-width digits and Latin letters are folded. Structured
//! values (dates, numbers, phones, ID and employee numbers, codes) fold every full-width ASCII
//! character ([`normalize`]), so `２０２０．９．１` is a date.

/// Full-width ASCII (U+FF01..=U+FF5E) to half-width, U+3000 to a space, then trim
/// whitespace (including ideographic space, tabs, newlines, NBSP, zero-width space, BOM).
pub fn normalize(s: &str) -> String {
    let trimmed = s.trim_matches(is_trimmable);
    // Most cells need no folding: one scan, one copy.
    if !trimmed.chars().any(|c| fold_char(c) != c) {
        return trimmed.to_string();
    }
    let folded: String = s.chars().map(fold_char).collect();
    folded.trim_matches(is_trimmable).to_string()
}

/// For free text: full-width digits and Latin letters to ASCII, U+3000 to a space, then trim as
/// [`normalize`] does. Every other character, Chinese punctuation included, is kept.
pub fn normalize_text(s: &str) -> String {
    let trimmed = s.trim_matches(is_trimmable);
    if !trimmed.chars().any(|c| fold_alnum(c) != c) {
        return trimmed.to_string();
    }
    let folded: String = s.chars().map(fold_alnum).collect();
    folded.trim_matches(is_trimmable).to_string()
}

/// Folds one character of free text: full-width digits and Latin letters to ASCII, ideographic
/// space to space.
pub fn fold_alnum(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Whether [`normalize`] would give the empty string (without building it).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| is_trimmable(fold_char(c)))
}

/// [`normalize`] and then drop every whitespace character inside, for values that never
/// contain spaces (ID numbers, column headers).
pub fn normalize_compact(s: &str) -> String {
    normalize(s).chars().filter(|c| !is_trimmable(*c)).collect()
}

/// Folds one character: full-width ASCII to half-width, ideographic space to space.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Characters refused in names, titles and other one-line text: controls (NUL, line breaks,
/// escapes) and the bidirectional marks, embeddings, overrides and isolates (U+202E and its
/// kin), which make a name display in another order than it is stored and compared.
pub fn is_forbidden_in_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one check every free-text name input goes through (member names, usernames, display
/// names, school, group and token names, titles): normalised as free text ([`normalize_text`]:
/// Chinese punctuation kept), not empty, at most `max`
/// characters, and free of the characters of [`is_forbidden_in_line`].
pub fn line(s: &str, max: usize) -> Result<String, crate::ValidationError> {
    let v = optional_line(s, max)?;
    v.ok_or(crate::ValidationError::Required)
}

/// [`line`] for a value that may be left blank (`None`).
pub fn optional_line(s: &str, max: usize) -> Result<Option<String>, crate::ValidationError> {
    let v = normalize_text(s);
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().any(is_forbidden_in_line) {
        return Err(crate::ValidationError::ControlChars);
    }
    if v.chars().count() > max {
        return Err(crate::ValidationError::TooLong { max });
    }
    Ok(Some(v))
}

/// [`optional_line`] for text that may span lines (notes): line breaks and tabs are allowed,
/// every other character of [`is_forbidden_in_line`] is still refused.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, crate::ValidationError> {
    let v = normalize_text(s);
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().any(|c| is_forbidden_in_line(c) && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(crate::ValidationError::ControlChars);
    }
    if v.chars().count() > max {
        return Err(crate::ValidationError::TooLong { max });
    }
    Ok(Some(v))
}

/// Whitespace and the invisible characters that spreadsheets leave around values.
fn is_trimmable(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00A0}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fullwidth_digits_normalised() {
        assert_eq!(normalize("１３８００１３８０００"), "13800138000");
        assert_eq!(normalize("１１０１０５１９４９１２３１００２Ｘ"), "11010519491231002X");
    }

    #[test]
    fn fullwidth_letters_and_punctuation_normalised() {
        assert_eq!(normalize("ＡＢｃ，．－"), "ABc,.-");
    }

    #[test]
    fn free_text_keeps_chinese_punctuation_and_folds_only_digits_and_letters() {
        let typed = "教务处（高一、高二），ＡＢ班１２３：备注！";
        assert_eq!(normalize_text(typed), "教务处（高一、高二），AB班123：备注！");
        assert_eq!(optional_line(typed, 50).unwrap().as_deref(), Some("教务处（高一、高二），AB班123：备注！"));
        assert_eq!(optional_text("第一行，\n第二行（完）", 50).unwrap().as_deref(), Some("第一行，\n第二行（完）"));
        assert_eq!(line("\u{3000}张三（退休）\u{3000}", 20).as_deref(), Ok("张三（退休）"));
        // Structured values still fold every full-width character.
        assert_eq!(normalize("２０２０．９．１"), "2020.9.1");
    }

    #[test]
    fn ideographic_space_trimmed() {
        assert_eq!(normalize("\u{3000}张三\u{3000} "), "张三");
        assert_eq!(normalize("\t\r\n\u{00A0}李四\u{200B}\u{FEFF}"), "李四");
    }

    #[test]
    fn inner_ideographic_space_becomes_ascii_space() {
        assert_eq!(normalize("欧阳\u{3000}修"), "欧阳 修");
        assert_eq!(normalize_compact(" 性 别 "), "性别");
    }

    #[test]
    fn name_keeps_middle_dot() {
        assert_eq!(normalize(" 阿依古丽·买买提 "), "阿依古丽·买买提");
    }

    #[test]
    fn line_refuses_nul_and_bidi_overrides() {
        use crate::ValidationError;
        assert_eq!(line("张\u{0}三", 20), Err(ValidationError::ControlChars));
        assert_eq!(line("abc\u{202E}gpj.exe", 20), Err(ValidationError::ControlChars));
        assert_eq!(line("甲\u{2067}乙", 20), Err(ValidationError::ControlChars));
        assert_eq!(line("一行\n二行", 20), Err(ValidationError::ControlChars));
        assert_eq!(line(" \u{3000}", 20), Err(ValidationError::Required));
        assert_eq!(line("张三丰", 2), Err(ValidationError::TooLong { max: 2 }));
        assert_eq!(line(" 阿依古丽·买买提 ", 20).as_deref(), Ok("阿依古丽·买买提"));
        assert_eq!(optional_line("  ", 20), Ok(None));
    }

    proptest! {
        #[test]
        fn normalize_never_panics_and_is_idempotent(s in any::<String>()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
            let text = normalize_text(&s);
            prop_assert_eq!(normalize_text(&text), text);
            let _ = normalize_compact(&s);
        }

        #[test]
        fn normalize_equals_fold_then_trim(s in "[ \u{3000}\u{00A0}\u{200B}\u{FEFF}\tａ-ｚ０-９Ａ-Ｚa-z0-9张三李四，．－]{0,12}") {
            let reference: String = s.chars().map(fold_char).collect();
            prop_assert_eq!(normalize(&s), reference.trim_matches(is_trimmable).to_string());
            prop_assert_eq!(is_blank(&s), normalize(&s).is_empty());
        }
    }
}
