//! The collector's listener: at most `--max-connections` (`limits::MAX_CONNECTIONS` unless
//! given) connections at once, each closed after [`IDLE_TIMEOUT`] without a byte read or
//! written (hyper, as axum runs it, has no timer of its own for a client that sends nothing),
//! and after [`ANSWER_TIMEOUT`] without an answer written (a client trickling its request a
//! byte at a time is never idle). A connection past the cap is answered 503 `busy` at once and
//! closed, rather than left waiting in the system's accept queue: there it would wait
//! unanswered, and once that queue is full, new clients (honest ones among them) could not even
//! connect until silent connections were cut.

use super::limits::{ANSWER_TIMEOUT, BUSY_LINGER, IDLE_TIMEOUT};
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{sleep, Instant, Sleep};

pub struct Limited {
    inner: TcpListener,
    permits: Arc<Semaphore>,
}

impl Limited {
    pub fn new(inner: TcpListener, max: usize) -> Self {
        Limited {
            inner,
            permits: Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
        }
    }
}

impl Listener for Limited {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let Ok(permit) = self.permits.clone().try_acquire_owned() else {
                        tokio::spawn(busy(stream));
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let conn = Conn {
                        stream,
                        _permit: permit,
                        idle: Box::pin(sleep(IDLE_TIMEOUT)),
                        unanswered: Box::pin(sleep(ANSWER_TIMEOUT)),
                    };
                    return (conn, addr);
                }
                // Out of file descriptors and the like: wait a little, as axum's own listener.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The answer past the cap: 503 `busy` with `Retry-After` (the page retries a
/// 503 later), then the connection closed. What the client sent meanwhile is read and dropped
/// for at most [`BUSY_LINGER`], so that closing does not reset the connection before the
/// client has read the answer.
async fn busy(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = serde_json::json!({
        "error": "busy",
        "message": {
            "zh-CN": "服务正忙（同时连接过多），请稍后重试。",
            "en": "The service is busy (too many connections at once): try again later.",
        }
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let linger = async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), io::Error>(())
    };
    let _ = tokio::time::timeout(BUSY_LINGER, linger).await;
}

/// The peer's address, as the handlers see it.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, Limited>> for Peer {
    fn connect_info(stream: IncomingStream<'_, Limited>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// A connection holding its place (of the cap) until dropped.
pub struct Conn {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Pin<Box<Sleep>>,
    /// Since the connection opened or last wrote: a client trickling its request a byte at a
    /// time keeps it from being idle, but not from this ([`ANSWER_TIMEOUT`]).
    unanswered: Pin<Box<Sleep>>,
}

impl Conn {
    fn progress(&mut self) {
        self.idle.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
    }

    fn wrote(&mut self) {
        self.progress();
        self.unanswered
            .as_mut()
            .reset(Instant::now() + ANSWER_TIMEOUT);
    }

    /// `Pending` from the stream: an error once the connection has been idle too long.
    fn pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if self.unanswered.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::ErrorKind::TimedOut.into()));
        }
        match self.idle.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Pending => this.pending(cx),
            // A byte at a time keeps coming, and no answer for all that time.
            Poll::Ready(Ok(())) if this.unanswered.is_elapsed() => {
                Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
            }
            done => {
                this.progress();
                done
            }
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_write(cx, buf) {
            Poll::Pending => this.pending(cx),
            done => {
                this.wrote();
                done
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_write_vectored(cx, bufs) {
            Poll::Pending => this.pending(cx),
            done => {
                this.wrote();
                done
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
