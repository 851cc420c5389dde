//! A small org tree used by several tests:
//!
//! ```text
//! N (national)
//! ├── GD (provincial)
//! │   ├── GD-SZ (municipal)
//! │   │   └── GD-SZ-FT (district)
//! │   └── GD-GZ (municipal)
//! └── SH (provincial)
//! ```

use chrono::{DateTime, TimeZone, Utc};
use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
use renke_store::Db;
use renke_store::orgs::{self, NewOrg};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 6, 1, 8, 0, 0).unwrap()
}

pub fn code(s: &str) -> OrgCode {
    OrgCode::parse("code", s).unwrap()
}

pub fn regulator(c: &str, parent: Option<&str>, name: &str, level: AdminLevel) -> NewOrg {
    let mut o = NewOrg::new(code(c), parent.map(code), name, OrgKind::Regulator);
    o.admin_level = Some(level);
    o
}

pub async fn tree(db: &Db) {
    let rows = vec![
        regulator("N", None, "国家市场监督管理总局", AdminLevel::National),
        regulator(
            "GD",
            Some("N"),
            "广东省市场监督管理局",
            AdminLevel::Provincial,
        ),
        regulator(
            "GD-SZ",
            Some("GD"),
            "深圳市市场监督管理局",
            AdminLevel::Municipal,
        ),
        regulator(
            "GD-SZ-FT",
            Some("GD-SZ"),
            "深圳市市场监督管理局福田监管局",
            AdminLevel::District,
        ),
        regulator(
            "GD-GZ",
            Some("GD"),
            "广州市市场监督管理局",
            AdminLevel::Municipal,
        ),
        regulator(
            "SH",
            Some("N"),
            "上海市市场监督管理局",
            AdminLevel::Provincial,
        ),
    ];
    orgs::create_many(db, &rows, now()).await.unwrap();
}

/// PostgreSQL's planner estimate of a table's rows (-1 until the table is first analysed).
pub async fn planner_rows(db: &Db, table: &str) -> Option<f32> {
    match db {
        Db::Pg(p) => Some(
            sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE relname = $1")
                .bind(table)
                .fetch_one(p)
                .await
                .unwrap(),
        ),
        Db::Sqlite(_) => None,
    }
}
