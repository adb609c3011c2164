//! Writes a roster .xlsx in the import template's layout (Chinese headers, one row per person,
//! dates as Excel dates, valid ID numbers and mobile numbers, unique employee numbers).
//!
//! `gen_roster --out FILE.xlsx [--rows 60000]`

use anyhow::Context;
use bench::{arg, person, req_arg, Lcg};
use jiaogong_domain::members::Field;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn date(d: chrono::NaiveDate) -> anyhow::Result<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(|e| anyhow::anyhow!("{e}"))
}

fn main() -> anyhow::Result<()> {
    let out = req_arg("--out")?;
    let rows: usize = arg("--rows").unwrap_or_else(|| "60000".into()).parse().context("--rows")?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("会员名册").map_err(|e| anyhow::anyhow!("{e}"))?;
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (c, f) in Field::ALL.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, f.header_zh(), &bold).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut rng = Lcg(60_000);
    for i in 0..rows {
        let p = person(&mut rng, "310104", "R", i)?;
        let r = (i + 1) as u32;
        let e = |e: rust_xlsxwriter::XlsxError| anyhow::anyhow!("{e}");
        ws.write_string(r, 0, &p.name).map_err(e)?;
        ws.write_string(r, 1, &p.employee_no).map_err(e)?;
        ws.write_string(r, 2, p.gender.label_zh()).map_err(e)?;
        ws.write_datetime_with_format(r, 3, date(p.birth)?, &date_fmt).map_err(e)?;
        ws.write_string(r, 4, &p.id_number).map_err(e)?;
        ws.write_string(r, 5, &p.phone).map_err(e)?;
        ws.write_string(r, 6, p.department).map_err(e)?;
        ws.write_string(r, 7, p.post.label_zh()).map_err(e)?;
        ws.write_string(r, 8, p.title).map_err(e)?;
        ws.write_datetime_with_format(r, 9, date(p.joined_school)?, &date_fmt).map_err(e)?;
        ws.write_datetime_with_format(r, 10, date(p.joined_union)?, &date_fmt).map_err(e)?;
        ws.write_string(r, 11, p.group).map_err(e)?;
        ws.write_string(r, 12, "在职会员").map_err(e)?;
    }
    wb.save(&out).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("gen_roster: {rows} rows -> {out}");
    Ok(())
}
