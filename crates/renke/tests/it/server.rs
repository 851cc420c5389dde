//! The server under `renke serve` against slow and half-sent requests: `serve_on` with the
//! real router over a fresh SQLite database, driven with raw TCP.

use renke::config::Settings;
use renke_domain::clock::Clock;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HALF_SENT: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n";

/// A running server; dropping `stop` shuts it down.
struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
    _db: renke_store::testing::TestDb,
}

impl Running {
    async fn start(configure: impl FnOnce(&mut Settings)) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let db = renke_store::testing::TestDb::sqlite().await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut settings = Settings {
            data_dir: dir.path().to_owned(),
            listen: addr,
            ..Settings::default()
        };
        configure(&mut settings);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = db.db.clone();
        let done = tokio::spawn(async move {
            renke::serve::serve_on(listener, handle, Clock::System, &settings, async {
                let _ = stopped.await;
            })
            .await
        });
        Running {
            addr,
            stop: Some(stop),
            done,
            _dir: dir,
            _db: db,
        }
    }

    async fn stop(mut self) {
        drop(self.stop.take());
        tokio::time::timeout(Duration::from_secs(10), &mut self.done)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

/// `GET /healthz` on a new connection; the whole response must come within a second.
async fn healthz(addr: SocketAddr) -> String {
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(1), async {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).await.unwrap();
        text
    })
    .await
    .unwrap_or_else(|_| panic!("/healthz did not answer within a second"));
    assert!(started.elapsed() < Duration::from_secs(1));
    answer
}

/// Whether the server has closed the connection (end of stream or reset), without waiting.
fn closed(s: &TcpStream) -> bool {
    let mut buf = [0u8; 64];
    match s.try_read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// 500 connections from one client, each holding a half-sent request, against a server
/// that serves at most 100: `/healthz` still answers within a second every time, and the
/// server keeps no more than its limit open (the oldest half-sent ones are closed).
#[tokio::test]
async fn half_sent_requests_do_not_keep_healthz_out() {
    let server = Running::start(|s| {
        s.server.max_connections = 100;
        // Long enough that no half-sent request times out during the test.
        s.server.header_read_timeout_seconds = 60;
    })
    .await;
    let mut held = Vec::new();
    for i in 0..500 {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(HALF_SENT).await.unwrap();
        held.push(s);
        if i % 100 == 99 {
            let answer = healthz(server.addr).await;
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            assert!(answer.ends_with("ok"), "{answer}");
        }
    }
    for _ in 0..5 {
        let answer = healthz(server.addr).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = held.iter().filter(|s| !closed(s)).count();
    assert!(
        open <= 100,
        "{open} half-sent requests still held open by a server limited to 100"
    );
    // The newest are the ones kept.
    assert!(!closed(held.last().unwrap()));
    server.stop().await;
}

/// A half-sent request is closed once the header-read timeout has passed; one sent in
/// pieces within it is answered; an idle kept-alive connection lasts until the keep-alive
/// timeout, not the header timeout.
#[tokio::test]
async fn half_sent_requests_time_out() {
    let server = Running::start(|s| {
        s.server.header_read_timeout_seconds = 1;
        s.server.keep_alive_timeout_seconds = 3;
    })
    .await;

    let started = Instant::now();
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(HALF_SENT).await.unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut rest))
        .await
        .expect("the server closes a half-sent request");
    let waited = started.elapsed();
    assert!(read.is_ok() || rest.is_empty(), "{read:?}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_millis(2500),
        "closed after {waited:?}"
    );

    // Slow but in time: the head in three pieces over 0.6 s.
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    for piece in [&b"GET /healthz HTT"[..], b"P/1.1\r\nHost: x\r\n", b"\r\n"] {
        s.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).await.unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Kept alive: past the header timeout the connection still serves a second request…
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert!(
        !closed(&s),
        "an idle kept-alive connection outlives the header timeout"
    );
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let n = s.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // …and is closed once idle for the keep-alive timeout.
    let idle = Instant::now();
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(6), s.read_to_end(&mut rest))
        .await
        .expect("the server closes an idle kept-alive connection");
    let waited = idle.elapsed();
    assert!(
        waited >= Duration::from_millis(2800) && waited < Duration::from_millis(4500),
        "closed after {waited:?}"
    );
    server.stop().await;
}

/// Shutting down closes idle and half-sent connections at once and returns.
#[tokio::test]
async fn shutdown_closes_waiting_connections() {
    let server = Running::start(|s| s.server.header_read_timeout_seconds = 30).await;
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    let mut half = TcpStream::connect(server.addr).await.unwrap();
    half.write_all(HALF_SENT).await.unwrap();
    let mut kept = TcpStream::connect(server.addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let started = Instant::now();
    server.stop().await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let mut rest = Vec::new();
    let _ = kept.read_to_end(&mut rest).await;
    let _ = idle.read_to_end(&mut rest).await;
    let _ = half.read_to_end(&mut rest).await;
}
