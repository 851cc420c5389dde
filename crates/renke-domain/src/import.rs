//! Validation of bulk imports of organisations and accounts (`renke import orgs|accounts FILE`).
//!
//! Pure: the reader (`renke_render::table`) turns an xlsx or CSV file into a [`Table`], the
//! functions here check every cell and every relation between rows and either return the
//! rows ready to be written in one transaction, or every problem found, each naming the
//! spreadsheet row (the header is row 1, the first data row is row 2) and the column.

use crate::FieldError;
use crate::account::{Login, NewPassword};
use crate::contact::{self, NAME_MAX};
use crate::org::{AdminLevel, CmaLevel, OrgCode, OrgKind, Region};
use crate::perm::Role;
use crate::text::Line;
use std::collections::{HashMap, HashSet};
use std::fmt;

pub use crate::contact::Contact;

/// Longest organisation name, short name and English name, in characters.
pub const ORG_NAME_MAX: usize = 200;
pub const ORG_SHORT_NAME_MAX: usize = 50;
/// Longest display name of an account, in characters.
pub const DISPLAY_NAME_MAX: usize = 50;

/// A sheet as read from a file: the header row and the data rows below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Data rows, without the header. `rows[0]` is spreadsheet row 2.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The spreadsheet row number of `rows[index]`.
    pub fn row_number(index: usize) -> usize {
        index + 2
    }
}

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Spreadsheet row number: 1 is the header, 2 the first data row.
    pub row: usize,
    /// The column as its header is written in the file, or the canonical column name when
    /// the column is missing, or the column letter (`M`) for a cell under no header.
    pub column: String,
    /// Stable code; [`describe_zh`] and [`describe_en`] give its text.
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl RowError {
    pub fn new(row: usize, column: impl Into<String>, code: &'static str) -> Self {
        Self {
            row,
            column: column.into(),
            code,
            params: Vec::new(),
        }
    }

    pub fn with(mut self, key: &'static str, value: impl ToString) -> Self {
        self.params.push((key, value.to_string()));
        self
    }

    /// A cell's field error at `row`; the error's field is the column.
    pub fn from_field(row: usize, e: FieldError) -> Self {
        Self {
            row,
            column: e.field,
            code: e.code,
            params: e.params,
        }
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters as shown to people: `GD-XX` for a value or the codes of a cycle,
    /// `max=200, actual=230` otherwise.
    pub fn params_text(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| match *k {
                "value" | "codes" => v.clone(),
                _ => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `第3行 parent_code: 上级编码不存在 unknown parent (GD-XX)`
impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "第{}行 {}: {} {}",
            self.row,
            self.column,
            describe_zh(self.code),
            describe_en(self.code)
        )?;
        if !self.params.is_empty() {
            write!(f, " ({})", self.params_text())?;
        }
        Ok(())
    }
}

impl std::error::Error for RowError {}

/// Every code an import can report, with its Chinese and English text.
const MESSAGES: &[(&str, &str, &str)] = &[
    ("missing_column", "缺少必填列", "missing required column"),
    ("unknown_column", "无法识别的列", "unknown column"),
    ("duplicate_column", "列重复", "duplicate column"),
    ("unnamed_column", "该列没有列名", "column has no header"),
    ("required", "必填项为空", "value is required"),
    ("too_long", "内容过长", "too long"),
    ("single_line", "不能包含换行", "must be a single line"),
    (
        "invalid_code",
        "编码只能包含英文字母、数字和 - _ .",
        "code may only contain ASCII letters, digits, - _ .",
    ),
    ("unknown_value", "无法识别的取值", "unknown value"),
    (
        "duplicate_code",
        "编码在文件中重复",
        "duplicate code in file",
    ),
    ("code_exists", "编码已存在", "code already exists"),
    ("unknown_parent", "上级编码不存在", "unknown parent"),
    ("cycle", "上级关系形成循环", "parent chain forms a cycle"),
    (
        "admin_level_required",
        "市场监管部门必须填写行政级别",
        "regulators need an administrative level",
    ),
    (
        "not_applicable",
        "该类型的机构不应填写此项",
        "must be empty for this kind of organisation",
    ),
    (
        "invalid_email",
        "电子邮箱格式不正确",
        "invalid e-mail address",
    ),
    (
        "invalid_phone",
        "联系电话格式不正确",
        "invalid phone number",
    ),
    (
        "invalid_login",
        "登录名只能包含英文字母、数字和 . _ - @",
        "login may only contain ASCII letters, digits, . _ - @",
    ),
    (
        "length_out_of_range",
        "长度不符合要求",
        "length out of range",
    ),
    (
        "duplicate_login",
        "登录名在文件中重复",
        "duplicate login in file",
    ),
    ("login_exists", "登录名已存在", "login already exists"),
    ("unknown_org", "机构编码不存在", "unknown organisation code"),
    ("password_too_short", "密码太短", "password too short"),
    (
        "password_only_digits",
        "密码不能全是数字",
        "password must not be only digits",
    ),
];

/// Chinese text of an error code (the code itself for one this module does not know).
pub fn describe_zh(code: &str) -> &str {
    MESSAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, zh, _)| zh)
}

