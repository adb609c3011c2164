//! Writing .docx reports (year-end summary, proposal report, ...) on A4 paper with CJK fonts:
//! 宋体 for the body and 黑体 for the title and headings.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, Paragraph, Pic, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};

use crate::error::OfficeError;

/// A4 in twentieths of a point.
const A4_WIDTH: u32 = 11_906;
const A4_HEIGHT: u32 = 16_838;
/// 2.54 cm margins left and right, 2.54 cm top and bottom.
const MARGIN: i32 = 1_440;
/// Text width between the margins, used to size tables.
const TEXT_WIDTH: usize = (A4_WIDTH as usize) - 2 * (MARGIN as usize);

const BODY_FONT: &str = "宋体";
const BODY_FONT_LATIN: &str = "SimSun";
const HEADING_FONT: &str = "黑体";
const HEADING_FONT_LATIN: &str = "SimHei";

/// Font sizes in half-points: 小四 (12 pt) body, 小二 (18 pt) title.
const BODY_SIZE: usize = 24;
const TITLE_SIZE: usize = 36;
const TABLE_SIZE: usize = 21;

/// One block of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1 (largest) to 3; other levels are treated as the nearest one.
    Heading(u8, String),
    /// A paragraph of body text; line breaks inside it are kept.
    Paragraph(String),
    /// A table with a bold header row.
    Table {
        /// Header cells.
        headers: Vec<String>,
        /// Data rows; short rows are padded with empty cells.
        rows: Vec<Vec<String>>,
    },
    /// A picture (PNG bytes and its size in pixels), centred, shown `width_cm` wide.
    Image {
        /// The PNG file.
        png: Vec<u8>,
        /// Width in pixels.
        width_px: u32,
        /// Height in pixels.
        height_px: u32,
        /// The width on the page in centimetres (the height follows the picture's proportions).
        width_cm: f32,
    },
    /// A page break.
    PageBreak,
}

fn body_fonts() -> RunFonts {
    RunFonts::new().east_asia(BODY_FONT).ascii(BODY_FONT_LATIN).hi_ansi(BODY_FONT_LATIN)
}

fn heading_fonts() -> RunFonts {
    RunFonts::new().east_asia(HEADING_FONT).ascii(HEADING_FONT_LATIN).hi_ansi(HEADING_FONT_LATIN)
}

/// Removes characters XML 1.0 cannot carry (control characters other than tab and newline).
fn clean(s: &str) -> String {
    s.chars().filter(|&c| c == '\t' || c == '\n' || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')).collect()
}

/// A run per line, with line breaks between them.
fn text_runs(mut p: Paragraph, text: &str, style: impl Fn(Run) -> Run) -> Paragraph {
    let text = clean(text);
    let text = text.replace("\r\n", "\n");
    for (i, line) in text.split('\n').enumerate() {
        let mut run = Run::new();
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        p = p.add_run(style(run.add_text(line)));
    }
    p
}

fn heading(level: u8, text: &str) -> Paragraph {
    let (size, outline) = match level {
        0 | 1 => (32, 0),
        2 => (28, 1),
        _ => (BODY_SIZE, 2),
    };
    let p = Paragraph::new().outline_lvl(outline).keep_next(true);
    text_runs(p, text, |r| r.fonts(heading_fonts()).size(size).bold())
}

fn table(headers: &[String], rows: &[Vec<String>]) -> Table {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(headers.len()).max(1);
    let col_width = TEXT_WIDTH / cols;
    let cell = |text: &str, bold: bool| {
        let p = text_runs(Paragraph::new(), text, |r| {
            let r = r.fonts(body_fonts()).size(TABLE_SIZE);
            if bold {
                r.bold()
            } else {
                r
            }
        });
        TableCell::new().width(col_width, WidthType::Dxa).add_paragraph(p)
    };
    let make_row = |values: &[String], bold: bool| {
        let cells = (0..cols).map(|c| cell(values.get(c).map_or("", String::as_str), bold)).collect();
        TableRow::new(cells)
    };
    let mut table_rows = Vec::with_capacity(rows.len() + 1);
    if !headers.is_empty() {
        table_rows.push(make_row(headers, true));
    }
    table_rows.extend(rows.iter().map(|r| make_row(r, false)));
    Table::new(table_rows).set_grid(vec![col_width; cols]).width(TEXT_WIDTH, WidthType::Dxa)
}

/// Writes a report as .docx: the title centred on top, then the blocks.
pub fn write_docx(title: &str, blocks: &[Block]) -> Result<Vec<u8>, OfficeError> {
    let margin = PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN);
    let mut doc = Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(margin)
        .default_fonts(body_fonts())
        .default_size(BODY_SIZE);
    if !title.trim().is_empty() {
        let p = Paragraph::new().align(AlignmentType::Center);
        doc = doc.add_paragraph(text_runs(p, title, |r| r.fonts(heading_fonts()).size(TITLE_SIZE).bold()));
    }
    for block in blocks {
        doc = match block {
            Block::Heading(level, text) => doc.add_paragraph(heading(*level, text)),
            Block::Paragraph(text) => {
                doc.add_paragraph(text_runs(Paragraph::new(), text, |r| r.fonts(body_fonts()).size(BODY_SIZE)))
            }
            Block::Table { headers, rows } => {
                // An empty paragraph after a table keeps two tables from merging in Word.
                doc.add_table(table(headers, rows)).add_paragraph(Paragraph::new())
            }
            Block::Image { png, width_px, height_px, width_cm } => {
                // 360,000 EMU to the centimetre; no wider than the text area (16 cm).
                let w = (width_cm.clamp(1.0, 16.0) * 360_000.0) as u32;
                let h = (f64::from(w) * f64::from(*height_px) / f64::from((*width_px).max(1))) as u32;
                let pic = Pic::new_with_dimensions(png.clone(), *width_px, *height_px).size(w, h);
                doc.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_image(pic)))
            }
            Block::PageBreak => doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page))),
        };
    }
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| OfficeError::Write(e.to_string()))?;
    Ok(out.into_inner())
}
