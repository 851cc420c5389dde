//! Configuration: one typed [`Settings`] struct, built in layers — defaults, then a TOML
//! file (`--config FILE`), then `RENKE_…` environment variables, then command-line flags.
//!
//! Environment variables: `RENKE_<KEY>` for a top-level key (`RENKE_DATABASE_URL`,
//! `RENKE_DATA_DIR`, `RENKE_LISTEN`, `RENKE_LOG`, `RENKE_FILES_DIR`,
//! `RENKE_WORKER_POLL_SECONDS`, `RENKE_FONT_DIR`) and `RENKE_<SECTION>__<KEY>` for a key of
//! a section — two underscores separate the section, e.g. `RENKE_WEB__PUBLIC_URL`,
//! `RENKE_MAIL__SMTP_URL` (see [`Settings::apply_env`]). Unknown keys in the file and unknown
//! `RENKE_<SECTION>__…` variables are refused; other `RENKE_…` variables (such as
//! `RENKE_TEST_POSTGRES_URL`, read by the test suite) are left alone. There is no global: the
//! settings are passed to whatever needs them.

use anyhow::{Context, bail};
use renke_app::auth::AuthConfig;
use renke_app::files::FilesConfig;
use renke_app::mail::MailConfig;
use renke_app::oidc::OidcConfig;
use renke_store::Synchronous;
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
    /// Log lines as `text` (for a terminal) or `json` (one object a line, for a log
    /// collector); each line of a request names its request id.
    pub log_format: LogFormat,
    /// Uploaded files; a relative path is under `data_dir`.
    pub files_dir: PathBuf,
    /// Seconds between two passes of the job worker (e-mail, reminders).
    pub worker_poll_seconds: u64,
    /// Whether `renke serve` also runs the job worker. Switch it off on web servers when
    /// `renke worker` processes run the jobs (`renke serve --no-worker` does the same).
    pub run_worker: bool,
    /// Extra fonts for PDFs, e.g. `/usr/share/fonts`: searched when the bundled Noto CJK
    /// subset lacks a character, and used first for the official families (仿宋_GB2312,
    /// 黑体, 楷体, 小标宋) when present. When unset: the bundled fonts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_dir: Option<PathBuf>,
    pub web: WebConfig,
    pub mail: MailConfig,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub metrics: MetricsConfig,
    pub files: FilesConfig,
    pub auth: AuthConfig,
    pub oidc: OidcConfig,
}

/// How log lines are written (`log_format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// `[server]`: how connections are accepted and how long they may sit idle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Seconds a client has to send a request's head (request line and headers): from the
    /// connection's opening for its first request, from the first byte for later ones.
    pub header_read_timeout_seconds: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    pub keep_alive_timeout_seconds: u64,
    /// Connections served at once. Keep it below the open-file limit (`ulimit -n`,
    /// systemd's `LimitNOFILE`) minus the database's connections and files.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_read_timeout_seconds: 10,
            keep_alive_timeout_seconds: 60,
            max_connections: 1000,
        }
    }
}

/// `[database]`: how the database is opened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// SQLite's `synchronous`: `full` (a commit survives a power loss) or `normal` (a
    /// commit survives a crash of the process; a power loss can lose the last commits).
    #[serde(with = "synchronous")]
    pub sqlite_synchronous: Synchronous,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            sqlite_synchronous: Synchronous::Full,
        }
    }
}

/// `[metrics]`: who may read `/metrics`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// The bearer token Prometheus sends (`Authorization: Bearer …`). When unset,
    /// `/metrics` answers 404.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl fmt::Debug for MetricsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsConfig")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// `sqlite_synchronous` as the strings `full` and `normal`; anything else is refused with
