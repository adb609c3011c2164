//! Date parsing for forms and spreadsheets (Excel serial numbers and the usual Chinese
//! written forms) and zh-CN date formatting.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::platform::error::ValidationError;
use crate::platform::text::normalize_compact;

/// The largest Excel serial date (9999-12-31).
pub const EXCEL_MAX_SERIAL: u32 = 2_958_465;

/// Parses `44075`/`44075.0` (Excel 1900 system), `2020-09-01`, `2020/9/1`, `2020.9.1`,
/// `2020年9月1日` and `20200901`. Full-width digits and spaces are tolerated, and a trailing
/// time (`2020-09-01 00:00:00`, as spreadsheets export date cells) is ignored.
pub fn parse_date(s: &str) -> Result<NaiveDate, ValidationError> {
    let trimmed = crate::platform::text::normalize(s);
    if trimmed.is_empty() {
        return Err(ValidationError::Required);
    }
    // Drop a time part before the spaces are removed.
    let date_part = match trimmed.split_once([' ', 'T']) {
        Some((d, t)) if looks_like_time(t) => d,
        _ => trimmed.as_str(),
    };
    let s = normalize_compact(date_part);
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() == 8 {
        return ymd(&s[..4], &s[4..6], &s[6..]);
    }
    if let Some(serial) = excel_serial(&s) {
        return from_excel_serial(serial);
    }
    if s.contains('年') {
        let rest = s.strip_suffix('日').unwrap_or(&s);
        let (y, md) = rest.split_once('年').ok_or(ValidationError::DateFormat)?;
        let (m, d) = md.split_once('月').ok_or(ValidationError::DateFormat)?;
        return ymd(y, m, d);
    }
    for sep in ['-', '/', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if let [y, m, d] = parts.as_slice() {
            return ymd(y, m, d);
        }
    }
    Err(ValidationError::DateFormat)
}

/// Converts an Excel 1900-system serial. Excel believes 1900-02-29 existed (serial 60): that
/// serial is rejected, and serials from 61 on are shifted by one day to compensate.
pub fn from_excel_serial(serial: u32) -> Result<NaiveDate, ValidationError> {
    let base = match serial {
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31),
        61..=EXCEL_MAX_SERIAL => NaiveDate::from_ymd_opt(1899, 12, 30),
        _ => None,
    }
    .ok_or(ValidationError::DateOutOfRange)?;
    base.checked_add_days(chrono::Days::new(u64::from(serial))).ok_or(ValidationError::DateOutOfRange)
}

/// "2026-09-01", as chrono's `%Y-%m-%d` writes it, without parsing the format string each time
/// (an import of 60,000 rows formats a few hundred thousand dates).
pub fn iso(d: NaiveDate) -> String {
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string();
    }
    let mut s = String::with_capacity(10);
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let y = y as u32;
    for n in [y / 1000, y / 100, y / 10, y] {
        s.push(digit(n));
    }
    s.push('-');
    s.push(digit(d.month() / 10));
    s.push(digit(d.month()));
    s.push('-');
    s.push(digit(d.day() / 10));
    s.push(digit(d.day()));
    s
}

/// "2026年9月1日".
pub fn format_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// "周一" … "周日".
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// An integer serial with an optional fractional part (a time of day, ignored).
fn excel_serial(s: &str) -> Option<u32> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 7 || !digits(int) || !digits(frac) {
        return None;
    }
    // "2020.9" would otherwise read as serial 2020: only zero fractions are serial numbers.
    if !frac.bytes().all(|b| b == b'0') {
        return None;
    }
    int.parse().ok()
}

fn looks_like_time(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty() && t.contains(':') && t.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, ValidationError> {
    let num = |p: &str, min: usize, max: usize| -> Result<u32, ValidationError> {
        if p.len() < min || p.len() > max || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::DateFormat);
        }
        p.parse().map_err(|_| ValidationError::DateFormat)
    };
    let y = num(y, 4, 4)?;
    let m = num(m, 1, 2)?;
    let d = num(d, 1, 2)?;
    let y = i32::try_from(y).map_err(|_| ValidationError::DateFormat)?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or(ValidationError::DateFormat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn date_written_forms_accepted() {
        for s in ["2020-09-01", "2020/9/1", "2020.9.1", "2020年9月1日", "2020年09月01日", "20200901"] {
            assert_eq!(parse_date(s), Ok(d(2020, 9, 1)), "{s}");
        }
    }

    #[test]
    fn date_fullwidth_digits_and_spaces_accepted() {
        assert_eq!(parse_date("２０２０年９月１日"), Ok(d(2020, 9, 1)));
        assert_eq!(parse_date(" 2020 年 9 月 1 日\u{3000}"), Ok(d(2020, 9, 1)));
        assert_eq!(parse_date("２０２０－０９－０１"), Ok(d(2020, 9, 1)));
    }

    #[test]
    fn date_trailing_time_ignored() {
        assert_eq!(parse_date("2020-09-01 00:00:00"), Ok(d(2020, 9, 1)));
        assert_eq!(parse_date("2020-09-01T08:30"), Ok(d(2020, 9, 1)));
    }

    #[test]
    fn date_excel_serial_numbers() {
        assert_eq!(parse_date("44075"), Ok(d(2020, 9, 1)));
        assert_eq!(parse_date("44075.0"), Ok(d(2020, 9, 1)));
        assert_eq!(parse_date("1"), Ok(d(1900, 1, 1)));
        assert_eq!(parse_date("2958465"), Ok(d(9999, 12, 31)));
        assert_eq!(parse_date("0"), Err(ValidationError::DateOutOfRange));
        assert_eq!(parse_date("2958466"), Err(ValidationError::DateOutOfRange));
    }

    #[test]
    fn date_excel_serial_1900_leap_bug() {
        assert_eq!(parse_date("59"), Ok(d(1900, 2, 28)));
        assert_eq!(parse_date("60"), Err(ValidationError::DateOutOfRange));
        assert_eq!(parse_date("61"), Ok(d(1900, 3, 1)));
    }

    #[test]
    fn date_invalid_rejected() {
        for s in ["2020-02-30", "2020-13-01", "2020.9", "20-9-1", "2020-9/1", "昨天", "2020年9月"] {
            assert!(parse_date(s).is_err(), "{s}");
        }
        assert_eq!(parse_date(" "), Err(ValidationError::Required));
    }

    #[test]
    fn date_format_zh_and_weekday() {
        assert_eq!(format_zh(d(2026, 9, 1)), "2026年9月1日");
        assert_eq!(weekday_zh(d(2026, 9, 1)), "周二");
        assert_eq!(weekday_zh(d(2026, 9, 6)), "周日");
    }

    proptest! {
        #[test]
        fn iso_writes_what_chrono_writes(days in -1_000_000i64..4_000_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default() + chrono::Duration::days(days);
            prop_assert_eq!(iso(d), d.format("%Y-%m-%d").to_string());
        }

        #[test]
        fn date_parse_never_panics(s in any::<String>()) {
            let _ = parse_date(&s);
        }

        #[test]
        fn date_iso_round_trips(days in 0i64..2_900_000) {
            let date = d(1900, 1, 1) + chrono::Duration::days(days);
            prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
            prop_assert_eq!(parse_date(&format_zh(date)), Ok(date));
        }
    }
}
