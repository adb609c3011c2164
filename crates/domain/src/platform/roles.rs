//! Roles of people using the system and the coarse permissions that follow from the role
//! alone (finer, scope-dependent checks live in the web layer's access table).

use serde::{Deserialize, Serialize};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// System administrator of the school's installation.
    Admin,
    /// 工会主席.
    Chair,
    /// 组织委员 (organisation committee member).
    OrgCommittee,
    /// 工会小组长.
    GroupLeader,
    Member,
    /// 经审委员 (audit committee), read access to finance.
    Auditor,
    /// 上级工会 (district union) staff.
    District,
    /// 财务委员 (finance committee member): prepares vouchers and keeps the books.
    Finance,
    /// 生活福利委员 (welfare committee member): care visits, hardship files.
    Welfare,
    /// 女工委员 (women staff committee member): women staff's protections and health checks.
    WomenCommittee,
    /// 校务公开监督小组成员 (member of the school-affairs transparency supervision group).
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Admin,
        Role::Chair,
        Role::OrgCommittee,
        Role::GroupLeader,
        Role::Member,
        Role::Auditor,
        Role::District,
        Role::Finance,
        Role::Welfare,
        Role::WomenCommittee,
        Role::Supervisor,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Chair => "chair",
            Role::OrgCommittee => "org_committee",
            Role::GroupLeader => "group_leader",
            Role::Member => "member",
            Role::Auditor => "auditor",
            Role::District => "district",
            Role::Finance => "finance",
            Role::Welfare => "welfare",
            Role::WomenCommittee => "women_committee",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Fluent id, e.g. `role-org-committee`.
    pub fn key(&self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Chair => "role-chair",
            Role::OrgCommittee => "role-org-committee",
            Role::GroupLeader => "role-group-leader",
            Role::Member => "role-member",
            Role::Auditor => "role-auditor",
            Role::District => "role-district",
            Role::Finance => "role-finance",
            Role::Welfare => "role-welfare",
            Role::WomenCommittee => "role-women-committee",
            Role::Supervisor => "role-supervisor",
        }
    }

    /// May reveal a full ID number or phone (per record, audited): members.md "Privacy".
    pub fn can_reveal_sensitive(&self) -> bool {
        use crate::members::visibility::{may_reveal, Guarded};
        may_reveal(*self, Guarded::IdNumber) && may_reveal(*self, Guarded::Phone)
    }

    /// Whose roster lines this role reads (pages, API and exports alike): a group leader only
    /// the members of their own union group, the committee the whole school.
    pub fn roster_scope(&self) -> RosterScope {
        match self {
            Role::GroupLeader => RosterScope::OwnGroup,
            _ => RosterScope::School,
        }
    }

    /// May create, import and change member records.
    pub fn manages_roster(&self) -> bool {
        matches!(self, Role::Admin | Role::Chair | Role::OrgCommittee)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert!(r.key().starts_with("role-"));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn reveal_sensitive_only_chair_org_committee_admin() {
        let allowed: Vec<Role> = Role::ALL.into_iter().filter(Role::can_reveal_sensitive).collect();
        assert_eq!(allowed, vec![Role::Admin, Role::Chair, Role::OrgCommittee]);
    }

    #[test]
    fn group_leader_and_district_do_not_manage_roster() {
        assert!(!Role::GroupLeader.manages_roster());
        assert!(!Role::District.manages_roster());
        assert!(!Role::Auditor.manages_roster());
        assert!(Role::OrgCommittee.manages_roster());
    }
}

/// The part of the roster a reader sees (finding 23).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterScope {
    /// Every member of the school.
    School,
    /// Only the members of the reader's own union group (none when the reader has no group).
    OwnGroup,
}

#[cfg(test)]
mod roster_scope_tests {
    use super::*;

    #[test]
    fn a_group_leader_reads_only_their_own_group() {
        assert_eq!(Role::GroupLeader.roster_scope(), RosterScope::OwnGroup);
        for r in [Role::Admin, Role::Chair, Role::OrgCommittee] {
            assert_eq!(r.roster_scope(), RosterScope::School);
        }
    }
}
