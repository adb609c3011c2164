//! What we write is opened by a real office suite, not only by the library that wrote it:
//! LibreOffice (headless) converts our .xlsx to CSV and our .docx to text, and what it reads is
//! what we meant. Skipped with a message when `soffice` is absent, unless
//! `JIAOGONG_REQUIRE_OFFICE=1` (set by `.ci/run`, which installs LibreOffice).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic on unexpected results.

use std::path::{Path, PathBuf};
use std::process::Command;

use jiaogong_office::docx::{write_docx, Block};
use jiaogong_office::xlsx_read::{read_first_sheet, Limits};
use jiaogong_office::xlsx_write::{write_tables, OutCell, Table};

fn soffice() -> Option<&'static str> {
    let found = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().map(|o| o.status.success()).unwrap_or(false));
    if found.is_none() {
        assert!(
            std::env::var("JIAOGONG_REQUIRE_OFFICE").as_deref() != Ok("1"),
            "JIAOGONG_REQUIRE_OFFICE=1 but LibreOffice (soffice) is not installed"
        );
        eprintln!("skipped: LibreOffice (soffice) is not installed");
    }
    found
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("jg-lo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Converts `input` with LibreOffice and returns the path of the result.
fn convert(bin: &str, dir: &Path, input: &Path, to: &str, ext: &str) -> PathBuf {
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.display());
    let out = Command::new(bin)
        .args([profile.as_str(), "--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(dir.join("out"))
        .arg(input)
        .output()
        .unwrap();
    let stem = input.file_stem().unwrap().to_string_lossy().to_string();
    let result = dir.join("out").join(format!("{stem}.{ext}"));
    assert!(
        result.exists(),
        "LibreOffice did not convert {}: {}{}",
        input.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    result
}

#[test]
fn libreoffice_reads_our_workbook_as_we_wrote_it() {
    let Some(bin) = soffice() else { return };
    let dir = Dir::new("xlsx");
    let table = Table {
        sheet_name: "会员名册".into(),
        headers: vec!["姓名".into(), "工号".into(), "身份证号".into(), "入会日期".into(), "月会费".into()],
        rows: vec![
            vec![
                OutCell::Text("何丽".into()),
                OutCell::Text("0012".into()),
                OutCell::Text("110101199003071234".into()),
                OutCell::Date(chrono::NaiveDate::from_ymd_opt(2015, 9, 1).unwrap()),
                OutCell::Money(123_450),
            ],
            vec![
                OutCell::Text("=1+1，逗号,与\"引号\"".into()),
                OutCell::Int(7),
                OutCell::Empty,
                OutCell::Empty,
                OutCell::Money(0),
            ],
        ],
        col_widths: vec![],
    };
    let bytes = write_tables(&[table]).unwrap();
    let input = dir.0.join("roster.xlsx");
    std::fs::write(&input, &bytes).unwrap();
    // CSV, comma-separated, double quotes, UTF-8 (76), formatted values as shown.
    let csv = convert(bin, &dir.0, &input, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "csv");
    let text = std::fs::read_to_string(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "姓名,工号,身份证号,入会日期,月会费");
    assert!(lines[1].starts_with("何丽,0012,110101199003071234,2015-09-01,"), "{}", lines[1]);
    assert!(lines[1].contains("1,234.50"), "money shown in yuan: {}", lines[1]);
    // A text that looks like a formula stays text (neutralised), never computed to 2.
    assert!(lines[2].contains("1+1，逗号,与\"\"引号\"\"") && !lines[2].starts_with("2,"), "{}", lines[2]);

    // A workbook LibreOffice writes from ours reads back the same through our reader.
    let again = convert(bin, &dir.0, &input, "xlsx:Calc MS Excel 2007 XML", "xlsx");
    let sheet = read_first_sheet(&std::fs::read(again).unwrap(), &Limits::default()).unwrap();
    let text_of = |r: usize, c: usize| format!("{:?}", sheet.rows[r].cells.get(c));
    assert!(text_of(1, 0).contains("何丽"), "{}", text_of(1, 0));
    assert!(text_of(1, 2).contains("110101199003071234"), "the ID stays text: {}", text_of(1, 2));
}

#[test]
fn libreoffice_reads_our_document_as_we_wrote_it() {
    let Some(bin) = soffice() else { return };
    let dir = Dir::new("docx");
    let blocks = vec![
        Block::Heading(1, "一、工作概况".into()),
        Block::Paragraph("本年度共开展活动 12 次，慰问生育、生病教职工16人次。".into()),
        Block::Table {
            headers: vec!["项目".into(), "金额（元）".into()],
            rows: vec![vec!["会费收入".into(), "12,345.00".into()]],
        },
    ];
    let bytes = write_docx("某某学校工会 2026 年度工作总结", &blocks).unwrap();
    let input = dir.0.join("summary.docx");
    std::fs::write(&input, &bytes).unwrap();
    let txt = convert(bin, &dir.0, &input, "txt:Text (encoded):UTF8", "txt");
    let text = std::fs::read_to_string(txt).unwrap();
    for expected in
        ["某某学校工会 2026 年度工作总结", "一、工作概况", "慰问生育、生病教职工16人次", "会费收入", "12,345.00"]
    {
        assert!(text.contains(expected), "{expected} missing from what LibreOffice read:\n{text}");
    }
    // And it lays it out as a printable document.
    let pdf = convert(bin, &dir.0, &input, "pdf", "pdf");
    assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF"));
}

/// The library's search reads PDFs made by an office suite, Chinese included: a document we
/// write, printed to PDF by LibreOffice (with a Chinese font embedded), gives back its words.
#[test]
fn text_is_extracted_from_a_chinese_pdf_printed_by_libreoffice() {
    use jiaogong_office::extract::{extract_text, TextSource};
    let Some(bin) = soffice() else { return };
    let dir = Dir::new("pdf-zh");
    let blocks = vec![
        Block::Heading(1, "教职工福利慰问制度".into()),
        Block::Paragraph("生病住院的教职工，工会送慰问金五百元。工会经费主要用于为职工服务和工会活动。".into()),
    ];
    let input = dir.0.join("welfare.docx");
    std::fs::write(&input, write_docx("福利制度", &blocks).unwrap()).unwrap();
    let pdf = std::fs::read(convert(bin, &dir.0, &input, "pdf", "pdf")).unwrap();
    let text: String = extract_text(TextSource::Pdf, &pdf).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    for expected in ["福利慰问", "慰问金五百元", "工会经费"] {
        assert!(text.contains(expected), "{expected} missing from the PDF's text:\n{text}");
    }
}
