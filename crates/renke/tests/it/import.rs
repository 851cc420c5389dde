use crate::support::{renke, sqlite_url, text};
use renke_store::Db;
use std::path::Path;

async fn counts(url: &str) -> (i64, i64) {
    let db = Db::connect(url).await.unwrap();
    let n = (
        renke_store::orgs::count(&db).await.unwrap(),
        renke_store::accounts::count(&db).await.unwrap(),
    );
    db.close().await;
    n
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_owned()
}

const HEAD: &str = "code,parent_code,name,kind,admin_level\n";

/// Bad files get per-row errors (row, column, zh and en text), a non-zero exit code, and
/// write nothing even with --apply.
#[tokio::test]
async fn bad_org_files_report_every_row_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    let cases = [
        (
            "wrong_columns.csv",
            "编号,名字,类别\nA,某某检测有限公司,lab\n".to_owned(),
            vec!["第1行", "缺少必填列 missing required column"],
        ),
        (
            "duplicate.csv",
            format!(
                "{HEAD}SZ,,深圳市市场监督管理局,regulator,municipal\nLAB1,SZ,某某检测有限公司,lab,\nLAB1,SZ,某某检验检测有限公司,lab,\n"
            ),
            vec!["第4行 code: 编码在文件中重复 duplicate code in file"],
        ),
        (
            "unknown_parent.csv",
            format!("{HEAD}LAB1,NOPE,某某检测有限公司,lab,\n"),
            vec!["第2行 parent_code: 上级编码不存在 unknown parent (NOPE)"],
        ),
        (
            "cycle.csv",
            format!("{HEAD}A,B,甲检测有限公司,lab,\nB,A,乙检测有限公司,lab,\n"),
            vec!["上级关系形成循环 parent chain forms a cycle"],
        ),
        (
            "bad_cells.csv",
            format!(
                "{HEAD}SZ,,深圳市市场监督管理局,regulator,\nX Y,,某某公司,company,\nOK,,某某公司,spaceship,\n"
            ),
            vec![
                "第2行 admin_level",
                "第3行 code",
                "第4行 kind: 无法识别的取值 unknown value (spaceship)",
            ],
        ),
    ];
    for (name, body, expected) in cases {
        let file = write(dir.path(), name, &body);
        let out = renke(
            &["import", "orgs", &file, "--apply", "--database-url", &url],
            None,
        );
        let t = text(&out);
        assert!(!out.status.success(), "{name} accepted:\n{t}");
        for e in expected {
            assert!(t.contains(e), "{name}: expected {e:?} in\n{t}");
        }
        assert!(t.contains("未写入任何数据"), "{name}: no summary in\n{t}");
        assert_eq!(counts(&url).await, (0, 0), "{name} wrote rows");
    }
}