/// a message naming the key.
mod synchronous {
    use renke_store::Synchronous;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Synchronous, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Synchronous, D::Error> {
        let text = String::deserialize(d)?;
        Synchronous::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "[database] sqlite_synchronous 须为 \"full\" 或 \"normal\" \
                 must be \"full\" or \"normal\", not {text:?}"
            ))
        })
    }
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: None,
            data_dir: PathBuf::from("./renke-data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log: "info".to_owned(),
            log_format: LogFormat::Text,
            files_dir: PathBuf::from("files"),
            worker_poll_seconds: 5,
            run_worker: true,
            font_dir: None,
            web: WebConfig::default(),
            mail: MailConfig::default(),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            metrics: MetricsConfig::default(),
            files: FilesConfig::default(),
            auth: AuthConfig::default(),
            oidc: OidcConfig::default(),
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
            .field("log_format", &self.log_format)
            .field("files_dir", &self.files_dir)
            .field("worker_poll_seconds", &self.worker_poll_seconds)
            .field("run_worker", &self.run_worker)
            .field("font_dir", &self.font_dir)
            .field("web", &self.web)
            .field("mail", &redacted_mail(&self.mail))
            .field("server", &self.server)
            .field("database", &self.database)
            .field("metrics", &self.metrics)
            .field("files", &self.files)
            .field("auth", &self.auth)
            .field("oidc", &self.oidc)
            .finish()
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    /// `--no-worker`: this server runs no jobs.
    pub no_worker: bool,
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
        s.check()?;
        Ok(s)
    }

    /// Parses a configuration file; missing keys keep their defaults, unknown keys are refused.
    pub fn from_toml(text: &str) -> anyhow::Result<Settings> {
        let s: Settings = toml::from_str(text)?;
        s.check()?;
        Ok(s)
    }

    /// Refuses values of the right type that cannot work, naming the key.
    pub fn check(&self) -> anyhow::Result<()> {
        for (key, value) in [
            (
                "header_read_timeout_seconds",
                self.server.header_read_timeout_seconds,
            ),
            (
                "keep_alive_timeout_seconds",
                self.server.keep_alive_timeout_seconds,
            ),
            ("max_connections", self.server.max_connections as u64),
        ] {
            if value == 0 {
                bail!("[server] {key} 须至少为 1 must be at least 1");
            }
        }
        if self.server.max_connections > 1_000_000 {
            bail!("[server] max_connections 不得超过 1000000 must be at most 1000000");
        }
        if self
            .metrics
            .token
            .as_deref()
            .is_some_and(|t| t.trim().len() < 16)
        {
            bail!("[metrics] token 须至少 16 个字符 must be at least 16 characters");
        }
        if self.web.audit_retention_days < 1 {
            bail!("[web] audit_retention_days 须至少为 1 must be at least 1");
        }
        self.oidc.check().map_err(anyhow::Error::msg)?;
        if !self.auth.password_login && !self.oidc.enabled() {
            bail!(
                "[auth] password_login = false 需要配置 [oidc] issuer needs [oidc] issuer: \
                 nobody could log in"
            );
        }
        Ok(())
    }

    /// Applies `RENKE_…` environment variables: `RENKE_<KEY>` for a top-level key
    /// (`RENKE_LISTEN`) and `RENKE_<SECTION>__<KEY>` for a key of a section
    /// (`RENKE_MAIL__SMTP_URL`; after `RENKE_` any case). A value is read as the key's type (string,
    /// integer, float, `true`/`false`); an empty value unsets a key that is unset by default
    /// (`RENKE_FONT_DIR=`). A value that does not parse, an unknown section or an unknown key
    /// of a section is an error naming the variable; `RENKE_<NAME>` variables without `__`
    /// that name no top-level key (`RENKE_TEST_POSTGRES_URL`) are left alone.
    pub fn apply_env(
        &mut self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<()> {
        let defaults = toml::Table::try_from(Settings::default())?;
        let mut table = toml::Table::try_from(&*self)?;
        let mut changed = false;
        for (var, value) in env {
            let Some((section, key)) = setting_of(&var)? else {
                continue;
            };
            let section = section.as_deref();
            let unset_by_default = lookup(&defaults, section, &key).is_none();
            let candidates = if value.trim().is_empty() && unset_by_default {
                vec![None]
            } else {
                typed_candidates(&var, lookup(&table, section, &key), &value)?
                    .into_iter()
                    .map(Some)
                    .collect()
            };
            let mut accepted = None;
            let mut error = String::new();
            for candidate in candidates {
                let mut tried = table.clone();
                set(&mut tried, section, &key, candidate);
                match toml::Value::Table(tried.clone()).try_into::<Settings>() {
                    Ok(_) => {
                        accepted = Some(tried);
                        break;
                    }
                    Err(e) => error = e.message().to_owned(),
                }
            }
            table = accepted.ok_or_else(|| {
                anyhow::anyhow!("环境变量 {var} 的值无效 has an invalid value {value:?}: {error}")
            })?;
            changed = true;
        }
        if changed {
            *self = toml::Value::Table(table).try_into()?;
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
        if flags.no_worker {
            self.run_worker = false;
        }
    }

    /// The directory uploaded files are kept in.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join(&self.files_dir)
    }

    /// The file store `[files]` configures: the files directory, or an S3 bucket.
    pub fn file_store(&self) -> anyhow::Result<renke_store::files::FileStore> {
        self.files
            .open_store(&self.files_dir())
            .map_err(anyhow::Error::msg)
    }

    /// The database URL in effect: the configured one, or SQLite inside the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => sqlite_url(&self.data_dir.join("renke.db")),
        }
    }
}

