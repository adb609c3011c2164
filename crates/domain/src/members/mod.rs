//! Members: gender, post, membership status and its transitions, and (in submodules) the
//! roster fields and the validation rule shared by the Excel import and the form.

pub mod dues;
pub mod idcard;
pub mod phone;
pub mod pinyin_search;

mod field;
pub mod import_plan;
mod validate;
pub mod visibility;

pub use field::{Field, RawMember};
pub use import_plan::{plan_import, ExistingMember, ImportPlan, ImportRow, MergedCell, RosterColumns};
pub use validate::{validate_member, validate_member_at, MemberInput, TEMPORARY_POST_ZH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    /// "M" / "F".
    pub fn code(&self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
        }
    }

    /// From "男"/"女" (also "男性"/"女性") or the codes "M"/"F" in any case.
    pub fn parse(s: &str) -> Option<Gender> {
        match crate::platform::text::normalize_compact(s).to_ascii_uppercase().as_str() {
            "男" | "男性" | "M" | "MALE" => Some(Gender::Male),
            "女" | "女性" | "F" | "FEMALE" => Some(Gender::Female),
            _ => None,
        }
    }

    pub fn from_code(code: &str) -> Option<Gender> {
        Gender::ALL.into_iter().find(|g| g.code() == code)
    }

    /// Fluent id, e.g. `gender-male`.
    pub fn key(&self) -> &'static str {
        match self {
            Gender::Male => "gender-male",
            Gender::Female => "gender-female",
        }
    }

    /// "男" / "女", for spreadsheet export and the CLI.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// Membership status. Records are never deleted: leaving members change status.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    NonMember,
    Active,
    Retired,
    TransferredOut,
    Deceased,
}

crate::stored_code!(MemberStatus);

impl MemberStatus {
    pub const ALL: [MemberStatus; 5] = [
        MemberStatus::NonMember,
        MemberStatus::Active,
        MemberStatus::Retired,
        MemberStatus::TransferredOut,
        MemberStatus::Deceased,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            MemberStatus::NonMember => "non_member",
            MemberStatus::Active => "active",
            MemberStatus::Retired => "retired",
            MemberStatus::TransferredOut => "transferred_out",
            MemberStatus::Deceased => "deceased",
        }
    }

    pub fn from_code(code: &str) -> Option<MemberStatus> {
        MemberStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Fluent id, e.g. `status-active`.
    pub fn key(&self) -> &'static str {
        match self {
            MemberStatus::NonMember => "status-non-member",
            MemberStatus::Active => "status-active",
            MemberStatus::Retired => "status-retired",
            MemberStatus::TransferredOut => "status-transferred-out",
            MemberStatus::Deceased => "status-deceased",
        }
    }

    /// Canonical Chinese label (used in spreadsheets, which are not translated).
    pub fn label_zh(&self) -> &'static str {
        match self {
            MemberStatus::NonMember => "非会员",
            MemberStatus::Active => "在职会员",
            MemberStatus::Retired => "退休会员",
            MemberStatus::TransferredOut => "调出",
            MemberStatus::Deceased => "去世",
        }
    }

    /// From the Chinese labels and their short forms, or a code.
    pub fn parse_zh(s: &str) -> Option<MemberStatus> {
        let s = crate::platform::text::normalize_compact(s);
        match s.as_str() {
            "在职会员" | "在职" | "会员" => Some(MemberStatus::Active),
            "退休会员" | "退休" => Some(MemberStatus::Retired),
            "调出" | "已调出" | "调离" => Some(MemberStatus::TransferredOut),
            "去世" | "已故" | "病故" => Some(MemberStatus::Deceased),
            "非会员" | "未入会" => Some(MemberStatus::NonMember),
            other => MemberStatus::from_code(other),
        }
    }

    /// Whether the member is on the active roster (counts for dues, votes, quorum).
    pub fn is_member(&self) -> bool {
        matches!(self, MemberStatus::Active | MemberStatus::Retired)
    }
}

/// Something that happened to a member record; each is stored with a date, reason and actor.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MemberEventKind {
    Join,
    Retire,
    TransferOut,
    TransferBack,
    Death,
    GroupChange,
    Update,
}

