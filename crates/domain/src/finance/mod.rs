//! Union finance (经费) and internal audit (经审): the default chart of accounts of a 基层工会
//! (工会会计制度, 财会〔2021〕7号), double entry, amounts typed as yuan, the committee threshold,
//! periods and their closing, report arithmetic, the disclosure's masking, and the automatic
//! audit findings. Pure rules: the store reads, these decide.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::platform::money::{add_fen, Fen, MoneyOverflow};
use crate::ValidationError;

#[cfg(test)]
mod tests;

/// The five kinds of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccountKind {
    Asset,
    Liability,
    NetAssets,
    Income,
    Expense,
}

impl AccountKind {
    pub const ALL: [AccountKind; 5] =
        [AccountKind::Asset, AccountKind::Liability, AccountKind::NetAssets, AccountKind::Income, AccountKind::Expense];

    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Asset => "asset",
            AccountKind::Liability => "liability",
            AccountKind::NetAssets => "net_assets",
            AccountKind::Income => "income",
            AccountKind::Expense => "expense",
        }
    }

    pub fn from_code(s: &str) -> Option<AccountKind> {
        AccountKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The kind of an account by the first digit of its code (1 assets … 5 expenditure).
    pub fn of_code(code: &str) -> Option<AccountKind> {
        match code.as_bytes().first() {
            Some(b'1') => Some(AccountKind::Asset),
            Some(b'2') => Some(AccountKind::Liability),
            Some(b'3') => Some(AccountKind::NetAssets),
            Some(b'4') => Some(AccountKind::Income),
            Some(b'5') => Some(AccountKind::Expense),
            _ => None,
        }
    }

    /// Assets and expenditure grow on the debit side; the others on the credit side.
    pub fn debit_normal(self) -> bool {
        matches!(self, AccountKind::Asset | AccountKind::Expense)
    }
}

crate::stored_code!(AccountKind);

/// One account of the default chart: code, name, restricted (专项, closed into 321).
pub struct ChartAccount {
    pub code: &'static str,
    pub name: &'static str,
    pub restricted: bool,
}

const fn acc(code: &'static str, name: &'static str) -> ChartAccount {
    ChartAccount { code, name, restricted: false }
}

/// The default chart of a 基层工会 (finance.md), with the listed sub-accounts.
pub const DEFAULT_CHART: &[ChartAccount] = &[
    acc("101", "库存现金"),
    acc("102", "银行存款"),
    acc("131", "应收上级经费"),
    acc("135", "其他应收款"),
    acc("141", "库存物品"),
    acc("162", "固定资产"),
    acc("163", "累计折旧"),
    acc("182", "待处理财产损溢"),
    acc("211", "应付上级经费"),
    acc("215", "其他应付款"),
    acc("301", "资产基金"),
    acc("321", "工会资金结转"),
    acc("322", "工会资金结余"),
    acc("401", "会费收入"),
    acc("402", "拨缴经费收入"),
    acc("403", "上级补助收入"),
    acc("40301", "一般性转移支付"),
    ChartAccount { code: "40302", name: "专项转移支付", restricted: true },
    acc("405", "行政补助收入"),
    acc("408", "其他收入"),
    acc("501", "职工活动支出"),
    acc("50101", "职工教育"),
    acc("50102", "文体活动"),
    acc("50103", "宣传活动"),
    acc("50104", "劳模职工疗休养"),
    acc("50105", "会员活动"),
    acc("50106", "其他活动"),
    acc("503", "职工服务支出"),
    acc("50301", "劳动和技能竞赛"),
    acc("50302", "建家活动"),
    acc("50303", "职工创新"),
    acc("50304", "职工书屋"),
    acc("50305", "其他服务"),
    acc("504", "维权支出"),
    acc("50401", "劳动关系协调"),
    acc("50402", "劳动保护"),
    acc("50403", "法律援助"),
    acc("50404", "困难职工帮扶"),
    acc("50405", "送温暖"),
    acc("50406", "其他维权"),
    acc("505", "业务支出"),
    acc("50501", "培训"),
    acc("50502", "会议"),
    acc("50503", "专项业务"),
    acc("50504", "其他业务"),
    acc("507", "资本性支出"),
    acc("50701", "房屋建筑物购建"),
    acc("50702", "设备工具购置"),
    acc("50703", "大型修缮"),
    acc("50704", "信息网络购建"),
    acc("50705", "无形资产购置"),
    acc("50706", "工会资产投入"),
    acc("50707", "其他资本性支出"),
    acc("510", "其他支出"),
];

