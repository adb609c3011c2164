//! Every message id exists in all three languages, with the same placeholders, and every id the
//! code and templates use exists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiaogong_web::platform::i18n::{has_key, Lang, Tr};

fn parse(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    // Every .ftl file of the locale's directory, in name order (the loader reads them all).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n").join(lang);
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let text: String = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .map(|p| std::fs::read_to_string(p).unwrap() + "\n")
        .collect();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (id, value) = line.split_once(" = ").unwrap_or_else(|| panic!("{lang}: bad line {line}"));
        let vars = value.split("{ $").skip(1).filter_map(|s| s.split(' ').next()).map(str::to_string).collect();
        assert!(out.insert(id.to_string(), vars).is_none(), "{lang}: {id} twice");
    }
    out
}

#[test]
fn all_languages_have_the_same_ids_and_placeholders() {
    let cn = parse("zh-CN");
    for lang in ["zh-TW", "en"] {
        let other = parse(lang);
        assert_eq!(cn.keys().collect::<Vec<_>>(), other.keys().collect::<Vec<_>>(), "{lang} ids differ");
        for (id, vars) in &cn {
            assert_eq!(vars, &other[id], "{lang}: placeholders of {id}");
        }
    }
}

fn used_ids() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ids = BTreeSet::new();
    let mut stack = vec![root.join("src"), root.join("templates")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for pat in [".t(\"", ".t1(\"", ".ta(\""] {
                for part in text.split(pat).skip(1) {
                    let id: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '-' || c.is_ascii_digit())
                        .collect();
                    if part[id.len()..].starts_with('"') && id.contains('-') {
                        ids.insert(id);
                    }
                }
            }
        }
    }
    ids
}

#[test]
fn every_id_used_by_code_and_templates_exists_in_every_language() {
    let mut ids = used_ids();
    assert!(ids.len() > 100, "found only {} ids", ids.len());
    for e in jiaogong_domain::ValidationError::samples() {
        ids.insert(e.key().to_string());
    }
    use jiaogong_domain::members::{Field, Gender, MemberEventKind, MemberStatus, Post};
    ids.extend(MemberStatus::ALL.iter().map(|s| s.key().to_string()));
    ids.extend(Post::ALL.iter().map(|s| s.key().to_string()));
    ids.extend(MemberEventKind::ALL.iter().map(|s| s.key().to_string()));
    ids.extend(Gender::ALL.iter().map(|s| s.key().to_string()));
    ids.extend(Field::ALL.iter().map(|s| s.key().to_string()));
    use jiaogong_domain::congress::{ResolutionStatus, SettingsError, TrackingError};
    ids.extend(SettingsError::SAMPLES.iter().map(|e| e.key().to_string()));
    ids.extend(ResolutionStatus::ALL.iter().map(|s| s.key().to_string()));
    ids.extend(
        [TrackingError::NotPassed, TrackingError::AlreadyDone, TrackingError::Backwards].map(|e| e.key().to_string()),
    );
    ids.extend(
        ["correction-open", "correction-done", "correction-rejected", "err-transition-not-allowed"].map(String::from),
    );
    for key in [
        "office-not-xlsx",
        "office-too-large",
        "office-zip-bomb",
        "office-corrupt",
        "office-no-sheet",
        "office-too-many-rows",
        "office-too-many-columns",
        "office-write",
    ] {
        ids.insert(key.to_string());
    }
    let mut missing = Vec::new();
    for lang in Lang::ALL {
        let defined = parse(lang.code());
        for id in &ids {
            if !defined.contains_key(id) {
                missing.push(format!("{}: {id}", lang.code()));
            }
        }
        // Messages without arguments resolve through the real loader too.
        for (id, vars) in &defined {
            if vars.is_empty() {
                assert!(has_key(lang, id), "{}: {id} does not resolve", lang.code());
            }
        }
    }
    assert!(missing.is_empty(), "missing translations: {missing:?}");
}

#[test]
fn lookups_fill_arguments() {
    let tr = Tr::new(Lang::ZhCn);
    assert_eq!(tr.t1("member-total", "count", "12"), "共 12 人");
    assert!(Tr::new(Lang::ZhTw).t1("member-total", "count", "3").contains('3'));
    assert_ne!(Tr::new(Lang::En).t("nav-home"), "nav-home");
    assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
    assert_eq!(Lang::from_accept_language("zh-HK,zh;q=0.9"), Lang::ZhTw);
    assert_eq!(Lang::from_accept_language("fr-FR"), Lang::ZhCn);
}
