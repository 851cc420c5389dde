//! `renke bench load`: concurrent clients against a running server. Each client logs in
//! through the login form (GET /login for the `renke_csrf` cookie and the hidden `_csrf`
//! field, then POST /login), then repeatedly opens its organisation's tree page
//! (GET /orgs/{id}) and reads its children through the API (GET /api/v1/orgs/{id}/children,
//! with the session cookie); every `--relogin-every` rounds (default 50) it logs in again
//! with a fresh client (0: only once). Logins cost an argon2id hash each, so the re-login
//! rate decides how much of the CPU the page requests get.

use super::{ms, percentile};
use anyhow::{Context, anyhow, bail};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Drive a running server with concurrent clients.
#[derive(clap::Args, Debug)]
pub struct LoadArgs {
    /// 服务地址 Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// 并发客户端数 Concurrent clients.
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    /// 持续时间 Duration, e.g. 30s, 2m.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub duration: Duration,
    /// 登录名 Login of the account to use.
    #[arg(long)]
    pub login: String,
    /// 密码 Its password.
    #[arg(long)]
    pub password: String,
    /// 机构 id The organisation whose tree page and children are read (printed by `bench gen`).
    #[arg(long, value_name = "ID")]
    pub org: i64,
    /// 重新登录间隔 Rounds between fresh logins per client; 0 logs in only once.
    #[arg(long, default_value_t = 50)]
    pub relogin_every: u64,
    /// 服务进程号 The server's process id, to report its memory (VmRSS).
    #[arg(long)]
    pub pid: Option<u32>,
}

/// `30s`, `2m`, `500ms` or a number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "s"), |i| (&s[..i], &s[i..]));
    let n: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        _ => return Err(format!("bad duration unit in {s:?}: use ms, s or m")),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[derive(Default)]
struct Stats {
    ok: Vec<Duration>,
    errors: u64,
}

type Kinds = BTreeMap<&'static str, Stats>;

fn record(stats: &mut Kinds, kind: &'static str, took: Duration, ok: bool) {
    let s = stats.entry(kind).or_default();
    if ok {
        s.ok.push(took);
    } else {
        s.errors += 1;
    }
}

pub(crate) fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// The value of the hidden `_csrf` field in a page.
fn csrf_field(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\"")?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].to_owned())
}