/// The setting a `RENKE_…` variable names, as (section, key) in lower case: `None` for a
/// variable that is not a setting, an error for an unknown section or key of a section.
fn setting_of(var: &str) -> anyhow::Result<Option<(Option<String>, String)>> {
    let Some(name) = var.strip_prefix("RENKE_") else {
        return Ok(None);
    };
    let name = name.to_ascii_lowercase();
    match name.split_once("__") {
        Some((section, key)) => {
            let Some(fields) = section_fields(section) else {
                bail!(
                    "未知的环境变量 unknown setting {var}: 没有 [{section}] 配置节 \
                     there is no section [{section}]"
                );
            };
            if !fields.contains(&key) {
                bail!(
                    "未知的环境变量 unknown setting {var}: [{section}] 中没有 {key} \
                     [{section}] has no key {key}"
                );
            }
            Ok(Some((Some(section.to_owned()), key.to_owned())))
        }
        None if struct_fields::<Settings>().contains(&name.as_str())
            && section_fields(&name).is_none() =>
        {
            Ok(Some((None, name)))
        }
        None => Ok(None),
    }
}

/// The keys of a section of the configuration file, `None` if there is no such section.
/// Every table of [`Settings`] is listed here (checked by a test).
fn section_fields(section: &str) -> Option<&'static [&'static str]> {
    match section {
        "web" => Some(struct_fields::<WebConfig>()),
        "mail" => Some(struct_fields::<MailConfig>()),
        "server" => Some(struct_fields::<ServerConfig>()),
        "database" => Some(struct_fields::<DatabaseConfig>()),
        "metrics" => Some(struct_fields::<MetricsConfig>()),
        "files" => Some(struct_fields::<FilesConfig>()),
        "auth" => Some(struct_fields::<AuthConfig>()),
        "oidc" => Some(struct_fields::<OidcConfig>()),
        _ => None,
    }
}

/// The value of `key` (in `section`) in a settings table, if it is set.
fn lookup<'t>(table: &'t toml::Table, section: Option<&str>, key: &str) -> Option<&'t toml::Value> {
    match section {
        Some(s) => table.get(s)?.as_table()?.get(key),
        None => table.get(key),
    }
}

/// Sets (or, with `None`, removes) `key` (in `section`) in a settings table.
fn set(table: &mut toml::Table, section: Option<&str>, key: &str, value: Option<toml::Value>) {
    let target = match section {
        Some(s) => match table
            .entry(s)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        {
            toml::Value::Table(t) => t,
            _ => return,
        },
        None => table,
    };
    match value {
        Some(v) => {
            target.insert(key.to_owned(), v);
        }
        None => {
            target.remove(key);
        }
    }
}

/// The environment variable's value as the TOML values to try, in order: of the type of
/// the key's current value, or (for a key unset now) a string and whatever else it parses as.
fn typed_candidates(
    var: &str,
    current: Option<&toml::Value>,
    value: &str,
) -> anyhow::Result<Vec<toml::Value>> {
    use toml::Value as V;
    let trimmed = value.trim();
    Ok(match current {
        Some(V::String(_)) => vec![V::String(value.to_owned())],
        Some(V::Integer(_)) => vec![V::Integer(trimmed.parse().with_context(|| {
            format!("环境变量 {var} 应为整数 must be an integer: {value:?}")
        })?)],
        Some(V::Float(_)) => vec![V::Float(trimmed.parse().with_context(|| {
            format!("环境变量 {var} 应为数字 must be a number: {value:?}")
        })?)],
        Some(V::Boolean(_)) => vec![V::Boolean(trimmed.parse().with_context(|| {
            format!("环境变量 {var} 应为 true 或 false must be true or false: {value:?}")
        })?)],
        Some(_) => bail!("{var}: 不支持通过环境变量设置 cannot be set from the environment"),
        None => {
            let mut all = vec![V::String(value.to_owned())];
            all.extend(trimmed.parse().ok().map(V::Integer));
            all.extend(trimmed.parse().ok().map(V::Float));
            all.extend(trimmed.parse().ok().map(V::Boolean));
            all
        }
    })
}

