//! Errors of a malformed bulletin, printed as one line in Chinese and English.
//!
//! `jiaogong tally` exits 2 with [`BulletinError::message_zh_en`] for a malformed bulletin
//! (ballots.md, "Errors"). [`BulletinError::ballot_index`] is the 0-based position in the
//! `ballots` array (so a tool can jump to `ballots[i]`); the message counts from 1 for humans:
//! `ballot_index == Some(2)` prints "第 3 张选票 / ballot 3".

use std::fmt;

/// A malformed bulletin: where (a ballot, or the bulletin/poll when `None`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinError {
    /// 0-based index into `ballots`; `None` for errors in the JSON text, the envelope or the poll.
    pub ballot_index: Option<usize>,
    pub kind: BulletinErrorKind,
}

/// What is wrong. Names and values are kept as found so the message can quote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulletinErrorKind {
    /// The text is not JSON.
    Json { detail: String },
    /// Wrong shape: missing field, wrong type, unknown field, bad enum value.
    Malformed { path: String, detail: String },
    /// A key appears twice in one JSON object (`path`: where the object is).
    DuplicateKey { path: String, key: String },
    /// `format` is not `jiaogong-bulletin/1`.
    UnsupportedFormat { found: String },
    /// `poll.kind` is not resolution, election or evaluation.
    UnknownKind { found: String },
    /// A count in the poll is negative.
    NegativeCount { field: String },
    /// A rule fraction is not `"a/b"` with `0 ≤ a ≤ b`, `b > 0`.
    BadFraction { field: String, found: String },
    /// `rules.base` is not electorate, present or valid.
    UnknownBase { found: String },
    /// An election needs at least one seat.
    NoSeats,
    /// A rater group's weight must be at least 1.
    ZeroWeight { group: String },
    /// A name in a poll list (candidates, subjects, grades, groups) is empty after trimming.
    EmptyName { list: &'static str },
    /// Two names in a poll list are equal after trimming and NFKC normalisation.
    DuplicateName { list: &'static str, name: String },
    /// A field that belongs to another kind of poll (e.g. `marks` on a resolution ballot).
    FieldNotForKind { field: &'static str, kind: &'static str },
    /// An election ballot marks a name that is not a listed candidate.
    UnknownCandidate { name: String },
    /// An evaluation ballot grades a name that is not a subject.
    UnknownSubject { name: String },
    /// A grade (on a ballot, or in `rules.competent` / `rules.fail`) that is not in `grades`.
    UnknownGrade { grade: String },
    /// An evaluation ballot's group that is not in `groups`.
    UnknownGroup { group: String },
    /// An evaluation ballot without a group although the poll defines groups.
    MissingGroup,
    /// One ballot marks or grades the same person twice (after normalisation).
    DuplicateMark { name: String },
}

impl BulletinError {
    pub(crate) fn poll(kind: BulletinErrorKind) -> Self {
        Self { ballot_index: None, kind }
    }

    pub(crate) fn ballot(index: usize, kind: BulletinErrorKind) -> Self {
        Self { ballot_index: Some(index), kind }
    }

    /// One line: `第 3 张选票：候选人“王五”不在名单中 / ballot 3: mark for unknown candidate “王五”`.
    pub fn message_zh_en(&self) -> String {
        let (zh, en) = self.kind.texts();
        match self.ballot_index {
            Some(i) => format!("第 {n} 张选票：{zh} / ballot {n}: {en}", n = i.saturating_add(1)),
            None => format!("选票公告有误：{zh} / bulletin: {en}"),
        }
    }
}

impl BulletinErrorKind {
    fn texts(&self) -> (String, String) {
        use BulletinErrorKind::*;
        match self {
            Json { detail } => ("不是有效的 JSON".into(), format!("not valid JSON ({})", show(detail))),
            Malformed { path, detail } if path.is_empty() => {
                (format!("格式错误（{}）", show(detail)), format!("malformed: {}", show(detail)))
            }
            Malformed { path, detail } => (
                format!("{} 格式错误（{}）", show(path), show(detail)),
                format!("malformed {}: {}", show(path), show(detail)),
            ),
            DuplicateKey { path, key } => (
                format!("{} 中的键“{}”出现了两次，同一对象里每个键只能出现一次", show(path), show(key)),
                format!("key “{}” appears twice in {}", show(key), show(path)),
            ),
            UnsupportedFormat { found } => (
                format!("不支持的格式“{}”，应为 jiaogong-bulletin/1", show(found)),
                format!("unsupported format “{}”, expected jiaogong-bulletin/1", show(found)),
            ),
            UnknownKind { found } => (
                format!("未知的投票类型“{}”（应为 resolution、election 或 evaluation）", show(found)),
                format!("unknown poll kind “{}” (expected resolution, election or evaluation)", show(found)),
            ),
            NegativeCount { field } => {
                (format!("{} 不能为负数", show(field)), format!("{} must not be negative", show(field)))
            }
            BadFraction { field, found } => (
                format!("{} 的分数“{}”无效，应为“a/b”且 0 ≤ a ≤ b、b > 0", show(field), show(found)),
                format!("bad fraction “{}” in {}, expected \"a/b\" with 0 ≤ a ≤ b, b > 0", show(found), show(field)),
            ),
            UnknownBase { found } => (
                format!("未知的计票基数“{}”（应为 electorate、present 或 valid）", show(found)),
                format!("unknown base “{}” (expected electorate, present or valid)", show(found)),
            ),
            NoSeats => ("应选名额（seats）至少为 1".into(), "an election needs seats ≥ 1".into()),
            ZeroWeight { group } => (
                format!("评议组“{}”的权重至少为 1", show(group)),
                format!("weight of group “{}” must be at least 1", show(group)),
            ),
            EmptyName { list } => (format!("{list} 中有空名称"), format!("empty name in {list}")),
            DuplicateName { list, name } => {
                (format!("{list} 中“{}”重复", show(name)), format!("duplicate name “{}” in {list}", show(name)))
            }
            FieldNotForKind { field, kind } => (
                format!("字段 {field} 不适用于 {kind} 类型的投票"),
                format!("field {field} does not belong to a {kind} poll"),
            ),
            UnknownCandidate { name } => {
                (format!("候选人“{}”不在名单中", show(name)), format!("mark for unknown candidate “{}”", show(name)))
            }
            UnknownSubject { name } => {
                (format!("被评议人“{}”不在名单中", show(name)), format!("grade for unknown subject “{}”", show(name)))
            }
            UnknownGrade { grade } => {
                (format!("等次“{}”不在 grades 中", show(grade)), format!("grade “{}” is not in grades", show(grade)))
            }
            UnknownGroup { group } => {
                (format!("评议组“{}”不在 groups 中", show(group)), format!("group “{}” is not in groups", show(group)))
            }
            MissingGroup => ("缺少评议组（group）".into(), "missing group".into()),
            DuplicateMark { name } => {
                (format!("对“{}”重复填写", show(name)), format!("“{}” is marked twice on one ballot", show(name)))
            }
        }
    }
}

/// A value quoted in a one-line message: control characters escaped, long values shortened.
fn show(s: &str) -> String {
    const MAX_CHARS: usize = 80;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for BulletinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_zh_en())
    }
}

impl std::error::Error for BulletinError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_is_one_line_in_chinese_and_english_with_one_based_index() {
        let e = BulletinError::ballot(2, BulletinErrorKind::UnknownCandidate { name: "王五".into() });
        assert_eq!(
            e.message_zh_en(),
            "第 3 张选票：候选人“王五”不在名单中 / ballot 3: mark for unknown candidate “王五”"
        );
        let e = BulletinError::poll(BulletinErrorKind::UnknownKind { found: "a\nb".into() });
        assert!(!e.message_zh_en().contains('\n'));
        assert!(e.to_string().starts_with("选票公告有误："));
    }
}
