//! Which member fields a reader sees, and how: one rule for the roster pages, the member page,
//! the JSON API and the exports (members.md "Privacy").
//!
//! ID number and phone are personal data: roster readers see them masked; the roles that look
//! after the roster may reveal them in full on an explicit, audited request (a reveal, the
//! sensitive export). The base salary is payroll data: only those who keep or audit the dues see
//! it. Members see everything held about themselves (PIPL access right).

use crate::platform::roles::Role;

/// A member field whose visibility depends on the reader.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Guarded {
    IdNumber,
    Phone,
    BaseSalary,
}

impl Guarded {
    pub const ALL: [Guarded; 3] = [Guarded::IdNumber, Guarded::Phone, Guarded::BaseSalary];
}

/// How much of a field a reader sees.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shown {
    /// Not at all: the field is left out.
    Hidden,
    /// Masked (`1101**********002X`, `138****8000`).
    Masked,
    /// Masked, and in full on an explicit request that is audited (reveal, sensitive export).
    Revealable,
    /// In full.
    Full,
}

/// Who reads a member's record.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reader {
    /// The member themself.
    Own,
    /// Someone reading the record in a role.
    Role(Role),
}

/// The rule.
pub fn shown(reader: Reader, field: Guarded) -> Shown {
    let role = match reader {
        Reader::Own => return Shown::Full,
        Reader::Role(r) => r,
    };
    match field {
        Guarded::IdNumber | Guarded::Phone => match role {
            Role::Admin | Role::Chair | Role::OrgCommittee => Shown::Revealable,
            Role::GroupLeader => Shown::Masked,
            Role::Member
            | Role::Auditor
            | Role::District
            | Role::Finance
            | Role::Welfare
            | Role::WomenCommittee
            | Role::Supervisor => Shown::Hidden,
        },
        Guarded::BaseSalary => match role {
            Role::Admin | Role::Chair | Role::OrgCommittee | Role::Auditor | Role::Finance => Shown::Full,
            Role::GroupLeader
            | Role::Member
            | Role::District
            | Role::Welfare
            | Role::WomenCommittee
            | Role::Supervisor => Shown::Hidden,
        },
    }
}

/// Whether a role may see the field at all (masked or better).
pub fn sees(role: Role, field: Guarded) -> bool {
    shown(Reader::Role(role), field) > Shown::Hidden
}

/// Whether a role may have the field in full (on an explicit request for the revealable ones).
pub fn may_reveal(role: Role, field: Guarded) -> bool {
    shown(Reader::Role(role), field) >= Shown::Revealable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_leader_sees_id_and_phone_masked_and_no_salary() {
        let r = Reader::Role(Role::GroupLeader);
        assert_eq!(shown(r, Guarded::IdNumber), Shown::Masked);
        assert_eq!(shown(r, Guarded::Phone), Shown::Masked);
        assert_eq!(shown(r, Guarded::BaseSalary), Shown::Hidden);
    }

    #[test]
    fn only_chair_org_committee_admin_reveal_id_and_phone() {
        for f in [Guarded::IdNumber, Guarded::Phone] {
            let allowed: Vec<Role> = Role::ALL.into_iter().filter(|r| may_reveal(*r, f)).collect();
            assert_eq!(allowed, vec![Role::Admin, Role::Chair, Role::OrgCommittee]);
        }
    }

    #[test]
    fn salary_only_for_those_who_keep_or_audit_dues() {
        let allowed: Vec<Role> = Role::ALL.into_iter().filter(|r| sees(*r, Guarded::BaseSalary)).collect();
        assert_eq!(allowed, vec![Role::Admin, Role::Chair, Role::OrgCommittee, Role::Auditor, Role::Finance]);
    }

    #[test]
    fn a_member_sees_all_of_their_own_record() {
        for f in Guarded::ALL {
            assert_eq!(shown(Reader::Own, f), Shown::Full);
        }
    }
}