/// English text of an error code (the code itself for one this module does not know).
pub fn describe_en(code: &str) -> &str {
    MESSAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, _, en)| en)
}

/// The codes [`describe_zh`] knows.
pub fn error_codes() -> impl Iterator<Item = &'static str> {
    MESSAGES.iter().map(|(c, _, _)| *c)
}

/// One accepted column: its canonical name, its Chinese name, other accepted spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(
    key: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> Column {
    Column {
        key,
        zh,
        aliases,
        required,
    }
}

/// Columns of an organisation import, in the order of the template.
pub const ORG_COLUMNS: &[Column] = &[
    col("code", "编码", &["机构编码"], true),
    col("parent_code", "上级编码", &["上级机构编码"], false),
    col("name", "名称", &["机构名称"], true),
    col("short_name", "简称", &[], false),
    col("name_en", "英文名称", &[], false),
    col("kind", "类型", &["机构类型"], true),
    col("admin_level", "行政级别", &[], false),
    col("cma_level", "资质认定级别", &[], false),
    col("region", "地区", &[], false),
    col("contact_name", "联系人", &[], false),
    col("contact_phone", "联系电话", &["电话"], false),
    col("contact_email", "电子邮箱", &["邮箱"], false),
];

/// Columns of an account import, in the order of the template.
pub const ACCOUNT_COLUMNS: &[Column] = &[
    col("login", "登录名", &["用户名"], true),
    col("display_name", "姓名", &[], true),
    col("org_code", "机构编码", &[], true),
    col("role", "角色", &[], true),
    col("email", "电子邮箱", &["邮箱"], false),
    col("phone", "联系电话", &["电话", "手机"], false),
    col("password", "初始密码", &["密码"], true),
];

/// Spreadsheet letters of a zero-based column index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['*', '＊'])
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

fn match_column(spec: &'static [Column], header: &str) -> Option<&'static Column> {
    let h = normalise_header(header);
    spec.iter()
        .find(|c| h == c.key || h == c.zh || c.aliases.contains(&h.as_str()))
}

/// Where each known column sits in the file.
struct Columns {
    /// canonical key → (index, header as written)
    found: HashMap<&'static str, (usize, String)>,
    width: usize,
}

impl Columns {
    /// Maps the header row. Returns the mapping, the table-level errors (all on row 1), and
    /// whether a required column is missing (then the rows cannot be read meaningfully).
    fn map(table: &Table, spec: &'static [Column]) -> (Columns, Vec<RowError>, bool) {
        let mut found: HashMap<&'static str, (usize, String)> = HashMap::new();
        let mut errs = Vec::new();
        for (i, raw) in table.headers.iter().enumerate() {
            let header = raw.trim().trim_start_matches('\u{feff}').trim();
            if header.is_empty() {
                let used = table
                    .rows
                    .iter()
                    .any(|r| r.get(i).is_some_and(|c| !c.trim().is_empty()));
                if used {
                    errs.push(RowError::new(1, column_letter(i), "unnamed_column"));
                }
                continue;
            }
            match match_column(spec, header) {
                Some(c) => {
                    if let Some((_, first)) = found.get(c.key) {
                        errs.push(
                            RowError::new(1, header, "duplicate_column")
                                .with("first", first.clone()),
                        );
                    } else {
                        found.insert(c.key, (i, header.to_owned()));
                    }
                }
                None => errs.push(RowError::new(1, header, "unknown_column").with(
                    "accepted",
                    spec.iter().map(|c| c.key).collect::<Vec<_>>().join(" "),
                )),
            }
        }
        let mut missing = false;
        for c in spec.iter().filter(|c| c.required) {
            if !found.contains_key(c.key) {
                missing = true;
                errs.push(
                    RowError::new(1, c.key, "missing_column")
                        .with("value", format!("{} / {}", c.key, c.zh)),
                );
            }
        }
        let cols = Columns {
            found,
            width: table.headers.len(),
        };
        (cols, errs, missing)
    }

    /// The column's header as written (its key when absent) and the cell's trimmed text
    /// (empty when the column is absent or the row is short).
    fn cell<'a>(&'a self, row: &'a [String], key: &'static str) -> (&'a str, &'a str) {
        match self.found.get(key) {
            Some((i, header)) => (header.as_str(), row.get(*i).map(|s| s.trim()).unwrap_or("")),
            None => (key, ""),
        }
    }

    /// Errors for non-empty cells to the right of the last header.
    fn extra_cells(&self, row_no: usize, row: &[String], errs: &mut Vec<RowError>) {
        for (i, c) in row.iter().enumerate().skip(self.width) {
            if !c.trim().is_empty() {
                errs.push(RowError::new(row_no, column_letter(i), "unnamed_column"));
            }
        }
    }
}