/// The parent of a sub-account in the default chart ("50405" → "504"); None for a top account.
pub fn parent_code(code: &str) -> Option<&str> {
    if code.len() > 3 {
        code.get(..code.len() - 2)
    } else {
        None
    }
}

/// Checks a new sub-account's code against its parent: the parent's code and two digits.
pub fn check_sub_account(parent: &str, code: &str, name: &str) -> Result<(), FinanceError> {
    let ok = code.len() == parent.len() + 2 && code.starts_with(parent) && code.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(FinanceError::SubAccountCode { parent: parent.to_string() });
    }
    if name.trim().is_empty() {
        return Err(FinanceError::SubAccountName);
    }
    Ok(())
}

/// What is wrong with a voucher, in the words shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinanceError {
    #[error("借方合计{debit}元与贷方合计{credit}元不相等，请检查各行金额后再保存")]
    Unbalanced { debit: String, credit: String },
    #[error("第{line}行：金额不能为负数，请把金额写在另一方（借方或贷方）")]
    NegativeAmount { line: usize },
    #[error("第{line}行：一行只能填借方或贷方其中一个，请拆成两行")]
    BothSides { line: usize },
    #[error("第{line}行：借方和贷方都为空，请填写金额或删除该行")]
    EmptyLine { line: usize },
    #[error("第{line}行：金额{message}，请写成数字，如 12.34（最多两位小数，单位元）")]
    Amount { line: usize, message: String },
    #[error("第{line}行：科目“{code}”不存在或已停用，请从科目表中选择")]
    UnknownAccount { line: usize, code: String },
    #[error("凭证至少需要一行借方和一行贷方")]
    TooFewLines,
    #[error("请填写摘要")]
    EmptySummary,
    #[error("日期格式不正确，请写成 2026-09-01")]
    BadDate,
    #[error("{period} 已结账，不能再录入或修改凭证；如需更正，请在未结账的月份做冲销凭证")]
    PeriodClosed { period: String },
    #[error("子科目编码应为上级科目编码“{parent}”后加两位数字，如 {parent}01")]
    SubAccountCode { parent: String },
    #[error("请填写子科目名称")]
    SubAccountName,
    #[error("金额合计超出范围")]
    Overflow,
}

impl From<MoneyOverflow> for FinanceError {
    fn from(_: MoneyOverflow) -> Self {
        FinanceError::Overflow
    }
}

