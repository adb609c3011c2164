//! Union finance on both databases: the chart of accounts (seeded per school on first use),
//! vouchers with their lines, numbering per month from a counter row updated in the voucher's
//! own transaction (gap-free and duplicate-free with any number of servers), review and
//! approval by other people, committee decisions, reversing vouchers, month and year closing,
//! reports, budgets, disclosures and the auditors' findings and opinions. The rules are the
//! domain's (`jiaogong_domain::finance`).

pub mod drafts;

mod books;
mod reports;

pub use books::*;
pub use reports::*;
