//! `jiaogong tally`: a published bulletin counted offline, the same count the server makes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `jiaogong tally BULLETIN.json`: exit 0 with the result, 2 with one line on a malformed file.
/// A bulletin file's text, or the one line that says why it cannot be read.
fn read_bulletin(path: &Path) -> Result<String, String> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| format!("公告文件不是 UTF-8 文本 / the bulletin is not UTF-8 text: {}", path.display())),
        Err(e) => Err(format!("无法读取 {} / cannot read it: {e}", path.display())),
    }
}

pub(super) fn tally(paths: &[PathBuf], weights: &[u64], top: Option<u64>) -> ExitCode {
    let fail = |line: String| {
        eprintln!("{}", line.replace('\n', " "));
        ExitCode::from(2)
    };
    let mut texts = Vec::with_capacity(paths.len());
    for p in paths {
        match read_bulletin(p) {
            Ok(t) => texts.push(t),
            Err(line) => return fail(line),
        }
    }
    let Some(top) = top else {
        if texts.len() != 1 || !weights.is_empty() {
            return fail(
                "多个公告文件或 --weights 只用于评选的加权轮次，须同时给 --top（晋级人数） / several bulletins or --weights \
                 recount a weighted selection round and need --top (how many advance)"
                    .into(),
            );
        }
        return match jiaogong_domain::congress::ballots::tally_json_pretty(&texts[0]) {
            Ok(json) => {
                out!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.message_zh_en()),
        };
    };
    use jiaogong_domain::congress::round_recount::{recount_round, RecountError};
    if weights.len() != texts.len() {
        return fail(
            RecountError::WeightsDoNotMatch { bulletins: texts.len(), weights: weights.len() }.message_zh_en(),
        );
    }
    let pairs: Vec<(u64, &str)> = weights.iter().copied().zip(texts.iter().map(String::as_str)).collect();
    match recount_round(&pairs, top) {
        Ok(outcome) => match serde_json::to_string_pretty(&outcome) {
            Ok(json) => {
                out!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.to_string()),
        },
        Err(e) => fail(e.message_zh_en()),
    }
}
