//! Shared helpers of the bench binaries: opening the server's database from its data directory
//! (same URL, same key file as `jiaogong --data DIR`), and deterministic made-up staff.

use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use jiaogong_domain::members::idcard::{check_char, IdNumber};
use jiaogong_domain::members::phone::Phone;
use jiaogong_domain::members::{Gender, MemberInput, MemberStatus, Post};
use jiaogong_store::{Crypto, Store};

/// The SQLite URL the CLI uses for `--data DIR`.
pub fn sqlite_url(data: &Path) -> String {
    format!("sqlite://{}", data.join("jiaogong.db").display())
}

/// The master key of a data directory (`<data>/secret.key`, 64 hex digits).
pub fn load_crypto(data: &Path) -> anyhow::Result<Crypto> {
    let path = data.join("secret.key");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Crypto::from_hex(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Opens the database of a data directory the way `jiaogong serve --data DIR` does.
/// With `JIAOGONG_DATABASE_URL` set, that database instead (the key still comes from `data`), as
/// `jiaogong serve --data DIR --database-url URL` does.
pub async fn open_store(data: &Path) -> anyhow::Result<Store> {
    let crypto = load_crypto(data)?;
    let url = std::env::var("JIAOGONG_DATABASE_URL").unwrap_or_else(|_| sqlite_url(data));
    Store::open(&url, crypto).await.context("opening the database")
}

/// Value of `--name VALUE` in the process arguments.
pub fn arg(name: &str) -> Option<String> {
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        if a == name {
            return it.next();
        }
        if let Some(v) = a.strip_prefix(&format!("{name}=")) {
            return Some(v.to_string());
        }
    }
    None
}

/// Like [`arg`], but required.
pub fn req_arg(name: &str) -> anyhow::Result<String> {
    arg(name).ok_or_else(|| anyhow::anyhow!("missing {name}"))
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡",
    "蒋", "余", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "丽", "芳", "静", "敏", "燕", "艳", "娟", "霞", "婷", "雪", "慧", "琳", "晓红", "秀英", "玉兰", "桂芳", "海燕",
    "春梅", "小琴", "佳怡", "雨萱", "梦瑶", "欣然", "思琪", "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚",
    "平", "辉", "建国", "志强", "海峰", "文博", "子轩", "浩然", "俊杰", "国庆", "晓东", "宏伟", "立新", "振华",
];
/// Union groups of a big school; the import creates the ones that do not exist yet.
pub const GROUPS: &[&str] =
    &["语文组", "数学组", "英语组", "理化生组", "政史地组", "音体美组", "信息技术组", "行政后勤组"];
pub const DEPTS: &[&str] = &["教务处", "德育处", "总务处", "办公室", "教科室"];
pub const TITLES: &[&str] = &["中学一级教师", "中学二级教师", "中学高级教师", "小学一级教师"];

/// A small deterministic generator (no dependency, same sequence everywhere).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next_u64() as usize) % xs.len()]
    }
}

/// One made-up staff member as the cells of a roster row (all text, dates as dates).
pub struct Person {
    pub name: String,
    pub employee_no: String,
    pub gender: Gender,
    pub birth: NaiveDate,
    pub id_number: String,
    pub phone: String,
    pub department: &'static str,
    pub post: Post,
    pub title: &'static str,
    pub joined_school: NaiveDate,
    pub joined_union: NaiveDate,
    pub group: &'static str,
}

/// The `i`-th person of a series. `region` (6 digits) and `prefix` keep series apart, so ID
/// numbers and employee numbers never collide with the demo school's (region 330106, `T…`).
/// Unique within a series for `i < 14_000 * 100`.
pub fn person(rng: &mut Lcg, region: &str, prefix: &str, i: usize) -> anyhow::Result<Person> {
    let base = NaiveDate::from_ymd_opt(1962, 1, 1).context("date")?;
    let birth = base + chrono::Days::new((i % 14_000) as u64);
    let male = rng.next_u64() % 100 < 40;
    let gender = if male { Gender::Male } else { Gender::Female };
    let seq = (i / 14_000) % 100;
    let g = (rng.next_u64() % 5) * 2 + u64::from(male);
    let body = format!("{region}{}{seq:02}{g}", birth.format("%Y%m%d"));
    let check = check_char(&body).context("check char")?;
    let id_number = format!("{body}{check}");
    IdNumber::parse(&id_number).map_err(|e| anyhow::anyhow!("bad generated id {id_number}: {e:?}"))?;
    let phone =
        format!("1{}{:08}", rng.pick(&["38", "39", "58", "59", "86", "87", "35"]), rng.next_u64() % 100_000_000);
    let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
    let joined_school = birth + chrono::Days::new(23 * 365 + rng.next_u64() % 2000);
    let joined_union = joined_school + chrono::Days::new(30 + rng.next_u64() % 60);
    let group = rng.pick(GROUPS);
    let post = if group == "行政后勤组" {
        rng.pick(&[Post::Staff, Post::Worker, Post::MiddleManager])
    } else {
        Post::Teacher
    };
    Ok(Person {
        name,
        employee_no: format!("{prefix}{:06}", i + 1),
        gender,
        birth,
        id_number,
        phone,
        department: rng.pick(DEPTS),
        post,
        title: rng.pick(TITLES),
        joined_school,
        joined_union,
        group,
    })
}