/// The field names of a struct deserialised by `#[derive(Deserialize)]`, read from what it
/// asks its deserialiser for.
fn struct_fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};

    struct Fields<'a>(&'a mut &'static [&'static str]);

    impl<'de> de::Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
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
            no_worker: false,
            database_url: Some("postgres://renke:secret@db/renke".into()),
            data_dir: None,
        });
        assert_eq!(s.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(s.database_url(), "postgres://renke:secret@db/renke");
        assert!(s.run_worker, "a server runs its worker by default");
        s.apply(&Overrides {
            no_worker: true,
            ..Overrides::default()
        });
        assert!(!s.run_worker, "--no-worker");
    }

    /// The S3 store and JSON logs are set from the environment as a deployment does, the
    /// secret never printed; an unknown store or log format is refused naming the variable.
    #[test]
    fn s3_files_and_json_logs_from_the_environment() {
        let mut s = Settings::default();
        s.apply_env(env(&[
            ("RENKE_FILES__STORE", "s3"),
            ("RENKE_FILES__S3_BUCKET", "renke-prod"),
            ("RENKE_FILES__S3_ENDPOINT", "https://obs.example.cn"),
            ("RENKE_FILES__S3_ACCESS_KEY_ID", "AKRENKE"),
            ("RENKE_FILES__S3_SECRET_ACCESS_KEY", "very-secret"),
            ("RENKE_RUN_WORKER", "false"),
            ("RENKE_LOG_FORMAT", "json"),
        ]))
        .unwrap();
        assert_eq!(s.files.store, renke_app::files::StoreKind::S3);
        assert_eq!(s.files.s3_bucket, "renke-prod");
        assert_eq!(s.log_format, LogFormat::Json);
        assert!(!s.run_worker);
        let shown = format!("{s:?}");
        assert!(
            shown.contains("renke-prod") && !shown.contains("very-secret"),
            "{shown}"
        );
        assert!(s.file_store().is_ok());
        let e = Settings::default()
            .apply_env(env(&[("RENKE_FILES__STORE", "ftp")]))
            .unwrap_err();
        assert!(e.to_string().contains("RENKE_FILES__STORE"), "{e}");
        let mut no_bucket = Settings::default();
        no_bucket.files.store = renke_app::files::StoreKind::S3;
        let e = no_bucket.file_store().unwrap_err();
        assert!(e.to_string().contains("s3_bucket"), "{e}");
    }

    /// OpenID Connect from the environment as a deployment sets it: the secret never
    /// printed, a broken setting refused naming its key; password login off needs it.
    #[test]
    fn oidc_from_the_environment() {
        let mut s = Settings::default();
        s.apply_env(env(&[
            ("RENKE_OIDC__ISSUER", "https://id.example.gov.cn"),
            ("RENKE_OIDC__CLIENT_ID", "renke"),
            ("RENKE_OIDC__CLIENT_SECRET", "oidc-very-secret"),
            ("RENKE_OIDC__LINK_TO", "login"),
            ("RENKE_OIDC__CREATE_ACCOUNTS", "true"),
            ("RENKE_OIDC__CREATE_ORG", "440000"),
            ("RENKE_OIDC__CREATE_ROLE", "staff"),
            ("RENKE_AUTH__PASSWORD_LOGIN", "false"),
        ]))
        .unwrap();
        s.check().unwrap();
        assert!(s.oidc.enabled() && !s.auth.password_login);
        assert_eq!(s.oidc.link_to, renke_app::oidc::LinkTo::Login);
        assert_eq!(s.oidc.create_org.as_deref(), Some("440000"));
        let shown = format!("{s:?}");
        assert!(
            shown.contains("id.example.gov.cn") && !shown.contains("oidc-very-secret"),
            "{shown}"
        );
        let e = Settings::default()
            .apply_env(env(&[("RENKE_OIDC__LINK_TO", "email")]))
            .unwrap_err();
        assert!(e.to_string().contains("RENKE_OIDC__LINK_TO"), "{e}");
        let e =
            Settings::from_toml("[oidc]\nissuer = \"https://id.example.gov.cn\"\n").unwrap_err();
        assert!(e.to_string().contains("[oidc] client_id"), "{e}");
        let e = Settings::from_toml("[auth]\npassword_login = false\n").unwrap_err();
        assert!(e.to_string().contains("[auth] password_login"), "{e}");
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

    /// Every key of every section is reachable from the environment, read as its type.
    #[test]
    fn every_section_is_reachable_from_the_environment() {
        let mut s = Settings::default();
        s.apply_env(env(&[
            ("RENKE_MAIL__SMTP_URL", "smtps://u:p@smtp.example.org:465"),
            ("RENKE_MAIL__TRANSPORT", "smtp"),
            ("RENKE_mail__Dir", "outbox"),
            ("RENKE_WEB__MAX_BODY_BYTES", "1024"),
            ("RENKE_WEB__TRUST_PROXY", " true "),
            ("RENKE_WORKER_POLL_SECONDS", "30"),
            ("RENKE_FILES_DIR", "uploads"),
            ("RENKE_FONT_DIR", "/usr/share/fonts"),
        ]))
        .unwrap();
        assert_eq!(
            s.mail.smtp_url.as_deref(),
            Some("smtps://u:p@smtp.example.org:465")
        );
        assert_eq!(s.mail.transport, "smtp");
        assert_eq!(s.mail.dir, PathBuf::from("outbox"));
        assert_eq!(s.web.max_body_bytes, 1024);
        assert!(s.web.trust_proxy);
        assert_eq!(s.worker_poll_seconds, 30);
        assert_eq!(s.files_dir, PathBuf::from("uploads"));
        assert_eq!(s.font_dir, Some(PathBuf::from("/usr/share/fonts")));
        // An empty value unsets what is unset by default.
        s.apply_env(env(&[
            ("RENKE_FONT_DIR", ""),
            ("RENKE_MAIL__SMTP_URL", " "),
        ]))
        .unwrap();
        assert_eq!(s.font_dir, None);
        assert_eq!(s.mail.smtp_url, None);
        // The file's value is overridden.
        let mut s = Settings::from_toml("[mail]\nsmtp_url = \"smtp://a\"\n").unwrap();
        s.apply_env(env(&[("RENKE_MAIL__SMTP_URL", "smtp://b")]))
            .unwrap();
        assert_eq!(s.mail.smtp_url.as_deref(), Some("smtp://b"));
    }

    /// Each table of the settings is a section the environment can reach, and each key of
    /// each section is one `RENKE_<SECTION>__<KEY>` accepts.
    #[test]
    fn every_table_is_a_known_section() {
        let table = toml::Table::try_from(Settings::default()).unwrap();
        let mut sections = 0;
        for (key, value) in &table {
            if let toml::Value::Table(section) = value {
                sections += 1;
                let fields = section_fields(key).unwrap_or_else(|| panic!("[{key}] unlisted"));
                for k in section.keys() {
                    assert!(fields.contains(&k.as_str()), "{key}.{k}");
                }
            }
        }
        assert_eq!(sections, 8);
        assert!(struct_fields::<Settings>().contains(&"font_dir"));
        assert!(struct_fields::<MailConfig>().contains(&"smtp_url"));
    }

    #[test]
    fn bad_environment_values_name_the_variable() {
        for (var, value) in [
            ("RENKE_WEB__SESSION_HOURS", "many"),
            ("RENKE_WEB__TRUST_PROXY", "yes"),
            ("RENKE_WORKER_POLL_SECONDS", "-1"),
            ("RENKE_WORKER_POLL_SECONDS", "soon"),
            ("RENKE_LISTEN", "localhost"),
        ] {
            let mut s = Settings::default();
            let e = s.apply_env(env(&[(var, value)])).unwrap_err();
            let shown = format!("{e:#}");
            assert!(shown.contains(var), "{shown}");
            assert!(shown.contains(value), "{shown}");
            assert_eq!(s, Settings::default());
        }
    }

    #[test]
    fn unknown_environment_keys_are_refused() {
        for var in [
            "RENKE_MAIL__SMTP_UR",
            "RENKE_MAIL__",
            "RENKE_MAILS__FROM",
            "RENKE_WEB__PUBLIC_URL__X",
            "RENKE_LISTEN__PORT",
        ] {
            let mut s = Settings::default();
            let e = s.apply_env(env(&[(var, "x")])).unwrap_err();
            assert!(e.to_string().contains(var), "{e}");
        }
        // Variables without `__` that are not settings are someone else's.
        let mut s = Settings::default();
        s.apply_env(env(&[
            ("RENKE_TEST_POSTGRES_URL", "postgres://x"),
            ("RENKE_TEST_BROWSER", "1"),
            ("RENKE_MAIL", "x"),
        ]))
        .unwrap();
        assert_eq!(s, Settings::default());
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