/// Logs in through the form; returns the client holding the session cookie.
pub(crate) async fn login(
    base: &str,
    login: &str,
    password: &str,
) -> anyhow::Result<reqwest::Client> {
    let c = client()?;
    let page = c.get(format!("{base}/login")).send().await?;
    if !page.status().is_success() {
        bail!("GET /login: {}", page.status());
    }
    let html = page.text().await?;
    let token = csrf_field(&html).ok_or_else(|| anyhow!("GET /login: no _csrf field"))?;
    let res = c
        .post(format!("{base}/login"))
        .form(&[
            ("login", login),
            ("password", password),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await?;
    if !res.status().is_redirection() && !res.status().is_success() {
        bail!("POST /login: {}", res.status());
    }
    if res.status().is_success() {
        // A 200 answer to a login form is the form again with an error.
        bail!("POST /login: login refused (200 with the form)");
    }
    Ok(c)
}

pub(crate) async fn get_ok(c: &reqwest::Client, url: &str) -> bool {
    match c.get(url).send().await {
        Ok(r) => {
            let ok = r.status().is_success();
            ok && r.bytes().await.is_ok()
        }
        Err(_) => false,
    }
}

async fn worker(args: std::sync::Arc<LoadArgs>, until: Instant) -> Kinds {
    let mut stats = Kinds::new();
    let base = args.url.trim_end_matches('/');
    let tree = format!("{base}/orgs/{}", args.org);
    let api = format!("{base}/api/v1/orgs/{}/children", args.org);
    let mut session: Option<reqwest::Client> = None;
    let mut round = 0u64;
    while Instant::now() < until {
        let relogin =
            args.relogin_every > 0 && round > 0 && round.is_multiple_of(args.relogin_every);
        if session.is_none() || relogin {
            let t = Instant::now();
            let r = login(base, &args.login, &args.password).await;
            record(&mut stats, "login", t.elapsed(), r.is_ok());
            match r {
                Ok(c) => session = Some(c),
                Err(e) => {
                    tracing::debug!(error = %e, "login failed");
                    session = None;
                    round += 1;
                    continue;
                }
            }
        }
        round += 1;
        let Some(c) = &session else { continue };
        let t = Instant::now();
        let ok = get_ok(c, &tree).await;
        record(&mut stats, "tree_page", t.elapsed(), ok);
        let t = Instant::now();
        let ok = get_ok(c, &api).await;
        record(&mut stats, "api_children", t.elapsed(), ok);
    }
    stats
}

/// VmRSS and VmHWM of a process, from /proc.
pub fn rss(pid: u32) -> anyhow::Result<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status"))?;
    let get = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    Ok(format!(
        "VmRSS {} (peak VmHWM {})",
        get("VmRSS:"),
        get("VmHWM:")
    ))
}

pub async fn run(args: LoadArgs) -> anyhow::Result<()> {
    let base = args.url.trim_end_matches('/').to_owned();
    // Fail fast with a clear message when the server or the account is not usable.
    login(&base, &args.login, &args.password)
        .await
        .with_context(|| format!("无法登录 cannot log in to {base} as {}", args.login))?;
    println!(
        "压测 load: {} clients, {:.0} s, {} as {}, org {}, relogin every {} rounds",
        args.clients,
        args.duration.as_secs_f64(),
        base,
        args.login,
        args.org,
        args.relogin_every
    );
    let args = std::sync::Arc::new(args);
    let started = Instant::now();
    let until = started + args.duration;
    let handles: Vec<_> = (0..args.clients.max(1))
        .map(|_| tokio::spawn(worker(args.clone(), until)))
        .collect();
    let mut all = Kinds::new();
    for h in handles {
        for (k, s) in h.await? {
            let e = all.entry(k).or_default();
            e.ok.extend(s.ok);
            e.errors += s.errors;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mut overall = Stats::default();
    println!(
        "{:<14} {:>9} {:>7} {:>9} {:>9} {:>9}",
        "kind", "requests", "errors", "req/s", "p50 ms", "p99 ms"
    );
    for (kind, mut s) in all {
        s.ok.sort();
        println!(
            "{kind:<14} {:>9} {:>7} {:>9.1} {:>9.2} {:>9.2}",
            s.ok.len(),
            s.errors,
            s.ok.len() as f64 / secs,
            ms(percentile(&s.ok, 50.0)),
            ms(percentile(&s.ok, 99.0))
        );
        overall.ok.extend(s.ok);
        overall.errors += s.errors;
    }
    overall.ok.sort();
    println!(
        "{:<14} {:>9} {:>7} {:>9.1} {:>9.2} {:>9.2}",
        "overall",
        overall.ok.len(),
        overall.errors,
        overall.ok.len() as f64 / secs,
        ms(percentile(&overall.ok, 50.0)),
        ms(percentile(&overall.ok, 99.0))
    );
    if let Some(pid) = args.pid {
        println!("服务内存 server memory (pid {pid}): {}", rss(pid)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_fields() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("5").unwrap(), Duration::from_secs(5));
        assert!(parse_duration("5h").is_err());
        let html = r#"<form><input type="hidden" name="_csrf" value="abc-123"><input name="login"></form>"#;
        assert_eq!(csrf_field(html).as_deref(), Some("abc-123"));
        let html2 = r#"<input value="xyz" name="_csrf" type="hidden">"#;
        assert_eq!(csrf_field(html2).as_deref(), Some("xyz"));
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 99.0), Duration::from_millis(99));
    }
}
