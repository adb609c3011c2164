//! Generated data at scale (`jiaogong demo --schools N --members M`): multi-row INSERTs in the
//! caller's transaction, for tables whose rows the generator composes itself. Table and column
//! names are the generator's constants, never input.

use crate::{DbKind, Result, Tx};

/// One bound value of a multi-row INSERT.
pub enum V {
    T(String),
    I(i64),
    /// A text NULL.
    N,
    /// An integer NULL (PostgreSQL types the parameter).
    NI,
}

/// INSERTs `rows` into `table` in statements of at most ~4,000 parameters (`?` on SQLite, where
/// numbered placeholders turn large statements quadratic; `$n` on PostgreSQL).
pub async fn insert(tx: &mut Tx, kind: DbKind, table: &str, cols: &[&str], rows: Vec<Vec<V>>) -> Result<()> {
    let per = (4000 / cols.len()).max(1);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Vec<V>> = it.by_ref().take(per).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            sql.push_str(if i > 0 { ",(" } else { "(" });
            for j in 0..cols.len() {
                if j > 0 {
                    sql.push(',');
                }
                n += 1;
                match kind {
                    DbKind::Sqlite => sql.push('?'),
                    DbKind::Postgres => sql.push_str(&format!("${n}")),
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::T(s) => q.bind(s),
                    V::I(i) => q.bind(i),
                    V::N => q.bind(None::<String>),
                    V::NI => q.bind(None::<i64>),
                };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