/// Parses an amount written in yuan ("12.34", "1,234.5", "¥12") into fen; a clear message for
/// words ("十二元"), more than two decimals ("12.345") and negative amounts.
pub fn parse_amount(s: &str) -> Result<Fen, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(Fen::ZERO);
    }
    if t.chars().any(|c| "零一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟".contains(c))
    {
        return Err("不能用汉字书写".to_string());
    }
    match Fen::parse_yuan(t) {
        Ok(f) if f.is_negative() => Err("不能为负数".to_string()),
        Ok(f) => Ok(f),
        Err(ValidationError::TooManyDecimals { .. }) => Err("最多精确到分（两位小数）".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// A line as typed: account code and the two amount cells.
#[derive(Debug, Clone, Default)]
pub struct RawLine {
    pub account: String,
    pub debit: String,
    pub credit: String,
}

/// A checked line: one side only, positive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub account: String,
    pub debit: Fen,
    pub credit: Fen,
}

/// Parses typed lines (blank rows skipped) into lines, every problem reported with its row.
pub fn parse_lines(raw: &[RawLine]) -> Result<Vec<Line>, Vec<FinanceError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let line = i + 1;
        if r.account.trim().is_empty() && r.debit.trim().is_empty() && r.credit.trim().is_empty() {
            continue;
        }
        let d = parse_amount(&r.debit).map_err(|message| FinanceError::Amount { line, message });
        let c = parse_amount(&r.credit).map_err(|message| FinanceError::Amount { line, message });
        match (d, c) {
            (Ok(debit), Ok(credit)) => out.push(Line { account: r.account.trim().to_string(), debit, credit }),
            (d, c) => {
                errors.extend(d.err());
                errors.extend(c.err());
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Double entry: every line on one side with a positive amount, a known active account, at
/// least one debit and one credit, and debits equal to credits. Returns the voucher's amount
/// (the debit total).
pub fn check_double_entry(lines: &[Line], known: &dyn Fn(&str) -> bool) -> Result<Fen, FinanceError> {
    let mut debit = Fen::ZERO;
    let mut credit = Fen::ZERO;
    let (mut has_debit, mut has_credit) = (false, false);
    for (i, l) in lines.iter().enumerate() {
        let line = i + 1;
        if l.debit.is_negative() || l.credit.is_negative() {
            return Err(FinanceError::NegativeAmount { line });
        }
        if l.debit.0 > 0 && l.credit.0 > 0 {
            return Err(FinanceError::BothSides { line });
        }
        if l.debit.0 == 0 && l.credit.0 == 0 {
            return Err(FinanceError::EmptyLine { line });
        }
        if !known(&l.account) {
            return Err(FinanceError::UnknownAccount { line, code: l.account.clone() });
        }
        has_debit |= l.debit.0 > 0;
        has_credit |= l.credit.0 > 0;
        debit = add_fen(debit, l.debit)?;
        credit = add_fen(credit, l.credit)?;
    }
    if !has_debit || !has_credit {
        return Err(FinanceError::TooFewLines);
    }
    if debit != credit {
        return Err(FinanceError::Unbalanced { debit: debit.yuan_string(), credit: credit.yuan_string() });
    }
    Ok(debit)
}

/// The lines of a reversing voucher: the same accounts with the sides swapped.
pub fn reversing_lines(lines: &[Line]) -> Vec<Line> {
    lines.iter().map(|l| Line { account: l.account.clone(), debit: l.credit, credit: l.debit }).collect()
}

/// The committee threshold: an amount strictly above it needs a recorded committee decision.
pub fn needs_committee(amount: Fen, threshold: Fen) -> bool {
    amount.0 > threshold.0
}

/// The default threshold: 5,000 元.
pub const DEFAULT_THRESHOLD: Fen = Fen(500_000);

/// Why a voucher may not be reviewed or approved (the caller decides who is asking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalBlock {
    OwnVoucher,
    NotReviewed,
    AlreadyApproved,
    NeedsDecision,
    AwaitingClearance,
    OverBudget,
}

impl ApprovalBlock {
    pub fn code(self) -> &'static str {
        match self {
            ApprovalBlock::OwnVoucher => "own_voucher",
            ApprovalBlock::NotReviewed => "not_reviewed",
            ApprovalBlock::AlreadyApproved => "already_approved",
            ApprovalBlock::NeedsDecision => "needs_decision",
            ApprovalBlock::AwaitingClearance => "awaiting_clearance",
            ApprovalBlock::OverBudget => "over_budget",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            ApprovalBlock::OwnVoucher => "不能审核或批准自己经办的凭证，请由其他人办理",
            ApprovalBlock::NotReviewed => "凭证尚未审核，请先审核再批准",
            ApprovalBlock::AlreadyApproved => "凭证已批准，不能再修改；如需更正请做冲销凭证",
            ApprovalBlock::NeedsDecision => "金额超过集体研究标准，请先录入集体研究记录（日期、参加人员、纪要）",
            ApprovalBlock::AwaitingClearance => "该款项超出标准或年度上限，需主席明确同意后才能批准",
            ApprovalBlock::OverBudget => "该支出将超出本类预算，请填写超预算理由后再批准",
        }
    }
}

/// The facts an approval is decided on.
#[derive(Debug, Clone)]
pub struct ApprovalFacts<'a> {
    pub state: &'a str,
    pub prepared_by: &'a str,
    pub reviewed_by: Option<&'a str>,
    pub amount: Fen,
    pub threshold: Fen,
    pub has_decision: bool,
    pub needs_clearance: bool,
    pub cleared: bool,
    pub over_budget: bool,
    pub has_override: bool,
}

