//! The 台账 (ledger binder) of the staff-home assessment: its index (.xlsx), the score sheet
//! (.docx), and the archive of both with the year-end summary and every uploaded evidence file,
//! streamed to the client in bounded chunks.

use std::io::Write;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use jiaogong_domain::district::assessment as rules;
use jiaogong_office::docx::{write_docx, Block};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::district::assessment::{self as repo, Sheet};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::Store;

use super::assessment::{computed_text, kind_label, sheet_of};
use crate::plans::{year_of, YearQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::AppState;

/// The index of the 台账: one row per piece of evidence, and one per item without any.
fn index_xlsx(ctx: &Ctx, sheet: &Sheet, names: &[(String, String)]) -> Result<Vec<u8>, AppError> {
    let t = |k: &str| ctx.tr.t(k);
    let mut rows = Vec::new();
    let mut n = 0;
    for l in &sheet.lines {
        let base = || {
            vec![
                OutCell::Text(t(&rules::group_key(&l.item.group_code))),
                OutCell::Text(l.item.title.clone()),
                OutCell::Int(l.item.points),
                OutCell::Int(l.scored.score()),
            ]
        };
        if l.evidence.is_empty() {
            let mut row = base();
            row.extend([OutCell::Empty, OutCell::Text(computed_text(ctx, l.scored.computed)), OutCell::Empty]);
            rows.push(row);
        }
        for e in &l.evidence {
            n += 1;
            let mut row = base();
            let file = names.iter().find(|(id, _)| *id == e.id).map(|(_, f)| f.clone()).unwrap_or_default();
            row.extend([
                OutCell::Int(n),
                OutCell::Text(format!("{}：{}", kind_label(ctx, &e.kind), e.label)),
                OutCell::Text(file),
            ]);
            rows.push(row);
        }
    }
    let table = Table {
        sheet_name: t("assess-ledger"),
        headers: vec![
            t("assess-col-group"),
            t("assess-col-item"),
            t("assess-col-points"),
            t("assess-col-score"),
            t("assess-col-no"),
            t("assess-col-evidence"),
            t("assess-col-file"),
        ],
        rows,
        col_widths: Vec::new(),
    };
    xlsx_write::write_tables(&[table]).map_err(|e| AppError::Internal(e.to_string()))
}

/// The self-assessment score sheet as a .docx.
pub(crate) fn sheet_docx(ctx: &Ctx, school: &School, year: i32, sheet: &Sheet) -> Result<Vec<u8>, AppError> {
    let t = |k: &str| ctx.tr.t(k);
    let mut blocks = Vec::new();
    for (code, score, points) in sheet.groups() {
        blocks.push(Block::Heading(2, format!("{}（{score}/{points}）", t(&rules::group_key(&code)))));
        blocks.push(Block::Table {
            headers: vec![
                t("assess-col-item"),
                t("assess-col-criteria"),
                t("assess-col-points"),
                t("assess-col-score"),
            ],
            rows: sheet
                .lines
                .iter()
                .filter(|l| l.item.group_code == code)
                .map(|l| {
                    vec![
                        l.item.title.clone(),
                        l.item.criteria.clone(),
                        l.item.points.to_string(),
                        l.scored.score().to_string(),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(Block::Paragraph(
        ctx.tr.ta("assess-total-line", &[("total", sheet.total().to_string()), ("points", sheet.points().to_string())]),
    ));
    let title = ctx.tr.ta("assess-title-school", &[("school", school.name.clone()), ("year", year.to_string())]);
    write_docx(&title, &blocks).map_err(|e| AppError::Internal(e.to_string()))
}

/// The bytes of a response body are sent in chunks of this size: memory stays flat whatever the
/// size of the archive.
const CHUNK: usize = 64 * 1024;

type Chunk = Result<Vec<u8>, std::io::Error>;

/// A writer that hands its bytes to the response body through a bounded channel (used on a
/// blocking thread; a full channel waits for the client to read).
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    /// Takes at most what fills the current chunk, so no chunk is larger than [`CHUNK`]
    /// (`write_all` comes back for the rest).
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len().min(CHUNK));
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// A name safe inside the archive: no directories, no control characters.
fn entry_name(s: &str) -> String {
    let cleaned: String =
        s.chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned.chars().take(120).collect()
    }
}

/// Writes the archive: the generated documents, then each evidence file read from the
/// database one at a time.
fn write_ledger(
    w: ChannelWriter,
    rt: &tokio::runtime::Handle,
    store: &Store,
    school_id: &str,
    generated: Vec<(String, Vec<u8>)>,
    evidence: Vec<(String, String)>,
) -> Result<(), String> {
    use zip_stream::write::SimpleFileOptions;
    let options =
        SimpleFileOptions::default().compression_method(zip_stream::CompressionMethod::Stored).large_file(true);
    let mut zip = zip_stream::ZipWriter::new_stream(w);
    for (name, bytes) in generated {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    for (id, name) in evidence {
        let (_, _, bytes) = rt.block_on(repo::evidence_file(store, school_id, &id)).map_err(|e| e.to_string())?;
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let mut w = zip.finish().map_err(|e| e.to_string())?.into_inner();
    w.send().map_err(|e| e.to_string())
}

/// `GET /s/{school}/assessment.zip`: the 台账 as one archive — the index (.xlsx), the score
/// sheet and the year-end summary (.docx) and every uploaded evidence file — streamed.
pub(super) async fn ledger_zip(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = year_of(&q);
    let sheet = sheet_of(&st, &school, year).await?;
    let mut evidence = Vec::new();
    for (n, l) in sheet.lines.iter().enumerate() {
        for e in l.evidence.iter().filter(|e| e.kind == "file") {
            let file = e.file_name.clone().unwrap_or_default();
            let name = format!(
                "{}/{:02}-{}-{}",
                ctx.tr.t("assess-zip-evidence"),
                n + 1,
                entry_name(&l.item.title),
                entry_name(&file)
            );
            evidence.push((e.id.clone(), name));
        }
    }
    let index = index_xlsx(&ctx, &sheet, &evidence)?;
    let score_sheet = sheet_docx(&ctx, &school, year, &sheet)?;
    let summary = crate::plans::summary::summary_docx(&st, &ctx, &school, year).await?;
    let generated = vec![
        (format!("00-{}.xlsx", ctx.tr.t("assess-ledger-index")), index),
        (format!("01-{}.docx", ctx.tr.t("assess-score-sheet")), score_sheet),
        (format!("02-{}.docx", ctx.tr.t("sum-nav")), summary),
    ];
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(4);
    let store = st.store.clone();
    let school_id = school.id.clone();
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let w = ChannelWriter { tx: tx.clone(), buf: Vec::with_capacity(CHUNK) };
        if let Err(e) = write_ledger(w, &rt, &store, &school_id, generated, evidence) {
            tracing::warn!("assessment ledger archive: {e}");
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    let name = format!("{}-{year}.zip", ctx.tr.t("assess-ledger"));
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ledger-{year}.zip\"; filename*=UTF-8''{}", encoded.replace('+', "%20")),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
