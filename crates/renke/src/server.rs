//! The HTTP/1.1 server under `renke serve` and `renke demo`: hyper's connection driver in an
//! accept loop, with the limits a server facing strangers needs.
//!
//! - **Request heads in time** (`header_read_timeout`): a connection's first request head
//!   must be complete within the timeout from the connection's opening; a later one from
//!   its first byte. A client that sends half a request and waits is closed.
//! - **Idle keep-alive** (`keep_alive_timeout`): a kept-alive connection waiting for its
//!   next request is closed after this long without a byte.
//! - **A connection limit** (`max_connections`): at the limit, the next connection is
//!   accepted and the connection that has waited longest for a request head (half-sent or
//!   idle, never one with a request being served) is closed to make room. So one client
//!   holding thousands of half-sent requests cannot keep a well-behaved client (or
//!   `/healthz`) out: each new connection pushes out the oldest idle one. When every
//!   connection has a request in flight, accepting waits until one ends, and new
//!   connections wait in the kernel's backlog. File descriptors stay bounded by the limit.
//!
//! Request bodies are not timed here: behind the reverse proxy (which buffers request
//! bodies, see the README) a body arrives at once. Shutting down stops accepting, lets the
//! requests in flight finish, closes the connections waiting for a request (idle or
//! half-sent) at once and returns when every connection has ended.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// The limits of [`run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub keep_alive_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the requests in
/// flight. Each request carries `ConnectInfo<SocketAddr>` like `axum::serve`'s.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let max = u32::try_from(limits.max_connections)
        .unwrap_or(u32::MAX)
        .clamp(1, Semaphore::MAX_PERMITS as u32);
    let slots = Arc::new(Semaphore::new(max as usize));
    let waiting = Arc::new(Waiting::default());
    let (stop, stopped) = watch::channel(false);
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors, a connection reset before it was taken…:
                    // wait a little instead of spinning.
                    tracing::warn!(error = %e, "接受连接失败 accept failed");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_millis(50)) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if waiting.evict_oldest() {
                    tracing::debug!("连接数已满 at the connection limit: closed the oldest idle");
                } else {
                    tracing::warn!(
                        max_connections = max,
                        "连接数已满 every connection is busy: waiting for one to end"
                    );
                }
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        next_id += 1;
        let conn = Arc::new(Conn::new(next_id));
        waiting.insert(&conn);
        tokio::spawn(serve_connection(
            stream,
            peer,
            router.clone(),
            Shared {
                conn,
                waiting: waiting.clone(),
            },
            limits,
            stopped.clone(),
            slot,
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a slot until it ends: when all are free, all have ended.
    let _ = slots.acquire_many(max).await;
}

/// One connection's state, shared by its task, its reads and its requests.
struct Conn {
    id: u64,
    /// Requests being served (head read, response not yet sent in full).
    busy: AtomicUsize,
    /// How many times the connection has gone back to waiting for a request.
    rounds: AtomicU64,
    /// The connection has ended (it is no longer put back among the waiting).
    ended: AtomicBool,
    /// Told to close to make room for a new connection.
    evict: Notify,
}

impl Conn {
    fn new(id: u64) -> Conn {
        Conn {
            id,
            busy: AtomicUsize::new(0),
            rounds: AtomicU64::new(0),
            ended: AtomicBool::new(false),
            evict: Notify::new(),
        }
    }
}

/// The connections waiting for a request head, with the time each began to wait.
#[derive(Default)]
struct Waiting(Mutex<HashMap<u64, (Instant, Arc<Conn>)>>);

impl Waiting {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, (Instant, Arc<Conn>)>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn insert(&self, conn: &Arc<Conn>) {
        self.lock().insert(conn.id, (Instant::now(), conn.clone()));
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes the connection that has waited longest; `false` when none waits.
    fn evict_oldest(&self) -> bool {
        let mut all = self.lock();
        let Some(id) = all
            .iter()
            .min_by_key(|(_, (since, _))| *since)
            .map(|(id, _)| *id)
        else {
            return false;
        };
        if let Some((_, conn)) = all.remove(&id) {
            conn.evict.notify_one();
        }
        true
    }
}

#[derive(Clone)]
struct Shared {
    conn: Arc<Conn>,
    waiting: Arc<Waiting>,
}

/// A request being served; dropped when its response has been sent (or abandoned).
struct Busy(Shared);

impl Busy {
    fn begin(s: &Shared) -> Busy {
        if s.conn.busy.fetch_add(1, Ordering::AcqRel) == 0 {
            s.waiting.remove(s.conn.id);
        }
        Busy(s.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let c = &self.0.conn;
        if c.busy.fetch_sub(1, Ordering::AcqRel) == 1 {
            c.rounds.fetch_add(1, Ordering::AcqRel);
            if !c.ended.load(Ordering::Acquire) {
                self.0.waiting.insert(c);
            }
        }
    }
}

/// A response body that keeps its request counted as busy until hyper has taken it all.
struct Guarded {
    body: axum::body::Body,
    _busy: Busy,
}

impl http_body::Body for Guarded {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    shared: Shared,
    limits: Limits,
    mut stopped: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let conn = shared.conn.clone();
    let io = hyper_util::rt::TokioIo::new(Timed::new(stream, conn.clone(), limits));
    let service = hyper::service::service_fn({
        let shared = shared.clone();
        move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let busy = Busy::begin(&shared);
            let router = router.clone();
            async move {
                let res = router.oneshot(req).await;
                res.map(|r| r.map(|body| axum::body::Body::new(Guarded { body, _busy: busy })))
            }
        }
    });
    let mut http = Box::pin(
        hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(io, service),
    );
    let mut stopping = false;
    loop {
        tokio::select! {
            ended = http.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(error = %e, peer = %peer, "连接结束 connection ended");
                }
                break;
            }
            () = conn.evict.notified() => {
                tracing::debug!(peer = %peer, "为新连接腾出位置 closed to make room");
                break;
            }
            _ = stopped.changed(), if !stopping => {
                // A connection waiting for a request head (idle or half-sent) closes now;
                // one with a request in flight closes once it is answered.
                if conn.busy.load(Ordering::Acquire) == 0 {
                    break;
                }
                stopping = true;
                http.as_mut().graceful_shutdown();
            }
        }
    }
    conn.ended.store(true, Ordering::Release);
    drop(http);
    shared.waiting.remove(conn.id);
}