fn is_blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

/// Records the error of a cell, if any, and keeps the value.
fn take<T>(errs: &mut Vec<RowError>, row: usize, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errs.push(RowError::from_field(row, e))).ok()
}

fn opt_code(field: &str, raw: &str) -> Result<Option<OrgCode>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        OrgCode::parse(field, raw).map(Some)
    }
}

fn opt_enum<T>(
    raw: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// A valid organisation row, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    /// Spreadsheet row number it came from.
    pub row: usize,
    pub code: OrgCode,
    /// `None` for a root.
    pub parent_code: Option<OrgCode>,
    pub name: Line,
    pub short_name: Option<Line>,
    pub name_en: Option<Line>,
    pub kind: OrgKind,
    /// Present exactly for regulators.
    pub admin_level: Option<AdminLevel>,
    /// Only for labs.
    pub cma_level: Option<CmaLevel>,
    pub region: Region,
    pub contact: Contact,
}

/// The identity part of an organisation row, read even when other cells are bad, so that
/// duplicates, unknown parents and cycles are reported together with cell errors.
struct Link {
    row: usize,
    code: Option<OrgCode>,
    parent: Option<OrgCode>,
    code_col: String,
    parent_col: String,
}

/// Validates an organisation import. `existing(code)` says whether an organisation with
/// that code is already stored.
///
/// On success the rows come back so that every parent precedes its children; a file
/// already in that order keeps it. On failure every problem found is returned, in row order.
pub fn validate_orgs(
    table: &Table,
    existing: &dyn Fn(&str) -> bool,
) -> Result<Vec<OrgRow>, Vec<RowError>> {
    let (cols, mut errs, missing) = Columns::map(table, ORG_COLUMNS);
    if missing {
        return Err(errs);
    }
    let mut rows = Vec::new();
    let mut links = Vec::new();
    for (i, r) in table.rows.iter().enumerate() {
        let n = Table::row_number(i);
        if is_blank(r) {
            continue;
        }
        cols.extra_cells(n, r, &mut errs);
        let cell = |key| cols.cell(r, key);
        let e = &mut errs;

        let (code_col, v) = cell("code");
        let code = take(e, n, OrgCode::parse(code_col, v));
        let (parent_col, v) = cell("parent_code");
        let parent = take(e, n, opt_code(parent_col, v));
        let (c, v) = cell("name");
        let name = take(e, n, Line::parse(c, v, ORG_NAME_MAX));
        let (c, v) = cell("short_name");
        let short_name = take(e, n, Line::parse_opt(c, v, ORG_SHORT_NAME_MAX));
        let (c, v) = cell("name_en");
        let name_en = take(e, n, Line::parse_opt(c, v, ORG_NAME_MAX));
        let (c, v) = cell("kind");
        let kind = take(e, n, OrgKind::parse(c, v));

        let (c, v) = cell("admin_level");
        let admin_level = match (kind, opt_enum(v, |s| AdminLevel::parse(c, s))) {
            (_, Err(err)) => {
                e.push(RowError::from_field(n, err));
                None
            }
            (Some(OrgKind::Regulator), Ok(None)) => {
                e.push(RowError::new(n, c, "admin_level_required"));
                None
            }
            (Some(k), Ok(Some(_))) if k != OrgKind::Regulator => {
                e.push(RowError::new(n, c, "not_applicable").with("kind", k.as_str()));
                None
            }
            (_, Ok(level)) => Some(level),
        };
        let (c, v) = cell("cma_level");
        let cma_level = match (kind, opt_enum(v, |s| CmaLevel::parse(c, s))) {
            (_, Err(err)) => {
                e.push(RowError::from_field(n, err));
                None
            }
            (Some(k), Ok(Some(_))) if k != OrgKind::Lab => {
                e.push(RowError::new(n, c, "not_applicable").with("kind", k.as_str()));
                None
            }
            (_, Ok(level)) => Some(level),
        };
        let (c, v) = cell("region");
        let region = take(
            e,
            n,
            opt_enum(v, |s| Region::parse(c, s)).map(|r| r.unwrap_or(Region::Mainland)),
        );
        let (c, v) = cell("contact_name");
        let contact_name = take(e, n, Line::parse_opt(c, v, NAME_MAX));
        let (c, v) = cell("contact_phone");
        let phone = take(e, n, contact::parse_phone(c, v));
        let (c, v) = cell("contact_email");
        let email = take(e, n, contact::parse_email(c, v));

        links.push(Link {
            row: n,
            code: code.clone(),
            parent: parent.clone().flatten(),
            code_col: code_col.to_owned(),
            parent_col: parent_col.to_owned(),
        });
        if let (
            Some(code),
            Some(parent_code),
            Some(name),
            Some(short_name),
            Some(name_en),
            Some(kind),
            Some(admin_level),
            Some(cma_level),
            Some(region),
            Some(name_c),
            Some(phone),
            Some(email),
        ) = (
            code,
            parent,
            name,
            short_name,
            name_en,
            kind,
            admin_level,
            cma_level,
            region,
            contact_name,
            phone,
            email,
        ) {
            rows.push(OrgRow {
                row: n,
                code,
                parent_code,
                name,
                short_name,
                name_en,
                kind,
                admin_level,
                cma_level,
                region,
                contact: Contact {
                    name: name_c,
                    phone,
                    email,
                },
            });
        }
    }

    check_links(&links, existing, &mut errs);

    if errs.is_empty() {
        Ok(topological(rows))
    } else {
        errs.sort_by_key(|e| e.row);
        Err(errs)
    }
}