/// Review: a draft, by anyone but the preparer.
pub fn may_review(state: &str, prepared_by: &str, user: &str) -> Result<(), ApprovalBlock> {
    if state == "approved" {
        return Err(ApprovalBlock::AlreadyApproved);
    }
    if prepared_by == user {
        return Err(ApprovalBlock::OwnVoucher);
    }
    Ok(())
}

/// Approval: reviewed, by neither the preparer nor the reviewer, with the committee decision
/// above the threshold, the clearance when one is asked for, and an override when over budget.
pub fn may_approve(f: &ApprovalFacts<'_>, user: &str) -> Result<(), ApprovalBlock> {
    if f.state == "approved" {
        return Err(ApprovalBlock::AlreadyApproved);
    }
    if f.prepared_by == user || f.reviewed_by == Some(user) {
        return Err(ApprovalBlock::OwnVoucher);
    }
    if f.reviewed_by.is_none() || f.state != "reviewed" {
        return Err(ApprovalBlock::NotReviewed);
    }
    if f.needs_clearance && !f.cleared {
        return Err(ApprovalBlock::AwaitingClearance);
    }
    if needs_committee(f.amount, f.threshold) && !f.has_decision {
        return Err(ApprovalBlock::NeedsDecision);
    }
    if f.over_budget && !f.has_override {
        return Err(ApprovalBlock::OverBudget);
    }
    Ok(())
}

/// The period (month) of a date: "2026-09".
pub fn period_of(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// Parses "2026-09-01" (also 2026/9/1) into a date.
pub fn parse_date(s: &str) -> Result<NaiveDate, FinanceError> {
    let t = s.trim().replace('/', "-");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| FinanceError::BadDate)
}

/// A closed period accepts nothing: a date in a closed month, or in a closed year, is refused.
pub fn check_open(date: NaiveDate, closed: &BTreeSet<String>) -> Result<(), FinanceError> {
    let p = period_of(date);
    let year = date.format("%Y").to_string();
    if closed.contains(&p) || closed.contains(&year) {
        return Err(FinanceError::PeriodClosed { period: p });
    }
    Ok(())
}

/// Months close in order: a month may close only when every earlier month with vouchers is
/// closed. Returns the first open earlier month, if any.
pub fn earlier_open_month<'a>(
    month: &str,
    months_with_vouchers: &'a [String],
    closed: &BTreeSet<String>,
) -> Option<&'a str> {
    months_with_vouchers.iter().map(String::as_str).find(|m| *m < month && !closed.contains(*m))
}

/// Per account: (debit total, credit total).
pub type Totals = BTreeMap<String, (Fen, Fen)>;

/// Sums lines per account.
pub fn totals(lines: &[Line]) -> Result<Totals, MoneyOverflow> {
    let mut t: Totals = BTreeMap::new();
    for l in lines {
        let e = t.entry(l.account.clone()).or_insert((Fen::ZERO, Fen::ZERO));
        e.0 = add_fen(e.0, l.debit)?;
        e.1 = add_fen(e.1, l.credit)?;
    }
    Ok(t)
}

/// The balance of an account on its normal side (debit − credit for assets and expenditure).
pub fn balance(kind: AccountKind, debit: Fen, credit: Fen) -> Result<Fen, MoneyOverflow> {
    let (a, b) = if kind.debit_normal() { (debit, credit) } else { (credit, debit) };
    a.checked_sub(b).ok_or(MoneyOverflow)
}

/// One figure of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub code: String,
    pub amount: Fen,
}

/// 收入支出表: income and expenditure per account (top accounts include their sub-accounts'
/// lines only through the sub-accounts themselves; every line is on exactly one account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeExpenditure {
    pub income: Vec<Figure>,
    pub expense: Vec<Figure>,
    pub total_income: Fen,
    pub total_expense: Fen,
    pub surplus: Fen,
}

