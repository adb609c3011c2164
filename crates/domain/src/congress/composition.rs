//! How many delegates a school needs and whether their composition meets congress.md: teachers at
//! least 60 %, school leaders and middle managers at most 20 %, women and young staff (≤ 35) shown
//! beside their share of all staff. Shares are exact fractions; nothing is rounded until display.

use crate::members::{Gender, Post};

/// Minimum delegates for a school of `staff`: ≥ 30 up to 100 staff (all of them when fewer than
/// 30), ≥ 30 % (rounded up) for 101–199, ≥ 20 % (rounded up) from 200.
pub fn delegate_minimum(staff: u32) -> u32 {
    match staff {
        0..=100 => staff.min(30),
        101..=199 => (staff * 3).div_ceil(10),
        _ => staff.div_ceil(5),
    }
}

/// What the composition check needs of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonFacts {
    pub post: Option<Post>,
    pub gender: Option<Gender>,
    pub age: Option<u32>,
}

/// `count` of `of`, an exact share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub count: u32,
    pub of: u32,
}

impl Share {
    fn of<F: Fn(&PersonFacts) -> bool>(people: &[PersonFacts], f: F) -> Share {
        Share { count: people.iter().filter(|p| f(p)).count() as u32, of: people.len() as u32 }
    }
    /// `count / of ≥ num / den`.
    pub fn at_least(&self, num: u32, den: u32) -> bool {
        u64::from(self.count) * u64::from(den) >= u64::from(num) * u64::from(self.of)
    }
    /// `count / of ≤ num / den`.
    pub fn at_most(&self, num: u32, den: u32) -> bool {
        u64::from(self.count) * u64::from(den) <= u64::from(num) * u64::from(self.of)
    }
    /// The share in percent, one decimal, rounded half up ("61.5").
    pub fn percent(&self) -> String {
        if self.of == 0 {
            return "0.0".into();
        }
        let tenths = (u64::from(self.count) * 2000 + u64::from(self.of)) / (2 * u64::from(self.of));
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// The composition of a delegate list, with the warnings to show before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    pub delegates: u32,
    pub minimum: u32,
    pub too_few: bool,
    pub teachers: Share,
    pub teachers_below_60: bool,
    pub leaders: Share,
    pub leaders_above_20: bool,
    pub women: Share,
    pub women_of_staff: Share,
    pub young: Share,
    pub young_of_staff: Share,
}

fn is_leader(p: &PersonFacts) -> bool {
    matches!(p.post, Some(Post::SchoolLeader) | Some(Post::MiddleManager))
}

fn is_young(p: &PersonFacts) -> bool {
    p.age.is_some_and(|a| a <= 35)
}

/// Checks a delegate list against the whole staff.
pub fn composition(delegates: &[PersonFacts], staff: &[PersonFacts]) -> Composition {
    let n = delegates.len() as u32;
    let minimum = delegate_minimum(staff.len() as u32);
    let teachers = Share::of(delegates, |p| p.post == Some(Post::Teacher));
    let leaders = Share::of(delegates, is_leader);
    Composition {
        delegates: n,
        minimum,
        too_few: n < minimum,
        teachers,
        teachers_below_60: n > 0 && !teachers.at_least(60, 100),
        leaders,
        leaders_above_20: !leaders.at_most(20, 100),
        women: Share::of(delegates, |p| p.gender == Some(Gender::Female)),
        women_of_staff: Share::of(staff, |p| p.gender == Some(Gender::Female)),
        young: Share::of(delegates, is_young),
        young_of_staff: Share::of(staff, is_young),
    }
}

impl Composition {
    /// The checks that fail, as codes for the audit log: `too_few`, `teachers_below_60`,
    /// `leaders_above_20`. Women and young staff are shown beside their share, never warned about
    /// (congress.md asks only for an "appropriate proportion").
    pub fn warnings(&self) -> Vec<&'static str> {
        [
            (self.too_few, "too_few"),
            (self.teachers_below_60, "teachers_below_60"),
            (self.leaders_above_20, "leaders_above_20"),
        ]
        .into_iter()
        .filter_map(|(on, code)| on.then_some(code))
        .collect()
    }
}

/// Why a delegate list cannot be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmError {
    /// No current delegate.
    Empty,
    /// The composition has warnings and nobody acknowledged them.
    NotAcknowledged,
}

impl ConfirmError {
    /// Fluent message id.
    pub fn key(self) -> &'static str {
        match self {
            ConfirmError::Empty => "congress-err-list-empty",
            ConfirmError::NotAcknowledged => "congress-err-acknowledge",
        }
    }
}

