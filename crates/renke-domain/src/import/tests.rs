use super::*;
use proptest::prelude::*;

fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
    Table {
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect(),
    }
}

fn nothing(_: &str) -> bool {
    false
}

const H: &[&str] = &["code", "parent_code", "name", "kind", "admin_level"];

fn orgs(rows: &[&[&str]]) -> Result<Vec<OrgRow>, Vec<RowError>> {
    validate_orgs(&table(H, rows), &nothing)
}

fn codes(rows: &[OrgRow]) -> Vec<&str> {
    rows.iter().map(|r| r.code.as_str()).collect()
}

/// Every error names a row and a column, and its code has a message.
fn assert_well_formed(errs: &[RowError]) {
    assert!(!errs.is_empty());
    for e in errs {
        assert!(e.row >= 1, "{e}");
        assert!(!e.column.is_empty(), "{e}");
        assert_ne!(describe_zh(e.code), e.code, "no zh message for {}", e.code);
        assert_ne!(describe_en(e.code), e.code, "no en message for {}", e.code);
        assert!(
            e.to_string()
                .starts_with(&format!("第{}行 {}: ", e.row, e.column))
        );
    }
}

fn find<'a>(errs: &'a [RowError], code: &str) -> Vec<&'a RowError> {
    errs.iter().filter(|e| e.code == code).collect()
}

#[test]
fn valid_file_with_every_column() {
    let t = table(
        &[
            "code",
            "parent_code",
            "name",
            "short_name",
            "name_en",
            "kind",
            "admin_level",
            "cma_level",
            "region",
            "contact_name",
            "contact_phone",
            "contact_email",
        ],
        &[
            &[
                "GD-LAB1",
                "GD",
                "广东某检测技术有限公司",
                "某检测",
                "GD Testing Co.",
                "lab",
                "",
                "省级资质认定",
                "",
                "张三",
                "020-12345678",
                "zhangsan@example.cn",
            ],
            &[
                "GD",
                "",
                "广东省市场监督管理局",
                "广东省局",
                "",
                "市场监管部门",
                "省级",
                "",
                "内地",
                "",
                "",
                "",
            ],
            &[
                "HK-LAB",
                "GD",
                "香港某实验所",
                "",
                "",
                "Inspection and testing body",
                "",
                "",
                "香港",
                "",
                "",
                "",
            ],
        ],
    );
    let rows = validate_orgs(&t, &nothing).unwrap();
    assert_eq!(codes(&rows), ["GD", "GD-LAB1", "HK-LAB"]);
    let gd = &rows[0];
    assert_eq!(gd.row, 3);
    assert_eq!(gd.parent_code, None);
    assert_eq!(gd.kind, OrgKind::Regulator);
    assert_eq!(gd.admin_level, Some(AdminLevel::Provincial));
    assert_eq!(gd.short_name.as_ref().unwrap().as_str(), "广东省局");
    assert_eq!(gd.region, Region::Mainland);
    assert!(gd.contact.is_empty());
    let lab = &rows[1];
    assert_eq!(lab.row, 2);
    assert_eq!(lab.parent_code.as_ref().unwrap().as_str(), "GD");
    assert_eq!(lab.cma_level, Some(CmaLevel::Provincial));
    assert_eq!(lab.admin_level, None);
    assert_eq!(lab.name_en.as_ref().unwrap().as_str(), "GD Testing Co.");
    assert_eq!(lab.contact.name.as_ref().unwrap().as_str(), "张三");
    assert_eq!(lab.contact.phone.as_ref().unwrap().as_str(), "020-12345678");
    assert_eq!(
        lab.contact.email.as_ref().unwrap().as_str(),
        "zhangsan@example.cn"
    );
    assert_eq!(rows[2].region, Region::HongKong);
    assert_eq!(rows[2].cma_level, None);
}

