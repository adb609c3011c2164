//! The roster import's plan: from the rows of a sheet and the school's existing members, which
//! rows create a member, update one, leave one unchanged or are rejected, and why. Matching is by
//! employee number, else by ID number; a number twice in the file is rejected on its second row.
//! Pure: the store applies the plan, the web layer and the CLI word it.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{validate_member_at, Field, MemberInput, RawMember};
use crate::platform::error::ValidationError;

/// The columns of a roster sheet: the field of each column (`None` for a column we do not read),
/// and the headers that were not recognised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterColumns {
    pub fields: Vec<Option<Field>>,
    pub unknown: Vec<String>,
}

impl RosterColumns {
    /// Reads a header row. A field's second column is not read (its header counts as unknown).
    /// Fails with the required fields (name, employee number) that have no column.
    pub fn from_headers<S: AsRef<str>>(headers: &[S]) -> Result<RosterColumns, Vec<Field>> {
        let mut fields = Vec::with_capacity(headers.len());
        let mut unknown = Vec::new();
        let mut seen = BTreeSet::new();
        for h in headers {
            let text = h.as_ref();
            match Field::from_header(text) {
                Some(f) if seen.insert(f) => fields.push(Some(f)),
                _ => {
                    if !text.trim().is_empty() {
                        unknown.push(text.trim().to_string());
                    }
                    fields.push(None);
                }
            }
        }
        let missing: Vec<Field> = [Field::Name, Field::EmployeeNo].into_iter().filter(|f| !seen.contains(f)).collect();
        if missing.is_empty() {
            Ok(RosterColumns { fields, unknown })
        } else {
            Err(missing)
        }
    }

    /// The raw member of one data row (its cells as text, from column A on). Every column of the
    /// sheet gives its field, empty when the row stops before it: a present column is a value.
    pub fn raw<S: Into<String>>(&self, cells: impl IntoIterator<Item = S>) -> RawMember {
        let mut raw = RawMember::new();
        let mut cells = cells.into_iter();
        for f in &self.fields {
            let cell = cells.next().map(Into::into).unwrap_or_default();
            if let Some(f) = f {
                raw = raw.with(*f, cell);
            }
        }
        raw
    }
}

impl RosterColumns {
    /// The merged cells of the data rows, by row number: every merged range that spans more
    /// than one row, for each of its columns that is a field, on each of its rows below
    /// `header_row`. A range is (first row, last row, first column, last column): 1-based rows,
    /// 0-based columns, inclusive.
    pub fn merged_cells(
        &self,
        ranges: impl IntoIterator<Item = (u32, u32, u32, u32)>,
        header_row: u32,
    ) -> std::collections::BTreeMap<u32, Vec<MergedCell>> {
        let mut out: std::collections::BTreeMap<u32, Vec<MergedCell>> = std::collections::BTreeMap::new();
        for (first_row, last_row, first_col, last_col) in ranges {
            if first_row >= last_row || last_row <= header_row {
                continue;
            }
            let fields: Vec<Field> = (first_col..=last_col)
                .filter_map(|c| usize::try_from(c).ok().and_then(|c| self.fields.get(c).copied().flatten()))
                .collect();
            for row in first_row.max(header_row.saturating_add(1))..=last_row {
                let cells = out.entry(row).or_default();
                cells.extend(fields.iter().map(|&field| MergedCell { field, first_row, last_row }));
            }
        }
        out
    }

    /// The fields of the columns whose cell is flagged (a number cell, for one).
    pub fn flagged(&self, flags: impl IntoIterator<Item = bool>) -> Vec<Field> {
        flags.into_iter().zip(&self.fields).filter_map(|(flag, f)| f.filter(|_| flag)).collect()
    }
}

/// One data row of the sheet: its spreadsheet row number and its raw values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub number: u32,
    pub raw: RawMember,
    /// Fields whose cell the spreadsheet stores as a number.
    pub numbers: Vec<Field>,
    /// Cells of this row merged with cells of other rows.
    pub merged: Vec<MergedCell>,
}

/// A cell merged over several rows: Excel shows its value on each of them, but the file holds
/// it on the first row only, so which rows it was meant for cannot be known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergedCell {
    pub field: Field,
    pub first_row: u32,
    pub last_row: u32,
}

/// An existing member of the school, as the import compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingMember {
    pub id: String,
    pub member: MemberInput,
}

/// Why a row was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The field's value breaks the member rule.
    Invalid(ValidationError),
    /// The same employee or ID number appeared on an earlier row of the file.
    DuplicateInFile { first_row: u32 },
    /// The ID number is a number cell: Excel keeps 15 significant digits, so the last ones
    /// may be lost (a stored rounded number is never accepted).
    IdAsNumber,
    /// The ID number belongs to another existing member.
    IdBelongsTo { employee_no: String },
    /// The cell is merged over rows `first_row` to `last_row`.
    MergedCell { first_row: u32, last_row: u32 },
}

