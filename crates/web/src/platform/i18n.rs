//! Translations (zh-CN first, zh-TW, en) from the Fluent files in `i18n/`, and the choice of
//! locale: the user's setting, else Accept-Language, else zh-CN.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./i18n",
        fallback_language: "zh-CN",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The three languages the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    ZhTw,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhCn, Lang::ZhTw, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh-tw") || s.starts_with("zh-hk") || s.starts_with("zh-mo") || s.starts_with("zh-hant") {
            Some(Lang::ZhTw)
        } else if s.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language of an Accept-Language header.
    pub fn from_accept_language(header: &str) -> Lang {
        header.split(',').filter_map(|part| part.split(';').next()).find_map(Lang::from_code).unwrap_or_default()
    }

    fn id(self) -> LanguageIdentifier {
        // The three codes are valid language tags.
        self.code().parse().unwrap_or_default()
    }
}

/// The messages already formatted in one language, by key (our own ids: a fast hash).
type Memo = std::sync::RwLock<HashMap<String, &'static str, foldhash::fast::RandomState>>;

/// Formatted messages without arguments, per language (see [`Tr::t`]).
fn memo() -> &'static [Memo; 3] {
    static MEMO: std::sync::OnceLock<[Memo; 3]> = std::sync::OnceLock::new();
    MEMO.get_or_init(Default::default)
}

/// A translator bound to one language; templates call `tr.t("key")`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// A message without arguments.
    pub fn t(&self, key: &str) -> String {
        self.t_cow(key).into_owned()
    }

    /// A message without arguments; the id itself when there is no such message.
    pub fn t_cow(&self, key: &str) -> Cow<'static, str> {
        match self.t_static(key) {
            "" => Cow::Owned(key.to_string()),
            v => Cow::Borrowed(v),
        }
    }

    /// A message without arguments, borrowed. The translations never change while the process
    /// runs, so each (language, existing key) is formatted once and kept for the life of the
    /// process: a roster page asks for the same labels hundreds of times.
    pub fn t_static(&self, key: &str) -> &'static str {
        let slot = self.lang as usize;
        if let Ok(memo) = memo()[slot].read() {
            if let Some(v) = memo.get(key) {
                return v;
            }
        }
        match LOCALES.try_lookup(&self.lang.id(), key) {
            Some(v) => {
                let v: &'static str = Box::leak(v.into_boxed_str());
                if let Ok(mut memo) = memo()[slot].write() {
                    memo.entry(key.to_string()).or_insert(v)
                } else {
                    v
                }
            }
            // Unknown ids are not kept (the i18n test makes sure none is used).
            None => "",
        }
    }

    /// A message with arguments.
    pub fn ta(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone()))).collect();
        LOCALES.try_lookup_with_args(&self.lang.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// One-argument shorthand for templates.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.ta(key, &[(name, value.to_string())])
    }

    /// A domain validation error in this language.
    pub fn validation(&self, e: &jiaogong_domain::platform::error::ValidationError) -> String {
        let args: Vec<(&str, String)> = e.args().into_iter().collect();
        self.ta(e.key(), &args)
    }
}

/// Whether a key exists in a language (used by the translation-completeness test).
pub fn has_key(lang: Lang, key: &str) -> bool {
    LOCALES.try_lookup(&lang.id(), key).is_some()
}
