//! Exports of a task for its collector: the status workbook and the materials zip. The
//! cascade test in `tasks` calls [`cascade_exports`] at its end.

use crate::support::{PASSWORD, TestApp};
use calamine::{Reader, Xlsx};
use reqwest::Method;
use std::io::{Cursor, Read};

async fn fetch(app: &TestApp, login: &str, path: &str) -> (u16, String, Vec<u8>) {
    let c = app.login(login, PASSWORD).await;
    let r = c.request(Method::GET, path).send().await.unwrap();
    let status = r.status().as_u16();
    let disposition = r
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, disposition, r.bytes().await.unwrap().to_vec())
}

/// Guangdong's relay task after the cascade: 深圳 and 广州 accepted, 佛山 late and accepted,
/// 珠海 missing; and SAMR's task it relays, which Guangdong answered.
pub async fn cascade_exports(app: &TestApp, task: i64, relay_task: i64) {
    let l = app.label();
    let (status, disposition, bytes) =
        fetch(app, "gd.org", &format!("/tasks/{relay_task}/export.xlsx")).await;
    assert_eq!(status, 200, "{l}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][0], "单位 Unit", "{l}");
    assert_eq!(rows.len(), 5, "{l}: header and the four cities: {rows:?}");
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap().clone();
    assert_eq!(row("珠海市市场监督管理局")[4], "未报送");
    assert_eq!(
        row("佛山市市场监督管理局")[4],
        "已采纳",
        "{l}: the pages' word"
    );
    assert_eq!(row("佛山市市场监督管理局")[7], "是", "{l}: late");
    assert_eq!(row("广州市市场监督管理局")[8], "2", "{l}: two versions");
    assert!(
        matches!(
            sheet.get((1, 8)).or_else(|| sheet.get((2, 8))),
            Some(calamine::Data::Float(_))
        ),
        "{l}: versions are numbers"
    );
    assert_eq!(row("深圳市市场监督管理局")[2], "2022-06-20 23:59");

    let (status, _, bytes) = fetch(
        app,
        "gd.org",
        &format!("/api/v1/tasks/{relay_task}/materials.zip"),
    )
    .await;
    assert_eq!(status, 200, "{l}");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    let mut expected = vec![
        "佛山市市场监督管理局/报送内容.txt".to_owned(),
        "广州市市场监督管理局/报送内容.txt".to_owned(),
        "深圳市市场监督管理局/报送内容.txt".to_owned(),
    ];
    expected.sort();
    assert_eq!(
        names, expected,
        "{l}: a folder per unit that sent something"
    );
    let mut text = String::new();
    zip.by_name("广州市市场监督管理局/报送内容.txt")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("版本：2"), "{l}: the latest version: {text}");
    assert!(
        text.contains("广州市开展活动两场，宣传报道六篇。"),
        "{text}"
    );

    // SAMR's zip nests by level: Guangdong's own report, its cities' under it.
    let (status, _, bytes) = fetch(
        app,
        "cn.org",
        &format!("/api/v1/tasks/{task}/materials.zip"),
    )
    .await;
    assert_eq!(status, 200, "{l}");
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    let mut expected = vec![
        "广东省市场监督管理局/报送内容.txt".to_owned(),
        "广东省市场监督管理局/下级报送/佛山市市场监督管理局/报送内容.txt".to_owned(),
        "广东省市场监督管理局/下级报送/广州市市场监督管理局/报送内容.txt".to_owned(),
        "广东省市场监督管理局/下级报送/深圳市市场监督管理局/报送内容.txt".to_owned(),
    ];
    expected.sort();
    assert_eq!(names, expected, "{l}: province → its cities");

    // A city collects nothing here: no exports.
    let (status, _, _) = fetch(app, "sz.staff", &format!("/tasks/{relay_task}/export.xlsx")).await;
    assert_eq!(status, 403, "{l}");
    let (status, _, _) = fetch(
        app,
        "sz.staff",
        &format!("/api/v1/tasks/{relay_task}/materials.zip"),
    )
    .await;
    assert_eq!(status, 403, "{l}");
}