impl Person {
    /// The same person as the validated input the store writes.
    pub fn input(&self) -> anyhow::Result<MemberInput> {
        Ok(MemberInput {
            name: self.name.clone(),
            employee_no: self.employee_no.clone(),
            gender: Some(self.gender),
            birth_date: Some(self.birth),
            id_number: Some(IdNumber::parse(&self.id_number).map_err(|e| anyhow::anyhow!("{e:?}"))?),
            phone: Some(Phone::parse(&self.phone).map_err(|e| anyhow::anyhow!("{e:?}"))?),
            department: Some(self.department.to_string()),
            post: Some(self.post),
            title: Some(self.title.to_string()),
            joined_school: Some(self.joined_school),
            joined_union: Some(self.joined_union),
            group: Some(self.group.to_string()),
            status: MemberStatus::Active,
            is_temporary: false,
            notes: None,
        })
    }
}

/// Adds `n` generated members to a school in one transaction (groups and departments created as
/// needed); returns their ids. `seed`, `region` and `prefix` keep different tools' people apart.
pub async fn add_members(
    store: &Store,
    school_id: &str,
    n: usize,
    seed: u64,
    region: &str,
    prefix: &str,
) -> anyhow::Result<Vec<String>> {
    use jiaogong_store::{members, platform::tenancy};
    use std::collections::HashMap;
    let mut tx = store.begin().await?;
    let mut groups: HashMap<String, String> =
        tenancy::groups(store, school_id).await?.into_iter().map(|g| (g.name, g.id)).collect();
    let mut depts: HashMap<String, String> = HashMap::new();
    let mut rng = Lcg(seed);
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let p = person(&mut rng, region, prefix, i)?;
        let gid = match groups.get(p.group) {
            Some(id) => id.clone(),
            None => {
                let id = tenancy::create_group(&mut tx, school_id, p.group, false).await?;
                groups.insert(p.group.to_string(), id.clone());
                id
            }
        };
        let did = match depts.get(p.department) {
            Some(id) => id.clone(),
            None => {
                let id = tenancy::department_id(&mut tx, school_id, p.department, true).await?.unwrap_or_default();
                depts.insert(p.department.to_string(), id.clone());
                id
            }
        };
        rows.push((p.input()?, Some(gid), Some(did)));
    }
    let ids = members::insert_many(store, &mut tx, school_id, &rows).await?;
    jiaogong_store::commit(tx).await?;
    Ok(ids)
}

/// Counting the SQL statements a request runs, from sqlx's own per-statement events
/// (`sqlx::query`, one per statement executed), switched on only while counting.
pub mod statements {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use tracing::subscriber::Interest;
    use tracing::{Metadata, Subscriber};
    use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt};
    use tracing_subscriber::Layer;

    static COUNTING: AtomicBool = AtomicBool::new(false);
    static STATEMENTS: AtomicU64 = AtomicU64::new(0);

    /// Counts sqlx's per-statement events while counting is on; otherwise tells sqlx that
    /// nobody listens, so it does not even format them.
    struct CountStatements;

    impl<S: Subscriber> Layer<S> for CountStatements {
        fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
            Interest::sometimes()
        }
        fn enabled(&self, m: &Metadata<'_>, _: LayerContext<'_, S>) -> bool {
            COUNTING.load(Ordering::Relaxed) && m.target() == "sqlx::query"
        }
        fn on_event(&self, e: &tracing::Event<'_>, _: LayerContext<'_, S>) {
            if e.metadata().target() == "sqlx::query" {
                STATEMENTS.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Installs the counter as the process's subscriber (once, at the start of `main`).
    pub fn install() -> anyhow::Result<()> {
        use anyhow::Context;
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CountStatements))
            .context("installing the statement counter")
    }

    /// Starts counting from zero.
    pub fn start() {
        STATEMENTS.store(0, Ordering::SeqCst);
        COUNTING.store(true, Ordering::SeqCst);
        tracing::callsite::rebuild_interest_cache();
    }

    /// Stops counting and returns the statements seen since [`start`].
    pub fn stop() -> u64 {
        COUNTING.store(false, Ordering::SeqCst);
        STATEMENTS.load(Ordering::SeqCst)
    }
}