#[test]
fn chinese_headers_in_any_order_and_case() {
    let t = table(
        &[
            "名称",
            "类型",
            "编码",
            "行政级别",
            "上级编码",
            "电子邮箱",
            "联系电话",
        ],
        &[
            &[
                "深圳市市场监督管理局",
                "regulator",
                "GD-SZ",
                "地市级",
                "GD",
                "",
                "",
            ],
            &[
                "广东省市场监督管理局",
                "REGULATOR",
                "GD",
                "provincial",
                "",
                "a@b.cn",
                "020-1",
            ],
        ],
    );
    let rows = validate_orgs(&t, &nothing).unwrap();
    assert_eq!(codes(&rows), ["GD", "GD-SZ"]);
    assert_eq!(rows[1].admin_level, Some(AdminLevel::Municipal));

    let t = table(
        &[" CODE ", "Parent Code", "Name*", "Kind", "Admin_Level"],
        &[&["SAMR", "", "国家市场监督管理总局", "regulator", "national"]],
    );
    assert_eq!(codes(&validate_orgs(&t, &nothing).unwrap()), ["SAMR"]);
}

#[test]
fn missing_required_column_is_a_table_error() {
    let t = table(
        &["编码", "上级编码", "类型"],
        &[&["GD", "", "regulator"], &["x y", "", "nonsense"]],
    );
    let errs = validate_orgs(&t, &nothing).unwrap_err();
    assert_well_formed(&errs);
    // Only the header is reported: the rows cannot be read without their name column.
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].row, 1);
    assert_eq!(errs[0].column, "name");
    assert_eq!(errs[0].code, "missing_column");
    assert_eq!(errs[0].param("value"), Some("name / 名称"));

    let errs = validate_orgs(&table(&[], &[]), &nothing).unwrap_err();
    let missing: Vec<&str> = errs.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(missing, ["code", "name", "kind"]);
}

#[test]
fn unknown_and_duplicate_columns_are_table_errors() {
    let t = table(
        &[
            "code",
            "name",
            "kind",
            "admin_level",
            "contact_emial",
            "名称",
            "",
        ],
        &[&["SAMR", "总局", "regulator", "national", "", "总局", ""]],
    );
    let errs = validate_orgs(&t, &nothing).unwrap_err();
    assert_well_formed(&errs);
    let unknown = find(&errs, "unknown_column");
    assert_eq!(unknown.len(), 1);
    assert_eq!(
        (unknown[0].row, unknown[0].column.as_str()),
        (1, "contact_emial")
    );
    let dup = find(&errs, "duplicate_column");
    assert_eq!(dup.len(), 1);
    assert_eq!((dup[0].row, dup[0].column.as_str()), (1, "名称"));
    assert_eq!(dup[0].param("first"), Some("name"));
    // An empty trailing header with no data under it is not an error.
    assert_eq!(errs.len(), 2);
}

#[test]
fn cells_without_a_header_are_reported() {
    let t = table(
        &["code", "name", "kind", "admin_level", ""],
        &[
            &["SAMR", "总局", "regulator", "national", "stray"],
            &["GD", "广东", "regulator", "provincial", "", "", "more"],
        ],
    );
    let errs = validate_orgs(&t, &nothing).unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [(1, "E", "unnamed_column"), (3, "G", "unnamed_column")]
    );
}

#[test]
fn blank_rows_are_skipped_and_short_rows_read_as_empty() {
    let rows = orgs(&[
        &["SAMR", "", "国家市场监督管理总局", "regulator", "national"],
        &["", "", "", "", ""],
        &["  "],
        &["SAMR-BGT", "SAMR", "总局办公厅", "department"],
    ])
    .unwrap();
    assert_eq!(codes(&rows), ["SAMR", "SAMR-BGT"]);
    assert_eq!(rows[1].row, 5);
}

#[test]
fn duplicate_codes_name_both_rows() {
    let errs = orgs(&[
        &["SAMR", "", "总局", "regulator", "national"],
        &["GD", "SAMR", "广东省局", "regulator", "provincial"],
        &["GD", "SAMR", "广东省局（重复）", "regulator", "provincial"],
    ])
    .unwrap_err();
    assert_well_formed(&errs);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(
        (e.row, e.column.as_str(), e.code),
        (4, "code", "duplicate_code")
    );
    assert_eq!(e.param("value"), Some("GD"));
    assert_eq!(e.param("rows"), Some("3, 4"));
    assert_eq!(
        e.to_string(),
        "第4行 code: 编码在文件中重复 duplicate code in file (GD, rows=3, 4)"
    );
}