pub fn income_expenditure(t: &Totals) -> Result<IncomeExpenditure, MoneyOverflow> {
    let mut income = Vec::new();
    let mut expense = Vec::new();
    for (code, (d, c)) in t {
        match AccountKind::of_code(code) {
            Some(k @ AccountKind::Income) => income.push(Figure { code: code.clone(), amount: balance(k, *d, *c)? }),
            Some(k @ AccountKind::Expense) => expense.push(Figure { code: code.clone(), amount: balance(k, *d, *c)? }),
            _ => {}
        }
    }
    let total_income = crate::platform::money::sum_fen(income.iter().map(|f| f.amount))?;
    let total_expense = crate::platform::money::sum_fen(expense.iter().map(|f| f.amount))?;
    let surplus = total_income.checked_sub(total_expense).ok_or(MoneyOverflow)?;
    Ok(IncomeExpenditure { income, expense, total_income, total_expense, surplus })
}

/// 资产负债表 at a date: assets, liabilities, net assets; the year's unclosed surplus is shown
/// as part of net assets (本期结余), so assets = liabilities + net assets always.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceSheet {
    pub assets: Vec<Figure>,
    pub liabilities: Vec<Figure>,
    pub net_assets: Vec<Figure>,
    pub unclosed_surplus: Fen,
    pub total_assets: Fen,
    pub total_liabilities: Fen,
    pub total_net_assets: Fen,
}

impl BalanceSheet {
    pub fn balances(&self) -> bool {
        self.total_liabilities.checked_add(self.total_net_assets) == Some(self.total_assets)
    }
}

pub fn balance_sheet(t: &Totals) -> Result<BalanceSheet, MoneyOverflow> {
    let mut assets = Vec::new();
    let mut liabilities = Vec::new();
    let mut net_assets = Vec::new();
    for (code, (d, c)) in t {
        match AccountKind::of_code(code) {
            Some(k @ AccountKind::Asset) => assets.push(Figure { code: code.clone(), amount: balance(k, *d, *c)? }),
            Some(k @ AccountKind::Liability) => {
                liabilities.push(Figure { code: code.clone(), amount: balance(k, *d, *c)? })
            }
            Some(k @ AccountKind::NetAssets) => {
                net_assets.push(Figure { code: code.clone(), amount: balance(k, *d, *c)? })
            }
            _ => {}
        }
    }
    let unclosed_surplus = income_expenditure(t)?.surplus;
    let sum = |v: &Vec<Figure>| crate::platform::money::sum_fen(v.iter().map(|f| f.amount));
    let total_assets = sum(&assets)?;
    let total_liabilities = sum(&liabilities)?;
    let total_net_assets = add_fen(sum(&net_assets)?, unclosed_surplus)?;
    Ok(BalanceSheet {
        assets,
        liabilities,
        net_assets,
        unclosed_surplus,
        total_assets,
        total_liabilities,
        total_net_assets,
    })
}

/// The year-end closing voucher: every income and expense account back to zero, the balance
/// into 321 (restricted accounts) and 322 (the rest).
pub fn closing_lines(t: &Totals, restricted: &dyn Fn(&str) -> bool) -> Result<Vec<Line>, MoneyOverflow> {
    let mut lines = Vec::new();
    let mut to_321 = 0i64;
    let mut to_322 = 0i64;
    for (code, (d, c)) in t {
        let Some(kind) = AccountKind::of_code(code) else { continue };
        if !matches!(kind, AccountKind::Income | AccountKind::Expense) {
            continue;
        }
        // The debit balance (may be negative for income).
        let net = d.checked_sub(*c).ok_or(MoneyOverflow)?;
        if net.0 == 0 {
            continue;
        }
        let line = if net.0 > 0 {
            Line { account: code.clone(), debit: Fen::ZERO, credit: net }
        } else {
            Line { account: code.clone(), debit: Fen(-net.0), credit: Fen::ZERO }
        };
        let target = if restricted(code) { &mut to_321 } else { &mut to_322 };
        *target = target.checked_add(net.0).ok_or(MoneyOverflow)?;
        lines.push(line);
    }
    for (code, net) in [("321", to_321), ("322", to_322)] {
        if net > 0 {
            lines.push(Line { account: code.into(), debit: Fen(net), credit: Fen::ZERO });
        } else if net < 0 {
            lines.push(Line { account: code.into(), debit: Fen::ZERO, credit: Fen(-net) });
        }
    }
    Ok(lines)
}

