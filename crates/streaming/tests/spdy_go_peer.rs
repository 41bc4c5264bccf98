//! The SPDY/3.1 client against the Go implementation the kubelet and the API server
//! run: `tests/spdy_peer`, a small Go server upgrading with k8s.io/streaming's
//! `spdy.NewResponseUpgrader` (spdystream underneath), built from source by the test
//! with the local Go toolchain. Each stream's `mode` header picks what the Go side does
//! with it (see tests/spdy_peer/main.go).

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the peer misbehaves

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use clientgo_streaming::spdy::{CloseReason, Connection, Error, Headers, RstStatus, Stream};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// Every test gives up (fails) after this: nothing may hang.
const TEST_TIMEOUT: Duration = Duration::from_secs(180);

/// Builds the Go peer once per test binary.
fn peer_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spdy_peer");
        let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spdy_peer");
        clientgo_envtest::build_go_program(&source, &binary).expect("building the SPDY peer");
        binary
    })
}

/// A running Go peer; it exits when dropped (killed, and its stdin closes).
struct GoPeer {
    _child: Child,
    addr: String,
}

async fn go_peer() -> GoPeer {
    let mut child = Command::new(peer_binary())
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut addr = String::new();
    stdout.read_line(&mut addr).await.unwrap();
    GoPeer {
        _child: child,
        addr: addr.trim().to_string(),
    }
}

impl GoPeer {
    /// Upgrades a request for `path` to SPDY/3.1 (as client-go's round tripper does)
    /// and runs the client connection over it.
    async fn connect(&self, path: &str, ping_period: Option<Duration>) -> Connection {
        let mut tcp = TcpStream::connect(&self.addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\
             X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n",
            self.addr
        );
        tcp.write_all(request.as_bytes()).await.unwrap();
        // Byte by byte: nothing after the response head may be taken from the stream.
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(tcp.read_u8().await.unwrap());
            assert!(head.len() < 16 * 1024, "response head too long");
        }
        let head = String::from_utf8(head).unwrap();
        assert!(head.starts_with("HTTP/1.1 101 "), "{head}");
        assert!(
            head.to_ascii_lowercase().contains("upgrade: spdy/3.1"),
            "{head}"
        );
        Connection::client(tcp, ping_period)
    }
}

fn mode(mode: &str) -> Headers {
    Headers::new().with("mode", mode)
}

/// Byte `i` of the test pattern (the Go peer's `pattern`).
fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

fn fill(buf: &mut [u8], offset: u64) {
    for (i, byte) in buf.iter_mut().enumerate() {
        *byte = pattern(offset + i as u64);
    }
}

/// Sends `size` bytes of the pattern (from `seed`) through an echo stream while
/// reading the echo back; checks it byte for byte.
async fn echo_pattern(stream: Stream, size: u64, seed: u64) {
    let (mut reader, mut writer) = tokio::io::split(stream);
    let write = async move {
        let mut buf = vec![0u8; 256 * 1024];
        let mut offset = 0;
        while offset < size {
            let n = buf.len().min(usize::try_from(size - offset).unwrap());
            fill(&mut buf[..n], seed + offset);
            writer.write_all(&buf[..n]).await.unwrap();
            offset += n as u64;
        }
        writer.shutdown().await.unwrap();
        writer
    };
    let read = async move {
        let mut buf = vec![0u8; 256 * 1024];
        let mut expected = vec![0u8; 256 * 1024];
        let mut offset = 0;
        loop {
            let n = reader.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            fill(&mut expected[..n], seed + offset);
            assert!(buf[..n] == expected[..n], "echo differs near byte {offset}");
            offset += n as u64;
        }
        assert_eq!(offset, size);
        reader
    };
    let (writer, reader) = tokio::join!(write, read);
    drop(reader.unsplit(writer));
}

async fn read_all(stream: &mut Stream) -> String {
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    text
}

async fn with_timeout<F: std::future::Future>(test: F) -> F::Output {
    timeout(TEST_TIMEOUT, test).await.expect("the test hung")
}