impl MemberEventKind {
    pub const ALL: [MemberEventKind; 7] = [
        MemberEventKind::Join,
        MemberEventKind::Retire,
        MemberEventKind::TransferOut,
        MemberEventKind::TransferBack,
        MemberEventKind::Death,
        MemberEventKind::GroupChange,
        MemberEventKind::Update,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            MemberEventKind::Join => "join",
            MemberEventKind::Retire => "retire",
            MemberEventKind::TransferOut => "transfer_out",
            MemberEventKind::TransferBack => "transfer_back",
            MemberEventKind::Death => "death",
            MemberEventKind::GroupChange => "group_change",
            MemberEventKind::Update => "update",
        }
    }

    pub fn from_code(code: &str) -> Option<MemberEventKind> {
        MemberEventKind::ALL.into_iter().find(|e| e.code() == code)
    }

    /// Fluent id, e.g. `event-transfer-out`.
    pub fn key(&self) -> &'static str {
        match self {
            MemberEventKind::Join => "event-join",
            MemberEventKind::Retire => "event-retire",
            MemberEventKind::TransferOut => "event-transfer-out",
            MemberEventKind::TransferBack => "event-transfer-back",
            MemberEventKind::Death => "event-death",
            MemberEventKind::GroupChange => "event-group-change",
            MemberEventKind::Update => "event-update",
        }
    }
}

/// An event that the member's current status does not allow.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Error)]
#[error("当前状态“{}”不允许此操作（{}）", from.label_zh(), event.code())]
pub struct TransitionError {
    pub from: MemberStatus,
    pub event: MemberEventKind,
}

impl TransitionError {
    pub fn key(&self) -> &'static str {
        "err-transition-not-allowed"
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        vec![("from", self.from.code().to_string()), ("event", self.event.code().to_string())]
    }
}

/// The status after `event`, or an error when members.md does not allow it:
/// 非会员 →(入会) 在职 · 在职 →(退休) 退休 · 在职 →(调出) 调出 · 调出 →(调回) 在职 ·
/// any but 去世 →(去世) 去世. Group changes and updates keep the status, except on 去世.
pub fn transition(from: MemberStatus, event: MemberEventKind) -> Result<MemberStatus, TransitionError> {
    use MemberEventKind as E;
    use MemberStatus as S;
    match (from, event) {
        (S::Deceased, _) => Err(TransitionError { from, event }),
        (S::NonMember, E::Join) => Ok(S::Active),
        (S::Active, E::Retire) => Ok(S::Retired),
        (S::Active, E::TransferOut) => Ok(S::TransferredOut),
        (S::TransferredOut, E::TransferBack) => Ok(S::Active),
        (_, E::Death) => Ok(S::Deceased),
        (_, E::GroupChange | E::Update) => Ok(from),
        _ => Err(TransitionError { from, event }),
    }
}

/// The events a form may offer for a member in status `from`.
pub fn allowed_events(from: MemberStatus) -> Vec<MemberEventKind> {
    MemberEventKind::ALL.into_iter().filter(|e| transition(from, *e).is_ok()).collect()
}

/// 岗位.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Post {
    Teacher,
    Staff,
    Worker,
    SchoolLeader,
    MiddleManager,
}

impl Post {
    pub const ALL: [Post; 5] = [Post::Teacher, Post::Staff, Post::Worker, Post::SchoolLeader, Post::MiddleManager];

    pub fn code(&self) -> &'static str {
        match self {
            Post::Teacher => "teacher",
            Post::Staff => "staff",
            Post::Worker => "worker",
            Post::SchoolLeader => "school_leader",
            Post::MiddleManager => "middle_manager",
        }
    }

    pub fn from_code(code: &str) -> Option<Post> {
        Post::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Fluent id, e.g. `post-school-leader`.
    pub fn key(&self) -> &'static str {
        match self {
            Post::Teacher => "post-teacher",
            Post::Staff => "post-staff",
            Post::Worker => "post-worker",
            Post::SchoolLeader => "post-school-leader",
            Post::MiddleManager => "post-middle-manager",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            Post::Teacher => "教师",
            Post::Staff => "职员",
            Post::Worker => "工勤",
            Post::SchoolLeader => "校领导",
            Post::MiddleManager => "中层",
        }
    }

    pub fn parse_zh(s: &str) -> Option<Post> {
        let s = crate::platform::text::normalize_compact(s);
        match s.as_str() {
            "教师" | "专任教师" => Some(Post::Teacher),
            "职员" | "行政" => Some(Post::Staff),
            "工勤" | "工勤人员" => Some(Post::Worker),
            "校领导" | "学校领导" => Some(Post::SchoolLeader),
            "中层" | "中层干部" => Some(Post::MiddleManager),
            other => Post::from_code(other),
        }
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