/// Numbers missing in a month's sequence 1..=max.
pub fn numbering_gaps(numbers: &[i64]) -> Vec<i64> {
    let set: BTreeSet<i64> = numbers.iter().copied().collect();
    let max = set.iter().next_back().copied().unwrap_or(0);
    (1..=max).filter(|n| !set.contains(n)).collect()
}

/// A count shown to members: fewer than 3 people is "<3", so no one is recognisable.
pub fn masked_count(n: i64) -> String {
    if n < 3 {
        "<3".to_string()
    } else {
        n.to_string()
    }
}

/// An expense as the findings see it.
#[derive(Debug, Clone)]
pub struct Expense {
    pub voucher_id: String,
    pub date: NaiveDate,
    pub payee: String,
    pub summary: String,
    pub amount: Fen,
}

/// 拆分规避审批: expenses each at or below the threshold, with the same payee or the same
/// summary, within 30 days of the first, adding up to more than the threshold. Each group is
/// reported once (its voucher ids in date order).
pub fn split_groups(expenses: &[Expense], threshold: Fen) -> Vec<Vec<String>> {
    let mut small: Vec<&Expense> = expenses.iter().filter(|e| e.amount.0 <= threshold.0 && e.amount.0 > 0).collect();
    small.sort_by(|a, b| a.date.cmp(&b.date).then(a.voucher_id.cmp(&b.voucher_id)));
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (i, first) in small.iter().enumerate() {
        if used.contains(&first.voucher_id) {
            continue;
        }
        let same = |e: &Expense| {
            (!first.payee.trim().is_empty() && e.payee.trim() == first.payee.trim())
                || (!first.summary.trim().is_empty() && e.summary.trim() == first.summary.trim())
        };
        let mut ids = vec![first.voucher_id.clone()];
        let mut sum = first.amount.0;
        for e in small.iter().skip(i + 1) {
            if (e.date - first.date).num_days() > 30 {
                break;
            }
            if !used.contains(&e.voucher_id) && same(e) {
                ids.push(e.voucher_id.clone());
                sum = sum.saturating_add(e.amount.0);
            }
        }
        if ids.len() > 1 && sum > threshold.0 {
            used.extend(ids.iter().cloned());
            groups.push(ids);
        }
    }
    groups
}

/// The kinds of automatic findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    NoAttachment,
    SelfApproved,
    AboveStandard,
    SplitPayment,
    OverBudget,
    NumberingGap,
    Unbalanced,
}

impl FindingKind {
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::NoAttachment => "no_attachment",
            FindingKind::SelfApproved => "self_approved",
            FindingKind::AboveStandard => "above_standard",
            FindingKind::SplitPayment => "split_payment",
            FindingKind::OverBudget => "over_budget",
            FindingKind::NumberingGap => "numbering_gap",
            FindingKind::Unbalanced => "unbalanced",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            FindingKind::NoAttachment => "支出凭证无票据附件",
            FindingKind::SelfApproved => "经办人自己批准",
            FindingKind::AboveStandard => "慰问金超过标准",
            FindingKind::SplitPayment => "疑似拆分规避审批",
            FindingKind::OverBudget => "超预算支出未说明理由",
            FindingKind::NumberingGap => "凭证编号不连续",
            FindingKind::Unbalanced => "期间借贷合计不平",
        }
    }
}

/// One finding with the vouchers behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub voucher_ids: Vec<String>,
    pub detail: String,
}

/// A voucher as the findings see it.
#[derive(Debug, Clone)]
pub struct AuditVoucher {
    pub id: String,
    pub period: String,
    pub number: i64,
    pub date: NaiveDate,
    pub summary: String,
    pub payee: String,
    pub amount: Fen,
    pub approved: bool,
    pub prepared_by: String,
    pub approved_by: Option<String>,
    pub is_expense: bool,
    pub attachments: i64,
    pub source_kind: Option<String>,
    pub above_standard: bool,
    pub over_budget_without_override: bool,
    pub debit: Fen,
    pub credit: Fen,
    pub closing: bool,
}

