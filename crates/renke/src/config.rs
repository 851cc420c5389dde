//! Configuration: one typed [`Settings`] struct, built in layers — defaults, then a TOML
//! file (`--config FILE`), then `RENKE_…` environment variables, then command-line flags.
//!
//! Environment variables: `RENKE_DATABASE_URL`, `RENKE_DATA_DIR`, `RENKE_LISTEN`,
//! `RENKE_LOG`, `RENKE_FONT_DIR`, and `RENKE_WEB__<KEY>` for a key of the `[web]` section (two underscores
//! separate the section, e.g. `RENKE_WEB__PUBLIC_URL`, `RENKE_WEB__SESSION_HOURS`).
//! Unknown keys in the file and unknown `RENKE_WEB__…` variables are refused; other
//! `RENKE_…` variables (such as `RENKE_TEST_POSTGRES_URL`, read by the test suite) are left
//! alone. There is no global: the settings are passed to whatever needs them.

use anyhow::{Context, bail};
use renke_app::mail::MailConfig;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use renke_app::WebConfig;

/// Every setting of the server. `config/renke.example.toml` lists each with its default.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`. When unset:
    /// `sqlite://<data_dir>/renke.db`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Where Renke keeps its files (and the SQLite database by default).
    pub data_dir: PathBuf,
    /// Address and port the server listens on.
    pub listen: SocketAddr,
    /// Log filter in `tracing` syntax, e.g. `info` or `info,renke_web=debug`.
    pub log: String,
    /// Uploaded files; a relative path is under `data_dir`.
    pub files_dir: PathBuf,
    /// Seconds between two passes of the job worker (e-mail, reminders).
    pub worker_poll_seconds: u64,
    /// Extra fonts for PDFs, e.g. `/usr/share/fonts`: searched when the bundled Noto CJK
    /// subset lacks a character, and used first for the official families (仿宋_GB2312,
    /// 黑体, 楷体, 小标宋) when present. When unset: the bundled fonts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_dir: Option<PathBuf>,
    pub web: WebConfig,
    pub mail: MailConfig,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: None,
            data_dir: PathBuf::from("./renke-data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log: "info".to_owned(),
            files_dir: PathBuf::from("files"),
            worker_poll_seconds: 5,
            font_dir: None,
            web: WebConfig::default(),
            mail: MailConfig::default(),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("log", &self.log)
            .field("files_dir", &self.files_dir)
            .field("worker_poll_seconds", &self.worker_poll_seconds)
            .field("font_dir", &self.font_dir)
            .field("web", &self.web)
            .field("mail", &redacted_mail(&self.mail))
            .finish()
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
}

