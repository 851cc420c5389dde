use renke::config::Settings;

fn example() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/renke.example.toml"
    );
    std::fs::read_to_string(path).expect("config/renke.example.toml")
}

/// The example file parses into exactly the defaults, and names every setting.
#[test]
fn example_config_is_in_sync_with_settings() {
    let text = example();
    let parsed = Settings::from_toml(&text).expect("example parses");
    assert_eq!(parsed, Settings::default());

    // Every key of the struct appears in the file, set or (for optional ones) commented.
    let all = Settings {
        database_url: Some("sqlite://./renke-data/renke.db".into()),
        font_dir: Some("/usr/share/fonts".into()),
        ..Settings::default()
    };
    let table = toml::Table::try_from(&all).unwrap();
    let mut missing = Vec::new();
    for (key, value) in &table {
        match value {
            toml::Value::Table(section) => {
                assert!(
                    text.contains(&format!("[{key}]")),
                    "section [{key}] missing"
                );
                for k in section.keys() {
                    if !text
                        .lines()
                        .any(|l| l.trim_start().starts_with(&format!("{k} =")))
                    {
                        missing.push(format!("{key}.{k}"));
                    }
                }
            }
            _ => {
                if !text.lines().any(|l| {
                    let l = l.trim_start().trim_start_matches("# ");
                    l.starts_with(&format!("{key} ="))
                }) {
                    missing.push(key.clone());
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in renke.example.toml: {missing:?}");
}

#[test]
fn unknown_keys_in_a_config_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("renke.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:0\"\ndatabse_url = \"sqlite://x.db\"\n",
    )
    .unwrap();
    let out = crate::support::renke(
        &[
            "serve",
            "--config",
            file.to_str().unwrap(),
            "--data-dir",
            dir.path().join("d").to_str().unwrap(),
        ],
        None,
    );
    assert!(!out.status.success());
    let t = crate::support::text(&out);
    assert!(t.contains("databse_url"), "{t}");
    assert!(!dir.path().join("d").exists());
}

/// An unknown URL scheme is refused with a clear message, and nothing is created.
#[test]
fn unknown_database_scheme_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = crate::support::renke(
        &[
            "serve",
            "--database-url",
            "mysql://root:hunter2@db/renke",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        None,
    );
    assert!(!out.status.success());
    let t = crate::support::text(&out);
    assert!(t.contains("不支持的数据库地址"), "{t}");
    assert!(t.contains("sqlite://"), "{t}");
    assert!(!t.contains("hunter2"), "password leaked: {t}");
    assert!(!data.exists(), "data dir created");

    let plain = dir.path().join("renke.db");
    let out = crate::support::renke(
        &["migrate", "--database-url", plain.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(crate::support::text(&out).contains("不支持的数据库地址"));
    assert!(!plain.exists(), "a new empty file was created");

    let bak = dir.path().join("x.bak");
    let out = crate::support::renke(
        &[
            "backup",
            "--database-url",
            "mysql://h/d",
            "--to",
            bak.to_str().unwrap(),
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(!bak.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