/// Every automatic finding over the vouchers of a range.
pub fn findings(vs: &[AuditVoucher], threshold: Fen) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in vs {
        let one = |kind: FindingKind, detail: String| Finding { kind, voucher_ids: vec![v.id.clone()], detail };
        if v.is_expense && !v.closing && v.attachments == 0 {
            out.push(one(FindingKind::NoAttachment, format!("{} 第{}号 {}", v.period, v.number, v.summary)));
        }
        if v.approved && !v.closing && v.approved_by.as_deref() == Some(v.prepared_by.as_str()) {
            out.push(one(FindingKind::SelfApproved, format!("{} 第{}号 {}", v.period, v.number, v.summary)));
        }
        if v.above_standard {
            out.push(one(FindingKind::AboveStandard, format!("{} 第{}号 {}", v.period, v.number, v.summary)));
        }
        if v.is_expense && v.over_budget_without_override {
            out.push(one(FindingKind::OverBudget, format!("{} 第{}号 {}", v.period, v.number, v.summary)));
        }
    }
    let expenses: Vec<Expense> = vs
        .iter()
        .filter(|v| v.is_expense && !v.closing)
        .map(|v| Expense {
            voucher_id: v.id.clone(),
            date: v.date,
            payee: v.payee.clone(),
            summary: v.summary.clone(),
            amount: v.amount,
        })
        .collect();
    for ids in split_groups(&expenses, threshold) {
        let n = ids.len();
        out.push(Finding {
            kind: FindingKind::SplitPayment,
            voucher_ids: ids,
            detail: format!("{n} 笔同一收款人或摘要的支出在30天内合计超过 {} 元", threshold.yuan_string()),
        });
    }
    let mut by_period: BTreeMap<&str, Vec<&AuditVoucher>> = BTreeMap::new();
    for v in vs {
        by_period.entry(v.period.as_str()).or_default().push(v);
    }
    for (period, list) in by_period {
        let numbers: Vec<i64> = list.iter().map(|v| v.number).collect();
        let gaps = numbering_gaps(&numbers);
        if !gaps.is_empty() {
            let shown: Vec<String> = gaps.iter().map(|g| g.to_string()).collect();
            out.push(Finding {
                kind: FindingKind::NumberingGap,
                voucher_ids: Vec::new(),
                detail: format!("{period} 缺少编号 {}", shown.join("、")),
            });
        }
        let (mut d, mut c) = (0i64, 0i64);
        for v in &list {
            d = d.saturating_add(v.debit.0);
            c = c.saturating_add(v.credit.0);
        }
        if d != c {
            out.push(Finding {
                kind: FindingKind::Unbalanced,
                voucher_ids: list.iter().filter(|v| v.debit != v.credit).map(|v| v.id.clone()).collect(),
                detail: format!("{period} 借方合计 {} 元，贷方合计 {} 元", Fen(d).yuan_string(), Fen(c).yuan_string()),
            });
        }
    }
    out
}

/// The union's share of the 2 % payroll allocation: payroll × 2 % × share %, rounded half up.
pub fn allocation_kept(payroll: Fen, share_pct: i64) -> Option<Fen> {
    // payroll × 2 × share / 10000, half up.
    let num = i128::from(payroll.0) * 2 * i128::from(share_pct);
    let v = (num + 5_000) / 10_000;
    i64::try_from(v).ok().map(Fen)
}

/// The budget check: would `amount` take the category's actual spending over its budget?
pub fn exceeds_budget(budget: Option<Fen>, spent: Fen, amount: Fen) -> bool {
    match budget {
        Some(b) => spent.0.saturating_add(amount.0) > b.0,
        None => false,
    }
}

/// The budget category of an expense account: its top account ("50405" → "504").
pub fn budget_category(code: &str) -> Option<&str> {
    if AccountKind::of_code(code) == Some(AccountKind::Expense) {
        code.get(..3)
    } else {
        None
    }
}
