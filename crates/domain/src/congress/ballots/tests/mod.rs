//! Tests of the ballot engine, one file per kind plus parsing and properties. Each test is
//! named after the rule of ballots.md it checks.

mod election;
mod evaluation;
mod limits;
mod parse;
mod props;
mod published;
mod resolution;
mod robust;
mod stored;

use super::*;

/// Owned strings from string literals.
fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `n` ballots made by `make(i)`, trackers `t0`, `t1`, ….
fn many(n: usize, make: impl Fn(String) -> Ballot) -> Vec<Ballot> {
    (0..n).map(|i| make(format!("t{i}"))).collect()
}

fn frac(s: &str) -> Fraction {
    Fraction::parse(s).unwrap()
}

/// Validates then tallies, as `jiaogong tally` does.
fn checked_tally(b: &Bulletin) -> TallyResult {
    b.validate().unwrap();
    tally(b)
}
