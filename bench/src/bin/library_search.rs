//! Library search at 1× and 10× the documents: N documents (default 10,000) of about five pages
//! of Chinese text each (`--chars` characters, default 4,000, drawn from a Zipf-like table of
//! common characters, so pairs repeat as in real text), and 10×N in a second database. The
//! two-character query 福利 is in about 2% of the documents and 工会 in about 40%; each is run
//! `--queries` times through the search path the page and the API share (the domain's query
//! parser and the store's indexed search, limit 50). Printed: p99 of each size, the ratio
//! p99(10×)/p99(1×) (target ≤ 2.0: the index is read for the matches looked at, never scanned)
//! and p99 at 1× (target ≤ 50 ms). A three-character query (工会法, common pair + rarer pair)
//! is shown beside them.
//!
//! `library_search [--docs 10000] [--chars 4000] [--queries 300] [--dir DIR] [--pg URL]`
//! (with `--pg`, both sizes are built in fresh databases on that PostgreSQL server).

use std::time::Instant;

use anyhow::Context;
use bench::arg;
use jiaogong_domain::activities::library::{document_text, index_tokens, Folder, Query};
use jiaogong_store::activities::library::{self as lib, NewFile};
use jiaogong_store::{platform::tenancy, Crypto, Store};

/// Common characters, most frequent first (a Zipf-like draw favours the start of the table).
const CHARS: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质利福教师会议代表大学校职工会员活动经费慰问生日节庆培训制度章程条例规定权利义务合同劳动保障";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// An index in 0..n, small ones far more often (the cube of a uniform draw).
    fn zipfish(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((u * u * u) * n as f64) as usize % n
    }
}

fn text(rng: &mut Rng, table: &[char], chars: usize, welfare: bool, union: bool) -> String {
    let mut s = String::with_capacity(chars * 3 + 64);
    for i in 0..chars {
        s.push(table[rng.zipfish(table.len())]);
        if i % 40 == 39 {
            s.push('。');
        }
        if i % 700 == 699 {
            s.push('\n');
        }
    }
    if union {
        s.push_str("依照工会章程。");
    }
    if welfare {
        s.push_str("职工福利费按规定使用。");
    }
    s
}

async fn open(dir: &std::path::Path, pg: Option<&str>, name: &str) -> anyhow::Result<Store> {
    let url = match pg {
        Some(base) => {
            sqlx::any::install_default_drivers();
            let db = format!("jg_bench_library_{name}_{}", std::process::id());
            let admin = sqlx::AnyPool::connect(base).await.context("connecting to PostgreSQL")?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db}")).execute(&admin).await?;
            sqlx::query(&format!("CREATE DATABASE {db}")).execute(&admin).await?;
            admin.close().await;
            url_with_db(base, &db)
        }
        None => {
            std::fs::create_dir_all(dir.join(name))?;
            format!("sqlite://{}", dir.join(name).join("bench.db").display())
        }
    };
    Ok(Store::open(&url, Crypto::new([7u8; 32])).await?)
}

/// `postgres://user@host:port/anything` → the same server, database `db`.
fn url_with_db(base: &str, db: &str) -> String {
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    match base[after_scheme..].find('/') {
        Some(i) => format!("{}/{db}", &base[..after_scheme + i]),
        None => format!("{base}/{db}"),
    }
}

/// A school with `docs` documents; returns its id.
async fn fixture(store: &Store, docs: usize, chars: usize) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let school = tenancy::create_school(&mut tx, None, "基准学校", "bench").await?;
    jiaogong_store::commit(tx).await?;
    let table: Vec<char> = CHARS.chars().collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    for batch in 0..docs.div_ceil(100) {
        let mut tx = store.begin().await?;
        for i in batch * 100..((batch + 1) * 100).min(docs) {
            let welfare = i % 50 == 0;
            let union = i % 5 < 2;
            let body = text(&mut rng, &table, chars, welfare, union);
            let title = format!("资料{i:06}");
            let search = document_text(&title, &body);
            let tokens = index_tokens(&search);
            let f = NewFile {
                file_name: "doc.txt",
                content_type: "text/plain; charset=utf-8",
                bytes: body.as_bytes(),
                search_text: &search,
                tokens: &tokens,
            };
            lib::create(&mut tx, &school, Folder::Training, &title, &f, "bench").await?;
        }
        jiaogong_store::commit(tx).await?;
        if batch % 10 == 9 {
            eprintln!("  {} of {docs} documents ({:.0} s)", (batch + 1) * 100, started.elapsed().as_secs_f64());
        }
    }
    Ok(school)
}

/// p99 and median in milliseconds of `runs` searches for `q`, and the hits of the last one.
async fn measure(store: &Store, school: &str, q: &str, runs: usize) -> anyhow::Result<(f64, f64, usize)> {
    let mut times = Vec::with_capacity(runs);
    let mut hits = 0;
    for _ in 0..3 {
        let query = Query::parse(q).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        lib::search(store, school, &query, None, 50).await?;
    }
    for _ in 0..runs {
        let t = Instant::now();
        let query = Query::parse(q).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        hits = lib::search(store, school, &query, None, 50).await?.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    Ok((at(0.99), at(0.5), hits))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let docs: usize = arg("--docs").unwrap_or_else(|| "10000".into()).parse().context("--docs")?;
    let chars: usize = arg("--chars").unwrap_or_else(|| "4000".into()).parse().context("--chars")?;
    let runs: usize = arg("--queries").unwrap_or_else(|| "300".into()).parse().context("--queries")?;
    let pg = arg("--pg");
    let dir = arg("--dir")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("jiaogong-library-bench-{}", std::process::id())));
    let mut line = String::new();
    let mut p99 = Vec::new();
    for (name, n) in [("1x", docs), ("10x", 10 * docs)] {
        eprintln!("building {n} documents ({name})");
        let store = open(&dir, pg.as_deref(), name).await?;
        let school = fixture(&store, n, chars).await?;
        let (welfare_p99, welfare_p50, welfare_hits) = measure(&store, &school, "福利", runs).await?;
        let (union_p99, _, union_hits) = measure(&store, &school, "工会", runs).await?;
        let (law_p99, _, law_hits) = measure(&store, &school, "工会章程", runs).await?;
        anyhow::ensure!(welfare_hits > 0 && union_hits > 0 && law_hits > 0, "a query found nothing");
        p99.push(welfare_p99.max(union_p99));
        line.push_str(&format!(
            " docs_{name}={n} p99_fuli_ms_{name}={welfare_p99:.2} p50_fuli_ms_{name}={welfare_p50:.2} p99_gonghui_ms_{name}={union_p99:.2} p99_zhangcheng_ms_{name}={law_p99:.2}"
        ));
        store.close().await;
    }
    let ratio = p99[1] / p99[0].max(0.001);
    println!(
        "scenario-library p99_10x/p99_1x={ratio:.2} p99_ms={:.2}{line} chars_per_doc={chars} queries={runs} db={} (targets: <=2.0, p99<=50ms)",
        p99[0],
        if pg.is_some() { "postgres" } else { "sqlite" }
    );
    if arg("--dir").is_none() && pg.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
