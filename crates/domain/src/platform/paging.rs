//! Page numbers of long lists: whatever a query string says, a page number is between 0 and
//! [`MAX_PAGE`], so no offset computed from it can overflow.

/// Far beyond the last page of any list the system shows (a million pages of 50 rows).
pub const MAX_PAGE: i64 = 1_000_000;

/// The page to show for a requested page number (0-based; negative is the first page).
pub fn page_number(requested: i64) -> i64 {
    requested.clamp(0, MAX_PAGE)
}

/// The offset of a page's first row.
pub fn offset(page: i64, per_page: i64) -> i64 {
    page_number(page).saturating_mul(per_page.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_requested_page_number_gives_an_offset_without_overflow() {
        assert_eq!(page_number(-3), 0);
        assert_eq!(page_number(i64::MAX), MAX_PAGE);
        assert_eq!(offset(i64::MAX, 50), MAX_PAGE * 50);
        assert_eq!(offset(i64::MIN, 50), 0);
        assert_eq!(offset(2, 50), 100);
    }
}