#[test]
fn codes_already_stored_are_refused() {
    let t = table(H, &[&["GD", "SAMR", "广东省局", "regulator", "provincial"]]);
    let stored = |c: &str| matches!(c, "SAMR" | "GD");
    let errs = validate_orgs(&t, &stored).unwrap_err();
    assert_well_formed(&errs);
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].row, errs[0].code), (2, "code_exists"));
    assert_eq!(errs[0].column, "code");
}

#[test]
fn parents_may_be_stored_or_in_the_file() {
    let t = table(
        H,
        &[
            &["GD-SZ-LAB", "GD-SZ", "深圳某检测公司", "lab", ""],
            &[
                "GD-SZ",
                "GD",
                "深圳市市场监督管理局",
                "regulator",
                "municipal",
            ],
        ],
    );
    let stored = |c: &str| c == "GD";
    let rows = validate_orgs(&t, &stored).unwrap();
    assert_eq!(codes(&rows), ["GD-SZ", "GD-SZ-LAB"]);
}

#[test]
fn unknown_parent_names_row_column_and_code() {
    let errs = orgs(&[
        &["GD", "", "广东", "regulator", "provincial"],
        &["GD-A", "GD-XX", "某机构", "association", ""],
    ])
    .unwrap_err();
    assert_well_formed(&errs);
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!(
        (e.row, e.column.as_str(), e.code),
        (3, "parent_code", "unknown_parent")
    );
    assert_eq!(
        e.to_string(),
        "第3行 parent_code: 上级编码不存在 unknown parent (GD-XX)"
    );
}

#[test]
fn self_parent_is_a_cycle() {
    let errs = orgs(&[&["A", "A", "甲", "association", ""]]).unwrap_err();
    assert_well_formed(&errs);
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].row, errs[0].code), (2, "cycle"));
    assert_eq!(errs[0].column, "parent_code");
    assert_eq!(errs[0].param("codes"), Some("A → A"));
}

#[test]
fn two_cycle_names_both_codes_on_both_rows() {
    let errs = orgs(&[
        &["ROOT", "", "根", "regulator", "national"],
        &["A", "B", "甲", "association", ""],
        &["B", "A", "乙", "association", ""],
    ])
    .unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str)> = errs
        .iter()
        .map(|e| (e.row, e.param("codes").unwrap()))
        .collect();
    assert_eq!(got, [(3, "A → B → A"), (4, "B → A → B")]);
    assert!(
        errs.iter()
            .all(|e| e.code == "cycle" && e.column == "parent_code")
    );
}

#[test]
fn three_cycle_and_rows_hanging_below_it() {
    let errs = orgs(&[
        &["D", "C", "丁", "association", ""],
        &["C", "B", "丙", "association", ""],
        &["B", "A", "乙", "association", ""],
        &["A", "C", "甲", "association", ""],
    ])
    .unwrap_err();
    assert_well_formed(&errs);
    // D hangs below the cycle but is not part of it.
    let got: Vec<(usize, &str)> = errs
        .iter()
        .map(|e| (e.row, e.param("codes").unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "C → B → A → C"),
            (4, "B → A → C → B"),
            (5, "A → C → B → A")
        ]
    );
}

#[test]
fn two_separate_cycles_are_both_reported() {
    let errs = orgs(&[
        &["A", "B", "甲", "association", ""],
        &["B", "A", "乙", "association", ""],
        &["C", "D", "丙", "association", ""],
        &["D", "C", "丁", "association", ""],
        &["E", "E", "戊", "association", ""],
    ])
    .unwrap_err();
    assert_eq!(find(&errs, "cycle").len(), 5);
}

#[test]
fn levels_follow_the_kind() {
    let errs = orgs(&[
        &["R", "", "某局", "regulator", ""],
        &["L", "R", "某实验室", "lab", "provincial"],
        &["X", "R", "某单位", "spaceship", ""],
        &["Y", "R", "某局", "regulator", "galactic"],
    ])
    .unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (2, "admin_level", "admin_level_required"),
            (3, "admin_level", "not_applicable"),
            (4, "kind", "unknown_value"),
            (5, "admin_level", "unknown_value"),
        ]
    );
    assert_eq!(errs[2].param("value"), Some("spaceship"));

    let t = table(
        &["code", "name", "kind", "cma_level", "region"],
        &[
            &["C", "某认证公司", "certification_body", "national", ""],
            &["L", "某实验室", "lab", "国家级资质认定", "火星"],
        ],
    );
    let errs = validate_orgs(&t, &nothing).unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (2, "cma_level", "not_applicable"),
            (3, "region", "unknown_value")
        ]
    );
}