impl Problem {
    /// Fluent message id.
    pub fn key(&self) -> &'static str {
        match self {
            Problem::Invalid(e) => e.key(),
            Problem::IdAsNumber => "import-id-as-number",
            Problem::DuplicateInFile { .. } => "import-duplicate-in-file",
            Problem::IdBelongsTo { .. } => "import-id-belongs-to",
            Problem::MergedCell { .. } => "import-merged-cell",
        }
    }

    /// Fluent arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Problem::Invalid(e) => e.args(),
            Problem::DuplicateInFile { first_row } => vec![("row", first_row.to_string())],
            Problem::IdBelongsTo { employee_no } => vec![("employee_no", employee_no.clone())],
            Problem::IdAsNumber => Vec::new(),
            Problem::MergedCell { first_row, last_row } => {
                vec![("first_row", first_row.to_string()), ("last_row", last_row.to_string())]
            }
        }
    }
}

/// One rejected cell or row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub row: u32,
    pub field: Field,
    pub problem: Problem,
}

/// A row that changes an existing member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedUpdate {
    pub row: u32,
    pub id: String,
    pub member: MemberInput,
    /// Fields that had a value and that an empty cell of the file clears.
    pub cleared: Vec<Field>,
}

/// What an import does: the store writes `creates` and `updates`; the rest is the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub creates: Vec<MemberInput>,
    pub updates: Vec<PlannedUpdate>,
    pub unchanged: usize,
    /// Sorted by row.
    pub rejected: Vec<Rejection>,
    /// Groups and departments named in valid rows that the school does not have yet (sorted).
    pub new_groups: Vec<String>,
    pub new_departments: Vec<String>,
}

/// Plans an import. `groups` and `departments` are the names the school has; `today` bounds the
/// ID numbers' birth dates. Blank rows are skipped.
pub fn plan_import(
    rows: impl IntoIterator<Item = ImportRow>,
    existing: &[ExistingMember],
    groups: &foldhash::HashSet<String>,
    departments: &foldhash::HashSet<String>,
    today: NaiveDate,
) -> ImportPlan {
    let mut by_no: foldhash::HashMap<&str, &ExistingMember> =
        foldhash::HashMap::with_capacity_and_hasher(existing.len(), Default::default());
    let mut by_id: foldhash::HashMap<&str, &str> = foldhash::HashMap::default();
    for e in existing {
        by_no.insert(&e.member.employee_no, e);
        if let Some(idn) = &e.member.id_number {
            by_id.insert(idn.as_str(), &e.member.employee_no);
        }
    }
    let rows = rows.into_iter();
    let mut plan = ImportPlan::default();
    let mut new_groups = BTreeSet::new();
    let mut new_departments = BTreeSet::new();
    let mut seen_no: foldhash::HashMap<String, u32> =
        foldhash::HashMap::with_capacity_and_hasher(rows.size_hint().0, Default::default());
    let mut seen_id: foldhash::HashMap<String, u32> =
        foldhash::HashMap::with_capacity_and_hasher(rows.size_hint().0, Default::default());
    for row in rows {
        if row.raw.is_blank() {
            continue;
        }
        let reject = |field, problem| Rejection { row: row.number, field, problem };
        let validated = validate_member_at(&row.raw, today);
        if !row.merged.is_empty() {
            // Never applied to one row only: every row of the range is rejected and says so.
            let merged: Vec<Field> = row.merged.iter().map(|m| m.field).collect();
            let others = validated.err().unwrap_or_default().into_iter().filter(|(f, _)| !merged.contains(f));
            plan.rejected.extend(others.map(|(f, e)| reject(f, Problem::Invalid(e))));
            plan.rejected.extend(
                row.merged
                    .iter()
                    .map(|m| reject(m.field, Problem::MergedCell { first_row: m.first_row, last_row: m.last_row })),
            );
            continue;
        }
        if row.numbers.contains(&Field::IdNumber) {
            // Whatever the number reads as, it is not the ID that was typed.
            let others = validated.err().unwrap_or_default().into_iter().filter(|(f, _)| *f != Field::IdNumber);
            plan.rejected.extend(others.map(|(f, e)| reject(f, Problem::Invalid(e))));
            plan.rejected.push(reject(Field::IdNumber, Problem::IdAsNumber));
            continue;
        }
        let input = match validated {
            Ok(m) => m,
            Err(errs) => {
                plan.rejected.extend(errs.into_iter().map(|(f, e)| reject(f, Problem::Invalid(e))));
                continue;
            }
        };
        if let Some(first) = seen_no.insert(input.employee_no.clone(), row.number) {
            plan.rejected.push(reject(Field::EmployeeNo, Problem::DuplicateInFile { first_row: first }));
            continue;
        }
        if let Some(idn) = &input.id_number {
            if let Some(first) = seen_id.insert(idn.as_str().to_string(), row.number) {
                plan.rejected.push(reject(Field::IdNumber, Problem::DuplicateInFile { first_row: first }));
                continue;
            }
        }
        let owner_of_id = input.id_number.as_ref().and_then(|i| by_id.get(i.as_str()).copied());
        // Match by employee number, else by ID number.
        let matched = match by_no.get(input.employee_no.as_str()) {
            Some(e) => {
                if let Some(other_no) = owner_of_id.filter(|no| *no != input.employee_no) {
                    plan.rejected
                        .push(reject(Field::IdNumber, Problem::IdBelongsTo { employee_no: other_no.to_string() }));
                    continue;
                }
                Some(*e)
            }
            None => owner_of_id.and_then(|no| by_no.get(no).copied()),
        };
        if let Some(g) = input.group.as_ref().filter(|g| !groups.contains(*g)) {
            new_groups.insert(g.clone());
        }
        if let Some(d) = input.department.as_ref().filter(|d| !departments.contains(*d)) {
            new_departments.insert(d.clone());
        }
        match matched {
            Some(e) => {
                let (member, cleared) = merge(&e.member, input, &row.raw);
                if member == e.member {
                    plan.unchanged += 1;
                } else {
                    plan.updates.push(PlannedUpdate { row: row.number, id: e.id.clone(), member, cleared });
                }
            }
            None => plan.creates.push(input),
        }
    }
    plan.rejected.sort_by_key(|r| r.row);
    plan.new_groups = new_groups.into_iter().collect();
    plan.new_departments = new_departments.into_iter().collect();
    plan
}