/// The socket with the head and keep-alive timeouts applied to its reads. While a request
/// is being served reads pass through untimed (hyper reads a body, or watches for the
/// client going away while the handler runs).
struct Timed {
    io: TcpStream,
    conn: Arc<Conn>,
    limits: Limits,
    /// The round (see [`Conn::rounds`]) the deadline was set for.
    round: u64,
    /// A byte of this round's request head has arrived.
    head_started: bool,
    deadline: Pin<Box<Sleep>>,
}

impl Timed {
    fn new(io: TcpStream, conn: Arc<Conn>, limits: Limits) -> Timed {
        Timed {
            io,
            conn,
            limits,
            round: 0,
            head_started: false,
            deadline: Box::pin(tokio::time::sleep(limits.header_read_timeout)),
        }
    }
}

impl AsyncRead for Timed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let read = Pin::new(&mut this.io).poll_read(cx, buf);
        if this.conn.busy.load(Ordering::Acquire) > 0 {
            return read;
        }
        let round = this.conn.rounds.load(Ordering::Acquire);
        if round != this.round {
            // A response went out: the wait for the next request begins.
            this.round = round;
            this.head_started = false;
            let at = Instant::now() + this.limits.keep_alive_timeout;
            this.deadline.as_mut().reset(at);
        }
        match read {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && !this.head_started {
                    this.head_started = true;
                    // The first request's time runs from the connection's opening.
                    if this.round > 0 {
                        let at = Instant::now() + this.limits.header_read_timeout;
                        this.deadline.as_mut().reset(at);
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    if this.head_started || this.round == 0 {
                        "请求头未按时收到 request head not received in time"
                    } else {
                        "空闲连接超时 idle keep-alive connection"
                    },
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Timed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