#[test]
fn all_errors_are_collected_with_row_and_column() {
    let t = table(
        &[
            "编码",
            "上级编码",
            "名称",
            "类型",
            "行政级别",
            "联系电话",
            "电子邮箱",
        ],
        &[
            &["ok", "", "好的", "association", "", "020-1234", "a@b.cn"],
            &["坏码", "", "", "association", "", "abc", "not-an-email"],
            &["GD", "NOPE", "x\ny", "regulator", "", "", ""],
            &["ok", "", "重复", "company", "", "", ""],
        ],
    );
    let errs = validate_orgs(&t, &nothing).unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (3, "编码", "invalid_code"),
            (3, "名称", "required"),
            (3, "联系电话", "invalid_phone"),
            (3, "电子邮箱", "invalid_email"),
            (4, "名称", "single_line"),
            (4, "行政级别", "admin_level_required"),
            (4, "上级编码", "unknown_parent"),
            (5, "编码", "duplicate_code"),
        ]
    );
    assert_eq!(
        errs[6].to_string(),
        "第4行 上级编码: 上级编码不存在 unknown parent (NOPE)"
    );
}

#[test]
fn long_names_report_their_length() {
    let long = "认".repeat(ORG_NAME_MAX + 1);
    let errs = orgs(&[&["A", "", &long, "association", ""]]).unwrap_err();
    assert_eq!(errs[0].code, "too_long");
    assert_eq!(
        errs[0].to_string(),
        "第2行 name: 内容过长 too long (max=200, actual=201)"
    );
}

#[test]
fn deep_chain_listed_backwards_comes_out_parents_first() {
    let n = 60;
    let codes_: Vec<String> = (0..n).map(|i| format!("N{i}")).collect();
    let mut rows: Vec<Vec<String>> = (0..n)
        .map(|i| {
            vec![
                codes_[i].clone(),
                if i == 0 {
                    String::new()
                } else {
                    codes_[i - 1].clone()
                },
                format!("机构{i}"),
                "association".into(),
                String::new(),
            ]
        })
        .collect();
    rows.reverse();
    let t = Table {
        headers: H.iter().map(|s| s.to_string()).collect(),
        rows,
    };
    let out = validate_orgs(&t, &nothing).unwrap();
    let got: Vec<String> = out.iter().map(|r| r.code.to_string()).collect();
    assert_eq!(got, codes_);
    assert_eq!(out[0].row, n + 1);
}

proptest! {
    /// Any tree, listed in any order, validates and comes back parents first.
    #[test]
    fn any_shuffled_tree_is_ordered(
        (parents, order) in (1usize..40).prop_flat_map(|n| {
            let parents = (1..n).map(|i| 0..i).collect::<Vec<_>>();
            (parents, Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        })
    ) {
        let n = order.len();
        let parent = |i: usize| if i == 0 { None } else { Some(parents[i - 1]) };
        let rows: Vec<Vec<String>> = order
            .iter()
            .map(|&i| vec![
                format!("C{i}"),
                parent(i).map(|p| format!("C{p}")).unwrap_or_default(),
                format!("机构{i}"),
                "association".to_string(),
                String::new(),
            ])
            .collect();
        let t = Table { headers: H.iter().map(|s| s.to_string()).collect(), rows };
        let out = validate_orgs(&t, &nothing).unwrap();
        prop_assert_eq!(out.len(), n);
        let mut seen = HashSet::new();
        for r in &out {
            if let Some(p) = &r.parent_code {
                prop_assert!(seen.contains(p.as_str()), "{} before its parent {}", r.code, p);
            }
            seen.insert(r.code.as_str().to_owned());
            // The row number still points at the row in the file.
            prop_assert_eq!(&t.rows[r.row - 2][0], r.code.as_str());
        }
    }
}

const AH: &[&str] = &[
    "login",
    "display_name",
    "org_code",
    "role",
    "email",
    "phone",
    "password",
];

fn org_known(c: &str) -> bool {
    matches!(c, "SAMR" | "GD" | "GD-SZ")
}

#[test]
fn valid_accounts() {
    let t = table(
        AH,
        &[
            &[
                "GD.Organiser",
                "王五",
                "GD",
                "organiser",
                "w@example.cn",
                "",
                "renke-demo-2022",
            ],
            &[
                "sz.staff",
                "赵六",
                "GD-SZ",
                "工作人员",
                "",
                "0755-1234567",
                "another pass",
            ],
        ],
    );
    let rows = validate_accounts(&t, &org_known, &nothing).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].login.as_str(), "gd.organiser");
    assert_eq!(rows[0].role, Role::Organiser);
    assert_eq!(rows[0].org_code.as_str(), "GD");
    assert_eq!(rows[0].password.expose(), "renke-demo-2022");
    assert_eq!(rows[1].role, Role::Staff);
    assert_eq!(rows[1].row, 3);
    assert_eq!(rows[1].phone.as_ref().unwrap().as_str(), "0755-1234567");
}