#[tokio::test]
async fn one_stream_echoes_and_headers_reach_go() {
    with_timeout(async {
        let peer = go_peer().await;
        let conn = peer.connect("/", None).await;
        let mut stream = conn.create_stream(mode("echo")).await.unwrap();
        assert_eq!(stream.id(), 1);
        // The kubelet replies without headers.
        assert!(stream.headers().is_empty(), "{:?}", stream.headers());
        stream.write_all(b"hello over spdy").await.unwrap();
        stream.shutdown().await.unwrap();
        assert_eq!(read_all(&mut stream).await, "hello over spdy");

        // Header blocks share the compression context: several in a row, as Go reads them.
        for (i, stream_type) in ["error", "stdin", "stdout", "stderr", "resize"]
            .iter()
            .enumerate()
        {
            let headers = mode("headers")
                .with("streamType", *stream_type)
                .with("X-Multi", "a")
                .with("x-multi", format!("b{i}"));
            let mut stream = conn.create_stream(headers).await.unwrap();
            assert_eq!(stream.id(), 3 + 2 * u32::try_from(i).unwrap());
            stream.shutdown().await.unwrap();
            assert_eq!(
                read_all(&mut stream).await,
                format!("mode=headers\nstreamtype={stream_type}\nx-multi=a\nx-multi=b{i}")
            );
        }
        conn.close().await;
        assert!(matches!(conn.closed().await, CloseReason::Closed));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_streams_move_four_megabytes_each() {
    with_timeout(async {
        let peer = go_peer().await;
        let conn = peer.connect("/", None).await;
        let mut tasks = Vec::new();
        for i in 0..32u64 {
            let conn = conn.clone();
            tasks.push(tokio::spawn(async move {
                let stream = conn.create_stream(mode("echo")).await.unwrap();
                echo_pattern(stream, 4_000_000, i << 40).await;
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert!(!conn.is_closed());
        // The server sends as much as it is asked for, too.
        let mut stream = conn
            .create_stream(mode("source").with("size", "3000000"))
            .await
            .unwrap();
        let mut got = Vec::new();
        stream.read_to_end(&mut got).await.unwrap();
        assert_eq!(got.len(), 3_000_000);
        assert!(got.iter().enumerate().all(|(i, b)| *b == pattern(i as u64)));
        conn.close().await;
    })
    .await;
}

#[tokio::test]
async fn half_close_lets_go_see_eof_and_answer() {
    with_timeout(async {
        let peer = go_peer().await;
        let conn = peer.connect("/", None).await;
        let mut stream = conn.create_stream(mode("half-close")).await.unwrap();
        stream.write_all(&[b'x'; 1000]).await.unwrap();
        stream.shutdown().await.unwrap();
        // Go's answer comes after our FIN, then its own FIN: end of file.
        assert_eq!(read_all(&mut stream).await, "saw EOF after 1000 bytes");
        let error = stream.write_all(b"more").await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
        // Both sides finished: dropping the stream sends nothing, the connection is fine.
        drop(stream);
        let mut stream = conn.create_stream(mode("echo")).await.unwrap();
        stream.write_all(b"again").await.unwrap();
        stream.shutdown().await.unwrap();
        assert_eq!(read_all(&mut stream).await, "again");
    })
    .await;
}

fn downcast(error: std::io::Error) -> Error {
    *error.into_inner().unwrap().downcast::<Error>().unwrap()
}

#[tokio::test]
async fn a_reset_from_go_ends_reads_and_fails_writes() {
    with_timeout(async {
        let peer = go_peer().await;
        let conn = peer.connect("/", None).await;

        // As spdystream's readers see it: end of file; writes fail.
        let mut stream = conn.create_stream(mode("reset")).await.unwrap();
        assert_eq!(stream.read(&mut [0u8; 16]).await.unwrap(), 0);
        let error = stream.write_all(b"x").await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
        let error = downcast(error);
        assert!(
            matches!(
                error,
                Error::Reset {
                    status: RstStatus::Cancel,
                    ..
                }
            ),
            "{error}"
        );

        // Data first, then the reset: the data is read, then end of file.
        let mut stream = conn.create_stream(mode("write-reset")).await.unwrap();
        let mut got = [0u8; 12];
        stream.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"before reset");
        assert_eq!(stream.read(&mut got).await.unwrap(), 0);

        // Our reset reaches Go: its echo loop ends; the connection goes on.
        let mut stream = conn.create_stream(mode("echo")).await.unwrap();
        stream.write_all(b"x").await.unwrap();
        stream.reset();
        let error = downcast(stream.read(&mut got).await.unwrap_err());
        assert!(matches!(error, Error::ResetLocally { .. }), "{error}");
        let mut stream = conn.create_stream(mode("echo")).await.unwrap();
        stream.write_all(b"still up").await.unwrap();
        stream.shutdown().await.unwrap();
        assert_eq!(read_all(&mut stream).await, "still up");
    })
    .await;
}

/// Go ends the connection while a stream is open and another is idle: `closed()`
/// resolves, every stream ends, nothing hangs.
async fn server_ends_connection(how: &str, greeting: &str) {
    let peer = go_peer().await;
    let conn = peer.connect("/", None).await;
    let mut idle = conn.create_stream(mode("hold")).await.unwrap();
    let mut stream = conn.create_stream(mode(how)).await.unwrap();
    let mut got = vec![0u8; greeting.len()];
    stream.read_exact(&mut got).await.unwrap();
    assert_eq!(got, greeting.as_bytes());
    let reason = timeout(Duration::from_secs(30), conn.closed())
        .await
        .expect("closed() did not resolve");
    assert!(
        matches!(reason, CloseReason::PeerClosed | CloseReason::Io(_)),
        "{reason}"
    );
    // Go's close resets the streams first; a dropped connection ends them: reads end
    // with an error either way (or end of file if a FIN made it).
    for stream in [&mut stream, &mut idle] {
        let result = stream.read(&mut got).await;
        assert!(matches!(result, Err(_) | Ok(0)), "{result:?}");
        assert!(stream.write_all(b"x").await.is_err());
    }
    let result = conn.create_stream(mode("echo")).await;
    assert!(
        matches!(result, Err(Error::ConnectionClosed(_) | Error::GoneAway)),
        "{result:?}"
    );
    assert!(conn.ping().await.is_err());
}

#[tokio::test]
async fn go_closing_the_connection_ends_every_stream() {
    with_timeout(server_ends_connection("close-conn", "closing")).await;
}

#[tokio::test]
async fn go_dropping_the_connection_ends_every_stream() {
    with_timeout(server_ends_connection("drop-conn", "dropping")).await;
}

#[tokio::test]
async fn pings_are_answered_both_ways() {
    with_timeout(async {
        let peer = go_peer().await;
        // spdystream directly, so the Go side can ping us and reply with headers.
        let conn = peer.connect("/raw", Some(Duration::from_millis(50))).await;
        let mut stream = conn.create_stream(mode("ping")).await.unwrap();
        assert_eq!(stream.headers().get("x-stream-id"), Some("1"));
        assert_eq!(stream.headers().get_all("X-Multi"), ["one", "two"]);
        assert_eq!(read_all(&mut stream).await, "pong");
        // Go answers ours.
        for _ in 0..3 {
            let rtt = timeout(Duration::from_secs(10), conn.ping())
                .await
                .expect("Go did not answer the ping")
                .unwrap();
            assert!(rtt < Duration::from_secs(10));
        }
        // And the kubelet-style server, with our periodic pings flowing meanwhile.
        let conn = peer.connect("/", Some(Duration::from_millis(20))).await;
        timeout(Duration::from_secs(10), conn.ping())
            .await
            .unwrap()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut stream = conn.create_stream(mode("echo")).await.unwrap();
        stream.write_all(b"alive").await.unwrap();
        stream.shutdown().await.unwrap();
        assert_eq!(read_all(&mut stream).await, "alive");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_megabytes_through_one_stream() {
    with_timeout(async {
        let peer = go_peer().await;
        let conn = peer.connect("/", None).await;
        let stream = conn.create_stream(mode("echo")).await.unwrap();
        let size = 100 * 1024 * 1024;
        let start = Instant::now();
        echo_pattern(stream, size, 7).await;
        let elapsed = start.elapsed();
        println!(
            "100 MiB echoed through one SPDY stream in {elapsed:?}: {:.1} MiB/s each way",
            100.0 / elapsed.as_secs_f64()
        );
        conn.close().await;
    })
    .await;
}