#[tokio::test]
async fn a_valid_file_is_checked_then_applied_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    // Children before their parent in the file: still valid.
    let orgs = write(
        dir.path(),
        "orgs.csv",
        "编码,上级编码,名称,类型,行政级别\n\
         SZ-LAB1,SZ,深圳某某检测有限公司,检验检测机构,\n\
         GD,,广东省市场监督管理局,市场监管部门,省级\n\
         SZ,GD,深圳市市场监督管理局,市场监管部门,地市级\n",
    );
    let out = renke(&["import", "orgs", &orgs, "--database-url", &url], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("试运行"), "{}", text(&out));
    assert_eq!(counts(&url).await, (0, 0), "a dry run wrote rows");

    let out = renke(
        &["import", "orgs", &orgs, "--apply", "--database-url", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已导入 3 个机构"), "{}", text(&out));
    assert_eq!(counts(&url).await, (3, 0));

    let db = Db::connect(&url).await.unwrap();
    let lab = renke_store::orgs::get_by_code(&db, "SZ-LAB1")
        .await
        .unwrap();
    let sz = renke_store::orgs::get_by_code(&db, "SZ").await.unwrap();
    assert_eq!(lab.parent_id, Some(sz.id));
    db.close().await;

    // Importing the same codes again is refused row by row.
    let out = renke(
        &["import", "orgs", &orgs, "--apply", "--database-url", &url],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("编码已存在 code already exists"),
        "{}",
        text(&out)
    );

    let accounts = write(
        dir.path(),
        "accounts.csv",
        "login,display_name,org_code,role,password\n\
         sz.staff,张三,SZ,staff,a-long-password\n\
         gd.viewer,李四,GD,查看者,another-password\n",
    );
    let bad = write(
        dir.path(),
        "bad_accounts.csv",
        "login,display_name,org_code,role,password\n\
         sz.staff,张三,NOPE,staff,1234\n",
    );
    let out = renke(
        &[
            "import",
            "accounts",
            &bad,
            "--apply",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("第2行 org_code: 机构编码不存在"), "{t}");
    assert!(t.contains("第2行 password"), "{t}");
    assert_eq!(counts(&url).await, (3, 0));

    let out = renke(
        &[
            "import",
            "accounts",
            &accounts,
            "--apply",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(counts(&url).await, (3, 2));
    let db = Db::connect(&url).await.unwrap();
    let a = renke_store::accounts::get_by_login(&db, "gd.viewer")
        .await
        .unwrap();
    assert_eq!(a.org_code, "GD");
    assert!(renke_app::auth::verify_password(&a.password_hash, "another-password").await);
    db.close().await;
}

#[tokio::test]
async fn admin_create_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    let orgs = write(
        dir.path(),
        "orgs.csv",
        &format!("{HEAD}SAMR,,国家市场监督管理总局,regulator,national\n"),
    );
    let out = renke(
        &["import", "orgs", &orgs, "--apply", "--database-url", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));

    let args = [
        "admin",
        "create",
        "--org",
        "SAMR",
        "--role",
        "admin",
        "--login",
        "Root.Admin",
        "--name",
        "值班管理员",
        "--database-url",
        &url,
    ];
    let out = renke(&args, Some("short\n"));
    assert!(!out.status.success());
    assert!(text(&out).contains("密码太短"), "{}", text(&out));

    let out = renke(&args, Some("correct horse battery\n"));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已创建账号"), "{}", text(&out));

    let db = Db::connect(&url).await.unwrap();
    let a = renke_store::accounts::get_by_login(&db, "root.admin")
        .await
        .unwrap();
    assert_eq!(a.display_name, "值班管理员");
    assert_eq!(a.role, renke_domain::perm::Role::Admin);
    assert!(renke_app::auth::verify_password(&a.password_hash, "correct horse battery").await);
    db.close().await;

    let out = renke(&args, Some("correct horse battery\n"));
    assert!(!out.status.success());
    assert!(text(&out).contains("登录名已存在"), "{}", text(&out));
    let out = renke(
        &[
            "admin",
            "create",
            "--org",
            "NOPE",
            "--role",
            "staff",
            "--login",
            "x.y",
            "--database-url",
            &url,
        ],
        Some("a-long-password\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("机构编码不存在"), "{}", text(&out));
}

/// A 1 KB xlsx with cells at A1 and XFD1048576 is refused with a message naming the sheet
/// and the limit (200,000 rows × 100 columns), exit code 1, nothing written — it used to
/// abort the process (exit 134) allocating 512 GiB for its grid.
#[tokio::test]
async fn an_xlsx_reaching_its_last_cell_is_refused_not_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    let path = dir.path().join("orgs.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("机构").unwrap();
    for (c, h) in ["code", "parent_code", "name", "kind", "admin_level"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&path).unwrap();
    let out = renke(
        &[
            "import",
            "orgs",
            path.to_str().unwrap(),
            "--apply",
            "--database-url",
            &url,
        ],
        None,
    );
    let t = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a clean error, not an abort: {t}"
    );
    assert!(
        t.contains("机构") && t.contains("200000") && t.contains("100 列"),
        "the sheet and the limit: {t}"
    );
    assert_eq!(counts(&url).await.0, 0);
}
