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

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A key of every section, set by `RENKE_<SECTION>__<KEY>` over the file, read as its type;
/// top-level keys by `RENKE_<KEY>`.
#[test]
fn environment_reaches_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("renke.toml");
    std::fs::write(
        &file,
        "worker_poll_seconds = 7\n[web]\nsession_hours = 8\n[mail]\ntransport = \"off\"\n",
    )
    .unwrap();
    let s = Settings::load(
        Some(&file),
        vars(&[
            ("RENKE_WORKER_POLL_SECONDS", "9"),
            ("RENKE_FONT_DIR", "/usr/share/fonts"),
            ("RENKE_WEB__SESSION_HOURS", "24"),
            ("RENKE_WEB__TRUST_PROXY", "true"),
            ("RENKE_MAIL__TRANSPORT", "smtp"),
            (
                "RENKE_MAIL__SMTP_URL",
                "smtps://renke:pw@smtp.example.gov.cn:465",
            ),
            ("RENKE_TEST_POSTGRES_URL", "postgres://not-a-setting"),
        ]),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(s.worker_poll_seconds, 9);
    assert_eq!(
        s.font_dir.as_deref(),
        Some(std::path::Path::new("/usr/share/fonts"))
    );
    assert_eq!(s.web.session_hours, 24);
    assert!(s.web.trust_proxy);
    assert_eq!(s.mail.transport, "smtp");
    assert_eq!(
        s.mail.smtp_url.as_deref(),
        Some("smtps://renke:pw@smtp.example.gov.cn:465")
    );
}

#[test]
fn bad_and_unknown_environment_variables_are_refused() {
    let load = |pairs: &[(&str, &str)]| {
        Settings::load(None, vars(pairs), &Default::default())
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let e = load(&[("RENKE_WEB__MAX_BODY_BYTES", "20MB")]);
    assert!(
        e.contains("RENKE_WEB__MAX_BODY_BYTES") && e.contains("20MB"),
        "{e}"
    );
    let e = load(&[("RENKE_MAIL__SMTP_URLS", "smtp://x")]);
    assert!(e.contains("RENKE_MAIL__SMTP_URLS"), "{e}");
    let e = load(&[("RENKE_SMTP__URL", "smtp://x")]);
    assert!(e.contains("RENKE_SMTP__URL"), "{e}");

    // The server refuses to start, naming the variable, before creating anything.
    for (var, value) in [
        ("RENKE_MAIL__SMTP_UR", "smtp://x"),
        ("RENKE_WORKER_POLL_SECONDS", "soon"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_renke"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(&data)
            .env_remove("RENKE_DATABASE_URL")
            .env(var, value)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let t = crate::support::text(&out);
        assert!(t.contains(var), "{t}");
        assert!(!data.exists());
    }
}

/// `[server]`, `[database]` and `[metrics]` come from the file and the environment; values
/// that cannot work are refused naming the key.
#[test]
fn server_database_and_metrics_settings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("renke.toml");
    std::fs::write(
        &file,
        "[server]\nheader_read_timeout_seconds = 5\nmax_connections = 200\n\
         [database]\nsqlite_synchronous = \"normal\"\n",
    )
    .unwrap();
    let s = Settings::load(
        Some(&file),
        vars(&[
            ("RENKE_SERVER__KEEP_ALIVE_TIMEOUT_SECONDS", "30"),
            ("RENKE_METRICS__TOKEN", "a-long-enough-metrics-token"),
        ]),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(s.server.header_read_timeout_seconds, 5);
    assert_eq!(s.server.keep_alive_timeout_seconds, 30);
    assert_eq!(s.server.max_connections, 200);
    assert_eq!(
        s.database.sqlite_synchronous,
        renke_store::Synchronous::Normal
    );
    assert_eq!(
        s.metrics.token.as_deref(),
        Some("a-long-enough-metrics-token")
    );
    assert!(!format!("{s:?}").contains("a-long-enough"), "token logged");
    let d = Settings::default();
    assert_eq!(
        d.database.sqlite_synchronous,
        renke_store::Synchronous::Full
    );
    assert_eq!(d.server.header_read_timeout_seconds, 10);

    let refused = |toml: &str| format!("{:#}", Settings::from_toml(toml).unwrap_err());
    let e = refused("[database]\nsqlite_synchronous = \"fast\"\n");
    assert!(
        e.contains("sqlite_synchronous") && e.contains("\"full\""),
        "{e}"
    );
    let e = refused("[server]\nmax_connections = 0\n");
    assert!(e.contains("max_connections"), "{e}");
    let e = refused("[server]\nheader_read_timeout_seconds = 0\n");
    assert!(e.contains("header_read_timeout_seconds"), "{e}");
    let e = refused("[metrics]\ntoken = \"short\"\n");
    assert!(e.contains("[metrics] token"), "{e}");
    let e = Settings::load(
        None,
        vars(&[("RENKE_DATABASE__SQLITE_SYNCHRONOUS", "off")]),
        &Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("RENKE_DATABASE__SQLITE_SYNCHRONOUS") && e.contains("sqlite_synchronous"),
        "{e}"
    );
}

/// `renke serve` opens SQLite with `synchronous = FULL` (2) by default, `renke demo` with
/// NORMAL (1); the pooled readers and the writer alike.
#[tokio::test]
async fn sqlite_synchronous_reaches_the_connections() {
    let dir = tempfile::tempdir().unwrap();
    let (db, settings) = renke::serve::open(renke::serve::ServeArgs {
        config: None,
        database_url: None,
        listen: None,
        data_dir: Some(dir.path().join("serve")),
        no_worker: false,
    })
    .await
    .unwrap();
    assert_eq!(
        settings.database.sqlite_synchronous,
        renke_store::Synchronous::Full
    );
    assert_eq!(db.sqlite_synchronous().await.unwrap(), Some((2, 2)));
    db.close().await;

    let (db, settings) = renke::demo::open(&renke::demo::DemoArgs {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("demo"),
        clock: renke::demo::DEFAULT_CLOCK.into(),
        without_253: false,
        config: None,
    })
    .await
    .unwrap();
    assert_eq!(
        settings.database.sqlite_synchronous,
        renke_store::Synchronous::Normal
    );
    assert_eq!(db.sqlite_synchronous().await.unwrap(), Some((1, 1)));
    db.close().await;

    // A configuration file's choice reaches the connections too.
    let file = dir.path().join("renke.toml");
    std::fs::write(&file, "[database]\nsqlite_synchronous = \"normal\"\n").unwrap();
    let (db, _) = renke::serve::open(renke::serve::ServeArgs {
        config: Some(file),
        database_url: None,
        listen: None,
        data_dir: Some(dir.path().join("configured")),
        no_worker: false,
    })
    .await
    .unwrap();
    assert_eq!(db.sqlite_synchronous().await.unwrap(), Some((1, 1)));
    db.close().await;
}