impl Settings {
    /// Builds the settings: defaults → `file` → `env` (`RENKE_…` pairs) → `flags`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        flags: &Overrides,
    ) -> anyhow::Result<Settings> {
        let mut s = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!(
                        "无法读取配置文件 cannot read the configuration file {}",
                        path.display()
                    )
                })?;
                Settings::from_toml(&text).with_context(|| {
                    format!("配置文件有误 invalid configuration file {}", path.display())
                })?
            }
            None => Settings::default(),
        };
        s.apply_env(env)?;
        s.apply(flags);
        Ok(s)
    }

    /// Parses a configuration file; missing keys keep their defaults, unknown keys are refused.
    pub fn from_toml(text: &str) -> anyhow::Result<Settings> {
        Ok(toml::from_str(text)?)
    }

    /// Applies `RENKE_…` environment variables.
    pub fn apply_env(
        &mut self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<()> {
        let mut web_changes = Vec::new();
        for (key, value) in env {
            let Some(name) = key.strip_prefix("RENKE_") else {
                continue;
            };
            match name {
                "DATABASE_URL" => self.database_url = Some(value),
                "DATA_DIR" => self.data_dir = PathBuf::from(value),
                "LISTEN" => {
                    self.listen = value.parse().with_context(|| {
                        format!("RENKE_LISTEN 不是有效的地址 is not an address:port: {value:?}")
                    })?
                }
                "LOG" => self.log = value,
                "FONT_DIR" => {
                    self.font_dir = (!value.trim().is_empty()).then(|| PathBuf::from(value))
                }
                _ => {
                    if let Some(field) = name.strip_prefix("WEB__") {
                        web_changes.push((key.clone(), field.to_ascii_lowercase(), value));
                    }
                }
            }
        }
        if !web_changes.is_empty() {
            let mut table = toml::Table::try_from(&self.web)?;
            for (var, field, value) in web_changes {
                let Some(current) = table.get(&field) else {
                    bail!("未知的环境变量 unknown setting {var}");
                };
                let typed = match current {
                    toml::Value::String(_) => toml::Value::String(value),
                    toml::Value::Integer(_) => {
                        toml::Value::Integer(value.trim().parse().with_context(|| {
                            format!("{var} 应为整数 must be an integer: {value:?}")
                        })?)
                    }
                    toml::Value::Boolean(_) => {
                        toml::Value::Boolean(value.trim().parse().with_context(|| {
                            format!("{var} 应为 true 或 false must be true or false: {value:?}")
                        })?)
                    }
                    _ => bail!("{var}: 不支持通过环境变量设置 cannot be set from the environment"),
                };
                table.insert(field, typed);
            }
            self.web = toml::Value::Table(table).try_into()?;
        }
        Ok(())
    }

    /// Applies command-line flags.
    pub fn apply(&mut self, flags: &Overrides) {
        if let Some(u) = &flags.database_url {
            self.database_url = Some(u.clone());
        }
        if let Some(d) = &flags.data_dir {
            self.data_dir = d.clone();
        }
        if let Some(l) = flags.listen {
            self.listen = l;
        }
    }

    /// The directory uploaded files are kept in.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join(&self.files_dir)
    }

    /// The database URL in effect: the configured one, or SQLite inside the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => sqlite_url(&self.data_dir.join("renke.db")),
        }
    }
}

fn redacted_mail(m: &MailConfig) -> MailConfig {
    MailConfig {
        smtp_url: m.smtp_url.as_deref().map(redact_url),
        ..m.clone()
    }
}

/// `sqlite://PATH` for a file path.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The URL with its password replaced by `***`, for logs and `Debug`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order() {
        let file =
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/renke\"\n[web]\nsession_hours = 8\n";
        let mut s = Settings::from_toml(file).unwrap();
        assert_eq!(s.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(s.database_url(), "sqlite:///srv/renke/renke.db");
        s.apply_env(env(&[
            ("RENKE_LISTEN", "0.0.0.0:9100"),
            ("RENKE_WEB__PUBLIC_URL", "https://renke.example.org"),
            ("RENKE_WEB__TRUST_PROXY", "true"),
            ("RENKE_TEST_POSTGRES_URL", "postgres://ignored"),
            ("PATH", "/bin"),
        ]))
        .unwrap();
        assert_eq!(s.listen.to_string(), "0.0.0.0:9100");
        assert_eq!(s.web.public_url, "https://renke.example.org");
        assert!(s.web.trust_proxy);
        assert_eq!(s.web.session_hours, 8);
        s.apply(&Overrides {
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            database_url: Some("postgres://renke:secret@db/renke".into()),
            data_dir: None,
        });
        assert_eq!(s.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(s.database_url(), "postgres://renke:secret@db/renke");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(Settings::from_toml("listne = \"x\"").is_err());
        assert!(Settings::from_toml("[web]\npublic_ur = \"x\"").is_err());
        let mut s = Settings::default();
        let e = s
            .apply_env(env(&[("RENKE_WEB__PUBLIC_UR", "x")]))
            .unwrap_err();
        assert!(e.to_string().contains("RENKE_WEB__PUBLIC_UR"), "{e}");
        assert!(
            s.apply_env(env(&[("RENKE_WEB__SESSION_HOURS", "many")]))
                .is_err()
        );
    }

    #[test]
    fn password_is_redacted_in_debug() {
        let s = Settings {
            database_url: Some("postgres://renke:s3cret@db:5432/renke?sslmode=require".into()),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://renke:***@db:5432/renke"),
            "{shown}"
        );
        assert_eq!(
            redact_url("sqlite://./a@b/renke.db"),
            "sqlite://./a@b/renke.db"
        );
    }
}