/// Whether the list may be confirmed (congress.md: the composition checks are shown as warnings
/// before the list is confirmed): never when empty; with warnings, only when the person
/// confirming acknowledged them. Returns the warnings acknowledged, for the record.
pub fn confirm_list(c: &Composition, acknowledged: bool) -> Result<Vec<&'static str>, ConfirmError> {
    if c.delegates == 0 {
        return Err(ConfirmError::Empty);
    }
    let warnings = c.warnings();
    if !warnings.is_empty() && !acknowledged {
        return Err(ConfirmError::NotAcknowledged);
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(post: Post, gender: Gender, age: u32) -> PersonFacts {
        PersonFacts { post: Some(post), gender: Some(gender), age: Some(age) }
    }

    #[test]
    fn delegate_minimum_thirty_up_to_100_staff() {
        assert_eq!(delegate_minimum(100), 30);
        assert_eq!(delegate_minimum(64), 30);
        assert_eq!(delegate_minimum(20), 20, "fewer staff than 30: everyone");
    }

    #[test]
    fn delegate_minimum_thirty_percent_rounded_up_for_101_to_199() {
        assert_eq!(delegate_minimum(101), 31); // 30.3 → 31
        assert_eq!(delegate_minimum(150), 45);
        assert_eq!(delegate_minimum(199), 60); // 59.7 → 60
    }

    #[test]
    fn delegate_minimum_twenty_percent_rounded_up_from_200() {
        assert_eq!(delegate_minimum(200), 40);
        assert_eq!(delegate_minimum(201), 41);
        assert_eq!(delegate_minimum(1000), 200);
    }

    #[test]
    fn teachers_at_least_sixty_percent_inclusive() {
        let mut d = vec![person(Post::Teacher, Gender::Female, 40); 6];
        d.extend(vec![person(Post::Staff, Gender::Male, 40); 4]);
        assert!(!composition(&d, &d).teachers_below_60, "6 of 10 is exactly 60 %");
        d.push(person(Post::Staff, Gender::Male, 40));
        assert!(composition(&d, &d).teachers_below_60, "6 of 11 is below");
    }

    #[test]
    fn leaders_at_most_twenty_percent_inclusive() {
        let mut d = vec![person(Post::Teacher, Gender::Female, 40); 8];
        d.push(person(Post::SchoolLeader, Gender::Male, 50));
        d.push(person(Post::MiddleManager, Gender::Male, 45));
        assert!(!composition(&d, &d).leaders_above_20, "2 of 10 is exactly 20 %");
        d.pop();
        d.push(person(Post::MiddleManager, Gender::Female, 45));
        d.push(person(Post::SchoolLeader, Gender::Female, 45));
        assert!(composition(&d, &d).leaders_above_20, "3 of 11 is above");
    }

    #[test]
    fn women_and_young_shown_beside_their_share_of_staff() {
        let staff = vec![
            person(Post::Teacher, Gender::Female, 30),
            person(Post::Teacher, Gender::Female, 50),
            person(Post::Teacher, Gender::Male, 35),
            person(Post::Teacher, Gender::Male, 36),
        ];
        let c = composition(&staff[..2], &staff);
        assert_eq!((c.women.count, c.women.of, c.women_of_staff.count), (2, 2, 2));
        assert_eq!((c.young.count, c.young_of_staff.count), (1, 2), "35 counts as young, 36 does not");
        assert_eq!(c.women_of_staff.percent(), "50.0");
        assert_eq!(Share { count: 2, of: 3 }.percent(), "66.7");
        assert_eq!(Share { count: 1, of: 8 }.percent(), "12.5");
    }

    #[test]
    fn too_few_delegates_flagged() {
        let staff = vec![person(Post::Teacher, Gender::Female, 40); 120];
        let c = composition(&staff[..35], &staff);
        assert_eq!((c.minimum, c.too_few), (36, true));
        let c = composition(&staff[..36], &staff);
        assert!(!c.too_few);
    }

    #[test]
    fn a_list_with_warnings_is_confirmed_only_with_an_acknowledgement() {
        let mut d = vec![person(Post::Teacher, Gender::Female, 40); 5];
        d.extend(vec![person(Post::Staff, Gender::Male, 40); 5]);
        let c = composition(&d, &d);
        assert_eq!(c.warnings(), vec!["teachers_below_60"]);
        assert_eq!(confirm_list(&c, false), Err(ConfirmError::NotAcknowledged));
        assert_eq!(confirm_list(&c, true), Ok(vec!["teachers_below_60"]), "the acknowledged warnings are recorded");
    }

    #[test]
    fn a_list_without_warnings_is_confirmed_without_an_acknowledgement() {
        let d = vec![person(Post::Teacher, Gender::Female, 40); 10];
        let c = composition(&d, &d);
        assert!(c.warnings().is_empty());
        assert_eq!(confirm_list(&c, false), Ok(vec![]));
    }

    #[test]
    fn an_empty_list_is_never_confirmed() {
        let staff = vec![person(Post::Teacher, Gender::Female, 40); 10];
        let c = composition(&[], &staff);
        assert_eq!(confirm_list(&c, true), Err(ConfirmError::Empty));
        assert_ne!(ConfirmError::Empty.key(), ConfirmError::NotAcknowledged.key());
    }
}