/// Duplicate and existing codes, unknown parents and cycles.
fn check_links(links: &[Link], existing: &dyn Fn(&str) -> bool, errs: &mut Vec<RowError>) {
    // First row of each code in the file.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for l in links {
        let Some(code) = &l.code else { continue };
        if let Some(&row) = first.get(code.as_str()) {
            errs.push(
                RowError::new(l.row, &l.code_col, "duplicate_code")
                    .with("value", code)
                    .with("rows", format!("{row}, {}", l.row)),
            );
        } else {
            first.insert(code.as_str(), l.row);
            if existing(code.as_str()) {
                errs.push(RowError::new(l.row, &l.code_col, "code_exists").with("value", code));
            }
        }
    }

    // Parent of each code (first occurrence only), limited to parents inside the file.
    let mut parent_of: HashMap<&str, &str> = HashMap::new();
    let mut row_of: HashMap<&str, (usize, &str)> = HashMap::new();
    for l in links {
        let (Some(code), Some(parent)) = (&l.code, &l.parent) else {
            continue;
        };
        if code == parent {
            errs.push(
                RowError::new(l.row, &l.parent_col, "cycle")
                    .with("codes", format!("{code} → {code}")),
            );
        } else if !first.contains_key(parent.as_str()) {
            if !existing(parent.as_str()) {
                errs.push(
                    RowError::new(l.row, &l.parent_col, "unknown_parent").with("value", parent),
                );
            }
        } else if first.get(code.as_str()) == Some(&l.row) {
            parent_of.insert(code.as_str(), parent.as_str());
            row_of.insert(code.as_str(), (l.row, l.parent_col.as_str()));
        }
    }

    // Walk up from every code; a walk that meets its own trail has found a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        OnTrail,
        Done,
    }
    let mut state: HashMap<&str, State> = HashMap::new();
    let mut starts: Vec<&str> = parent_of.keys().copied().collect();
    starts.sort_by_key(|c| row_of.get(c).map(|r| r.0));
    for start in starts {
        let mut trail: Vec<&str> = Vec::new();
        let mut cur = Some(start);
        while let Some(c) = cur {
            match state.get(c) {
                Some(State::Done) => break,
                Some(State::OnTrail) => {
                    let from = trail.iter().position(|t| *t == c).unwrap_or(0);
                    let cycle = &trail[from..];
                    for (k, member) in cycle.iter().enumerate() {
                        let mut names: Vec<&str> = cycle[k..].to_vec();
                        names.extend_from_slice(&cycle[..k]);
                        names.push(member);
                        if let Some((row, col)) = row_of.get(member) {
                            errs.push(
                                RowError::new(*row, *col, "cycle").with("codes", names.join(" → ")),
                            );
                        }
                    }
                    break;
                }
                None => {
                    state.insert(c, State::OnTrail);
                    trail.push(c);
                    cur = parent_of.get(c).copied();
                }
            }
        }
        for t in trail {
            state.insert(t, State::Done);
        }
    }
}