/// The stored member with the file's row laid over it: a column the file does not have leaves
/// its field as it is; a present cell, even empty, sets it. Gender and birth date derived from a
/// present ID number count as present. Also gives the fields an empty cell clears.
fn merge(stored: &MemberInput, input: MemberInput, raw: &RawMember) -> (MemberInput, Vec<Field>) {
    let has = |f: Field| raw.values.iter().any(|(g, _)| *g == f);
    let mut cleared = Vec::new();
    let mut pick = |f: Field, present: bool, new_is_empty: bool, old_is_empty: bool| {
        if present && new_is_empty && !old_is_empty {
            cleared.push(f);
        }
        present
    };
    let m = MemberInput {
        // Status changes are events recorded on the member page, not import updates.
        status: stored.status,
        gender: if pick(
            Field::Gender,
            has(Field::Gender) || input.gender.is_some(),
            input.gender.is_none(),
            stored.gender.is_none(),
        ) {
            input.gender
        } else {
            stored.gender
        },
        birth_date: if pick(
            Field::BirthDate,
            has(Field::BirthDate) || input.birth_date.is_some(),
            input.birth_date.is_none(),
            stored.birth_date.is_none(),
        ) {
            input.birth_date
        } else {
            stored.birth_date
        },
        id_number: if pick(Field::IdNumber, has(Field::IdNumber), input.id_number.is_none(), stored.id_number.is_none())
        {
            input.id_number
        } else {
            stored.id_number.clone()
        },
        phone: if pick(Field::Phone, has(Field::Phone), input.phone.is_none(), stored.phone.is_none()) {
            input.phone
        } else {
            stored.phone.clone()
        },
        department: if pick(
            Field::Department,
            has(Field::Department),
            input.department.is_none(),
            stored.department.is_none(),
        ) {
            input.department
        } else {
            stored.department.clone()
        },
        // 岗位 carries both the post and the temporary-hire flag.
        post: if pick(
            Field::Post,
            has(Field::Post),
            input.post.is_none() && !input.is_temporary,
            stored.post.is_none() && !stored.is_temporary,
        ) {
            input.post
        } else {
            stored.post
        },
        is_temporary: if has(Field::Post) { input.is_temporary } else { stored.is_temporary },
        title: if pick(Field::Title, has(Field::Title), input.title.is_none(), stored.title.is_none()) {
            input.title
        } else {
            stored.title.clone()
        },
        joined_school: if pick(
            Field::JoinedSchool,
            has(Field::JoinedSchool),
            input.joined_school.is_none(),
            stored.joined_school.is_none(),
        ) {
            input.joined_school
        } else {
            stored.joined_school
        },
        joined_union: if pick(
            Field::JoinedUnion,
            has(Field::JoinedUnion),
            input.joined_union.is_none(),
            stored.joined_union.is_none(),
        ) {
            input.joined_union
        } else {
            stored.joined_union
        },
        group: if pick(Field::Group, has(Field::Group), input.group.is_none(), stored.group.is_none()) {
            input.group
        } else {
            stored.group.clone()
        },
        notes: if pick(Field::Notes, has(Field::Notes), input.notes.is_none(), stored.notes.is_none()) {
            input.notes
        } else {
            stored.notes.clone()
        },
        name: input.name,
        employee_no: input.employee_no,
    };
    cleared.sort();
    (m, cleared)
}

#[cfg(test)]
#[path = "import_plan_tests.rs"]
mod tests;
