//! Scrutineers (监票人) and counters (计票人) oversee and count a vote, so none of them may stand
//! in it: 《工会基层组织选举工作条例》 — 候选人不得担任监票人、计票人.
//!
//! Names are compared as ballots compare them (trimmed, NFKC), so "张三" typed with a
//! full-width space or a compatibility character is still the same person.

use std::collections::HashSet;

use super::bulletin::normalize_name;

/// The officials who are also candidates of the poll, in the order the officials were named
/// (each once).
pub fn officials_standing(candidates: &[String], officials: &[String]) -> Vec<String> {
    let standing: HashSet<String> = candidates.iter().map(|c| normalize_name(c)).collect();
    let mut seen = HashSet::new();
    officials
        .iter()
        .filter(|o| {
            let n = normalize_name(o);
            !n.is_empty() && standing.contains(&n) && seen.insert(n)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn scrutineer_who_is_a_candidate_of_the_same_poll_is_found() {
        assert_eq!(officials_standing(&s(&["张三", "李四"]), &s(&["王五", "李四"])), s(&["李四"]));
    }

    #[test]
    fn scrutineer_matches_a_candidate_after_trimming_and_nfkc() {
        // A full-width space and the compatibility form of a letter are the same name.
        assert_eq!(officials_standing(&s(&["Ａ李"]), &s(&["　A李 "])), s(&["　A李 "]));
    }

    #[test]
    fn officials_who_do_not_stand_are_no_conflict() {
        assert!(officials_standing(&s(&["张三"]), &s(&["王五", "", "赵六"])).is_empty());
        assert!(officials_standing(&[], &s(&["王五"])).is_empty());
        // Named twice, reported once.
        assert_eq!(officials_standing(&s(&["张三"]), &s(&["张三", "张三"])), s(&["张三"]));
    }
}