#[test]
fn account_chinese_headers() {
    let t = table(
        &["角色", "初始密码", "机构编码", "姓名", "登录名"],
        &[&["查看者", "renke-demo-2022", "SAMR", "钱七", "samr.viewer"]],
    );
    let rows = validate_accounts(&t, &org_known, &nothing).unwrap();
    assert_eq!(rows[0].role, Role::Viewer);
}

#[test]
fn account_errors_name_row_and_column() {
    let t = table(
        AH,
        &[
            &["gd.staff", "甲", "GD", "staff", "", "", "renke-demo-2022"],
            &["GD.STAFF", "乙", "GD", "staff", "", "", "renke-demo-2022"],
            &["taken", "丙", "GD", "staff", "", "", "renke-demo-2022"],
            &["new.one", "丁", "GD-XX", "boss", "bad@", "电话", "12345678"],
            &["张三", "", "GD", "viewer", "", "", "qwzx"],
            &["ok.name", "戊", "GD", "viewer", "", "", ""],
        ],
    );
    let errs = validate_accounts(&t, &org_known, &|l| l == "taken").unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (3, "login", "duplicate_login"),
            (4, "login", "login_exists"),
            (5, "org_code", "unknown_org"),
            (5, "role", "unknown_value"),
            (5, "email", "invalid_email"),
            (5, "phone", "invalid_phone"),
            (5, "password", "password_only_digits"),
            (6, "login", "invalid_login"),
            (6, "display_name", "required"),
            (6, "password", "password_too_short"),
            (7, "password", "required"),
        ]
    );
    assert_eq!(errs[0].param("rows"), Some("2, 3"));
    // Passwords never appear in a report.
    for e in &errs {
        let text = e.to_string();
        assert!(
            !text.contains("12345678") && !text.contains("qwzx"),
            "{text}"
        );
    }
}

#[test]
fn account_missing_columns() {
    let t = table(&["login", "姓名", "role", "nickname"], &[]);
    let errs = validate_accounts(&t, &org_known, &nothing).unwrap_err();
    assert_well_formed(&errs);
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (1, "nickname", "unknown_column"),
            (1, "org_code", "missing_column"),
            (1, "password", "missing_column"),
        ]
    );
}

#[test]
fn messages_exist_for_every_code_once() {
    let mut seen = HashSet::new();
    for c in error_codes() {
        assert!(seen.insert(c), "{c} twice");
        assert_ne!(describe_zh(c), c);
        assert!(describe_en(c).is_ascii());
    }
    assert_eq!(describe_zh("no_such_code"), "no_such_code");
}

#[test]
fn column_letters() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(27), "AB");
    assert_eq!(column_letter(701), "ZZ");
    assert_eq!(column_letter(702), "AAA");
}

#[test]
fn rows_before_their_parent_move_just_after_it() {
    let rows = orgs(&[
        &["C", "B", "丙", "association", ""],
        &["A", "", "甲", "regulator", "national"],
        &["E", "", "戊", "regulator", "national"],
        &["B", "A", "乙", "association", ""],
        &["D", "A", "丁", "association", ""],
    ])
    .unwrap();
    assert_eq!(codes(&rows), ["A", "E", "B", "C", "D"]);
    assert_eq!(
        rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        [3, 4, 5, 2, 6]
    );
}