/// Orders rows so that every parent in the file precedes its children. A file already in
/// that order keeps it; a row listed before its parent moves to just after it (its own
/// early children follow it). The rows must be free of cycles and duplicates.
fn topological(rows: Vec<OrgRow>) -> Vec<OrgRow> {
    let in_file: HashSet<String> = rows.iter().map(|r| r.code.as_str().to_owned()).collect();
    let mut waiting: HashMap<String, Vec<OrgRow>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut emitted: HashSet<String> = HashSet::new();
    for row in rows {
        let parent = row.parent_code.as_ref().map(|p| p.as_str().to_owned());
        match parent {
            Some(p) if in_file.contains(&p) && !emitted.contains(&p) => {
                waiting.entry(p).or_default().push(row);
            }
            _ => {
                // Emit the row, then everything that was waiting for it, depth first.
                let mut stack = vec![row];
                while let Some(r) = stack.pop() {
                    let code = r.code.as_str().to_owned();
                    out.push(r);
                    if let Some(mut kids) = waiting.remove(&code) {
                        kids.reverse();
                        stack.extend(kids);
                    }
                    emitted.insert(code);
                }
            }
        }
    }
    out
}

/// A valid account row, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub row: usize,
    pub login: Login,
    pub display_name: Line,
    pub org_code: OrgCode,
    pub role: Role,
    pub email: Option<Line>,
    pub phone: Option<Line>,
    pub password: NewPassword,
}

/// Validates an account import. `org_exists(code)` says whether an organisation with that
/// code is stored; `login_exists(login)` whether the (lower-case) login is taken.
pub fn validate_accounts(
    table: &Table,
    org_exists: &dyn Fn(&str) -> bool,
    login_exists: &dyn Fn(&str) -> bool,
) -> Result<Vec<AccountRow>, Vec<RowError>> {
    let (cols, mut errs, missing) = Columns::map(table, ACCOUNT_COLUMNS);
    if missing {
        return Err(errs);
    }
    let mut rows = Vec::new();
    let mut first_login: HashMap<String, usize> = HashMap::new();
    for (i, r) in table.rows.iter().enumerate() {
        let n = Table::row_number(i);
        if is_blank(r) {
            continue;
        }
        cols.extra_cells(n, r, &mut errs);
        let cell = |key| cols.cell(r, key);
        let e = &mut errs;

        let (c, v) = cell("login");
        let mut login = take(e, n, Login::parse(c, v));
        if let Some(l) = &login {
            if let Some(&row) = first_login.get(l.as_str()) {
                e.push(
                    RowError::new(n, c, "duplicate_login")
                        .with("value", l)
                        .with("rows", format!("{row}, {n}")),
                );
                login = None;
            } else {
                first_login.insert(l.as_str().to_owned(), n);
                if login_exists(l.as_str()) {
                    e.push(RowError::new(n, c, "login_exists").with("value", l));
                    login = None;
                }
            }
        }
        let (c, v) = cell("display_name");
        let display_name = take(e, n, Line::parse(c, v, DISPLAY_NAME_MAX));
        let (c, v) = cell("org_code");
        let mut org_code = take(e, n, OrgCode::parse(c, v));
        if let Some(code) = &org_code
            && !org_exists(code.as_str())
        {
            e.push(RowError::new(n, c, "unknown_org").with("value", code));
            org_code = None;
        }
        let (c, v) = cell("role");
        let role = take(e, n, Role::parse(c, v));
        let (c, v) = cell("email");
        let email = take(e, n, contact::parse_email(c, v));
        let (c, v) = cell("phone");
        let phone = take(e, n, contact::parse_phone(c, v));
        // The password is not trimmed: spaces may be part of it. Its value never appears
        // in an error.
        let password = match cols.found.get("password") {
            Some((idx, header)) => match r.get(*idx).map(String::as_str).unwrap_or("") {
                "" => {
                    e.push(RowError::new(n, header, "required"));
                    None
                }
                raw => take(e, n, NewPassword::parse(header, raw)),
            },
            None => None,
        };

        if let (
            Some(login),
            Some(display_name),
            Some(org_code),
            Some(role),
            Some(email),
            Some(phone),
            Some(password),
        ) = (login, display_name, org_code, role, email, phone, password)
        {
            rows.push(AccountRow {
                row: n,
                login,
                display_name,
                org_code,
                role,
                email,
                phone,
                password,
            });
        }
    }
    if errs.is_empty() {
        Ok(rows)
    } else {
        errs.sort_by_key(|e| e.row);
        Err(errs)
    }
}

#[cfg(test)]
mod tests;
