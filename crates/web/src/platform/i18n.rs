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

    /// The one date style of every page and export: "2026年12月20日 周日" (zh-TW "2026年12月20日
    /// 週日", en "Sun 20 Dec 2026").
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        const WEEKDAYS: [&str; 7] =
            ["weekday-mon", "weekday-tue", "weekday-wed", "weekday-thu", "weekday-fri", "weekday-sat", "weekday-sun"];
        const MONTHS: [&str; 12] = [
            "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8", "month-9",
            "month-10", "month-11", "month-12",
        ];
        let weekday = self.t_static(WEEKDAYS[d.weekday().num_days_from_monday() as usize % 7]);
        let month_name = self.t_static(MONTHS[d.month0() as usize % 12]);
        self.ta(
            "date-long",
            &[
                ("year", d.year().to_string()),
                ("monthname", month_name.to_string()),
                ("day", d.day().to_string()),
                ("weekday", weekday.to_string()),
            ],
        )
    }

    /// An ISO date (`2026-12-20`, a trailing time ignored) in [`Tr::date`]'s style; text that is
    /// not a date is shown as it is.
    pub fn date_iso(&self, iso: &str) -> String {
        let day = iso.get(..10).unwrap_or(iso);
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) => self.date(d),
            Err(_) => iso.to_string(),
        }
    }

    /// An instant (Unix ms) in China's time: "2026年12月20日 周日 15:30".
    pub fn when(&self, ms: i64) -> String {
        match chrono::DateTime::from_timestamp_millis(ms) {
            Some(t) => {
                let local = (t + chrono::Duration::hours(8)).naive_utc();
                self.ta("date-time", &[("date", self.date(local.date())), ("time", local.format("%H:%M").to_string())])
            }
            None => String::new(),
        }
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
