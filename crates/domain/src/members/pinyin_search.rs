//! Pinyin keys for roster search: members are found by name, by pinyin initials
//! (`zsf` for 张三丰) or by full pinyin (`zhangsanfeng`).
//!
//! Each Han character takes its first (most common) reading; polyphonic surnames such as
//! 单 (shàn) may therefore get the common reading instead, which search tolerates because the
//! name itself is matched too.

use pinyin::ToPinyin;

/// "张三丰" → "zsf". ASCII letters are kept (lowercased); digits, punctuation and characters
/// without a pinyin reading are dropped.
pub fn initials(name: &str) -> String {
    keys(name, |p| p.first_letter())
}

/// "张三丰" → "zhangsanfeng".
pub fn full_pinyin(name: &str) -> String {
    keys(name, |p| p.plain())
}

/// Whether `query` finds `name`: a substring of the name, or of its initials or full pinyin
/// (case-insensitive, full-width tolerated). An empty query matches everything.
pub fn matches(name: &str, query: &str) -> bool {
    let q = crate::platform::text::normalize_compact(query).to_lowercase();
    if q.is_empty() || name.contains(&q) {
        return true;
    }
    if !q.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    initials(name).contains(&q) || full_pinyin(name).contains(&q)
}

fn keys(name: &str, pick: impl Fn(pinyin::Pinyin) -> &'static str) -> String {
    let mut out = String::new();
    for c in crate::platform::text::normalize(name).chars() {
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            // The plain reading may contain ü (绿 → lü); search keys are typed as `v`.
            out.extend(pick(p).chars().filter_map(|c| match c {
                'ü' | 'Ü' => Some('v'),
                c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
                _ => None,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pinyin_initials_of_han_name() {
        assert_eq!(initials("张三丰"), "zsf");
        assert_eq!(initials("欧阳修"), "oyx");
    }

    #[test]
    fn pinyin_full_of_han_name() {
        assert_eq!(full_pinyin("张三丰"), "zhangsanfeng");
    }

    #[test]
    fn pinyin_keeps_ascii_letters_drops_others() {
        assert_eq!(initials("Tom·李"), "toml");
        assert_eq!(initials("王2号"), "wh");
        assert_eq!(initials("阿依古丽·买买提"), "aygl".to_string() + "mmt");
    }

    #[test]
    fn pinyin_u_umlaut_typed_as_v() {
        assert_eq!(full_pinyin("吕绿"), "lvlv");
        assert_eq!(initials("吕"), "l");
    }

    #[test]
    fn pinyin_search_matches_name_initials_or_full() {
        assert!(matches("张三丰", "zsf"));
        assert!(matches("张三丰", "ＺＳ"));
        assert!(matches("张三丰", "sanfeng"));
        assert!(matches("张三丰", "三丰"));
        assert!(matches("张三丰", ""));
        assert!(!matches("张三丰", "ls"));
    }

    proptest! {
        #[test]
        fn pinyin_never_panics_and_is_lowercase_ascii(s in any::<String>()) {
            let i = initials(&s);
            prop_assert!(i.chars().all(|c| c.is_ascii_lowercase()));
            let f = full_pinyin(&s);
            prop_assert!(f.chars().all(|c| c.is_ascii_lowercase()));
        }
    }
}
