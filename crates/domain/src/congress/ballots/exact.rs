//! Exact non-negative rationals for rates and weighted scores, rounded half-up to two decimals.
//!
//! A weighted score `Σ w_g · (P_g / n_g) / Σ w_g` has the product of the group sizes as its
//! denominator, which can exceed `u128` with many groups, so this module carries a minimal
//! arbitrary-precision natural number ([`Nat`]: add, multiply, compare). Division is only ever
//! needed for the final rounded result, whose quotient is small, and is done by exact search.

use std::cmp::Ordering;

/// An arbitrary-precision natural number: little-endian base-2³² limbs, no trailing zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Nat(Vec<u32>);

impl Nat {
    pub(crate) fn zero() -> Self {
        Nat(Vec::new())
    }

    pub(crate) fn from_u128(mut v: u128) -> Self {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push((v & 0xFFFF_FFFF) as u32);
            v >>= 32;
        }
        Nat(limbs)
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(mut self) -> Self {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    pub(crate) fn add(&self, other: &Nat) -> Nat {
        let len = self.0.len().max(other.0.len());
        let mut out = Vec::with_capacity(len + 1);
        let mut carry = 0u64;
        for i in 0..len {
            let a = u64::from(self.0.get(i).copied().unwrap_or(0));
            let b = u64::from(other.0.get(i).copied().unwrap_or(0));
            let s = a + b + carry;
            out.push((s & 0xFFFF_FFFF) as u32);
            carry = s >> 32;
        }
        if carry > 0 {
            out.push(carry as u32);
        }
        Nat(out).trim()
    }

    pub(crate) fn mul(&self, other: &Nat) -> Nat {
        if self.is_zero() || other.is_zero() {
            return Nat::zero();
        }
        let mut out = vec![0u32; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                // a·b + out + carry ≤ (2³²−1)² + 2·(2³²−1) = 2⁶⁴ − 1: no overflow.
                let t = u64::from(a) * u64::from(b) + u64::from(out[i + j]) + carry;
                out[i + j] = (t & 0xFFFF_FFFF) as u32;
                carry = t >> 32;
            }
            let mut k = i + other.0.len();
            while carry > 0 && k < out.len() {
                let t = u64::from(out[k]) + carry;
                out[k] = (t & 0xFFFF_FFFF) as u32;
                carry = t >> 32;
                k += 1;
            }
        }
        Nat(out).trim()
    }

    pub(crate) fn mul_u128(&self, v: u128) -> Nat {
        self.mul(&Nat::from_u128(v))
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

/// `num / den` rounded half-up to hundredths, as an integer number of hundredths
/// (`87.495 → 8750`). `None` when `den` is zero. Saturates at `u128::MAX` hundredths, far beyond
/// any score or rate a bulletin can produce.
pub(crate) fn round_hundredths(num: &Nat, den: &Nat) -> Option<u128> {
    if den.is_zero() {
        return None;
    }
    // r = floor(100·num/den + 1/2) = floor((200·num + den) / (2·den)): the largest r with
    // r · 2·den ≤ 200·num + den.
    let target = num.mul_u128(200).add(den);
    let step = den.mul_u128(2);
    let fits = |r: u128| step.mul_u128(r) <= target;
    // Exponential search for an upper bound, then bisection.
    let mut hi: u128 = 1;
    while fits(hi) {
        match hi.checked_mul(2) {
            Some(next) => hi = next,
            None => return Some(u128::MAX),
        }
    }
    let mut lo = hi / 2; // fits(lo) holds (lo = 0 fits trivially)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

/// `num / den` (both `u128`) rounded half-up to hundredths.
pub(crate) fn round_hundredths_u128(num: u128, den: u128) -> Option<u128> {
    round_hundredths(&Nat::from_u128(num), &Nat::from_u128(den))
}

/// Formats hundredths as a decimal string with exactly two decimals: `8750 → "87.50"`.
pub(crate) fn format_hundredths(h: u128) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rates_round_half_up_two_decimals() {
        // 7/8 = 0.875 → 87.50 %; 1/3 → 33.33 %; 2/3 → 66.67 %; 1/8 = 12.5 % → 12.50.
        assert_eq!(round_hundredths_u128(7 * 100, 8).map(format_hundredths).unwrap(), "87.50");
        assert_eq!(round_hundredths_u128(100, 3).map(format_hundredths).unwrap(), "33.33");
        assert_eq!(round_hundredths_u128(200, 3).map(format_hundredths).unwrap(), "66.67");
        // Exactly half a hundredth rounds up: 0.005 → 0.01, 1.125 → 1.13, 87.495 → 87.50.
        assert_eq!(round_hundredths_u128(1, 200).unwrap(), 1);
        assert_eq!(round_hundredths_u128(1125, 1000).unwrap(), 113);
        assert_eq!(round_hundredths_u128(87_495, 1000).unwrap(), 8750);
        assert_eq!(round_hundredths_u128(87_494, 1000).unwrap(), 8749);
        assert_eq!(round_hundredths_u128(0, 7).unwrap(), 0);
        assert_eq!(round_hundredths_u128(5, 0), None);
        assert_eq!(format_hundredths(5), "0.05");
        assert_eq!(format_hundredths(10_000), "100.00");
    }

    #[test]
    fn nat_handles_products_beyond_u128() {
        let big = Nat::from_u128(u128::MAX);
        let sq = big.mul(&big);
        // sq / (4·sq) = 0.25, i.e. 25 hundredths, with both numbers far beyond u128.
        assert_eq!(round_hundredths(&sq, &sq.mul_u128(4)), Some(25));
        assert!(sq > big);
        assert_eq!(Nat::from_u128(0), Nat::zero());
        assert_eq!(big.add(&Nat::from_u128(1)).cmp(&big), Ordering::Greater);
    }

    proptest! {
        #[test]
        fn nat_matches_u128_arithmetic(a in any::<u64>(), b in any::<u64>(), c in any::<u64>()) {
            let (na, nb) = (Nat::from_u128(a.into()), Nat::from_u128(b.into()));
            prop_assert_eq!(na.mul(&nb), Nat::from_u128(u128::from(a) * u128::from(b)));
            prop_assert_eq!(na.add(&nb), Nat::from_u128(u128::from(a) + u128::from(b)));
            prop_assert_eq!(na.cmp(&nb), a.cmp(&b));
            if c > 0 {
                let expected = (200 * u128::from(a) + u128::from(c)) / (2 * u128::from(c));
                prop_assert_eq!(round_hundredths_u128(a.into(), c.into()), Some(expected));
            }
        }
    }
}
