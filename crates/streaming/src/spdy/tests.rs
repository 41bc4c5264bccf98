//! The connection against a scripted peer that speaks raw frames.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::timeout;

use super::frame::{Frame, FrameDecoder, FrameEncoder};
use super::*;

/// The server side, written by hand.
struct Peer {
    io: DuplexStream,
    encoder: FrameEncoder,
    decoder: FrameDecoder,
    buf: BytesMut,
}

impl Peer {
    async fn send(&mut self, frame: Frame) {
        let mut out = BytesMut::new();
        self.encoder.encode(&frame, &mut out).unwrap();
        self.io.write_all(&out).await.unwrap();
    }

    /// The next frame, `None` at end of file.
    async fn recv(&mut self) -> Option<Frame> {
        loop {
            if let Some(frame) = self.decoder.decode(&mut self.buf).unwrap() {
                return Some(frame);
            }
            if self.io.read_buf(&mut self.buf).await.unwrap() == 0 {
                return None;
            }
        }
    }

    async fn expect(&mut self) -> Frame {
        timeout(Duration::from_secs(10), self.recv())
            .await
            .expect("no frame within 10 s")
            .expect("end of file instead of a frame")
    }

    /// Answers the next `SYN_STREAM`; returns its id and headers.
    async fn accept(&mut self, reply: Headers) -> (u32, Headers) {
        match self.expect().await {
            Frame::SynStream {
                stream_id, headers, ..
            } => {
                self.send(Frame::SynReply {
                    stream_id,
                    fin: false,
                    headers: reply,
                })
                .await;
                (stream_id, headers)
            }
            other => panic!("expected SYN_STREAM, got {other:?}"),
        }
    }

    async fn data(&mut self, stream_id: u32, data: &[u8], fin: bool) {
        self.send(Frame::Data {
            stream_id,
            fin,
            data: Bytes::copy_from_slice(data),
        })
        .await;
    }
}

fn pair(ping_period: Option<Duration>) -> (Connection, Peer) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let conn = Connection::client(client, ping_period);
    let peer = Peer {
        io: server,
        encoder: FrameEncoder::new(),
        decoder: FrameDecoder::new(),
        buf: BytesMut::new(),
    };
    (conn, peer)
}

async fn open(conn: &Connection, peer: &mut Peer) -> Stream {
    let (stream, _) = tokio::join!(
        conn.create_stream(Headers::from([("streamType", "data")])),
        peer.accept(Headers::new())
    );
    stream.unwrap()
}

fn error_of(result: std::io::Result<impl std::fmt::Debug>) -> Error {
    let error = result.unwrap_err();
    let kind = error.kind();
    let inner = *error.into_inner().unwrap().downcast::<Error>().unwrap();
    assert_eq!(inner.io_kind(), kind);
    inner
}

#[tokio::test]
async fn streams_open_carry_data_and_half_close() {
    let (conn, mut peer) = pair(None);
    let (stream, (id, headers)) = tokio::join!(
        conn.create_stream(Headers::from([("streamType", "stdout"), ("Port", "80")])),
        peer.accept(Headers::from([("x-reply", "yes")]))
    );
    let mut stream = stream.unwrap();
    assert_eq!(id, 1);
    assert_eq!(stream.id(), 1);
    assert_eq!(
        headers,
        Headers::from([("streamtype", "stdout"), ("port", "80")])
    );
    assert_eq!(stream.headers().get("X-Reply"), Some("yes"));

    stream.write_all(b"abc").await.unwrap();
    stream.shutdown().await.unwrap();
    assert_eq!(
        peer.expect().await,
        Frame::Data {
            stream_id: 1,
            fin: false,
            data: Bytes::from_static(b"abc")
        }
    );
    assert_eq!(
        peer.expect().await,
        Frame::Data {
            stream_id: 1,
            fin: true,
            data: Bytes::new()
        }
    );
    let error = error_of(stream.write_all(b"late").await);
    assert!(
        matches!(error, Error::WriteAfterClose { stream_id: 1 }),
        "{error}"
    );

    peer.data(1, b"xyz", false).await;
    peer.data(1, b"", true).await;
    let mut got = Vec::new();
    stream.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"xyz");

    // Ids go up by two; a write larger than a frame is cut into frames.
    let mut second = open(&conn, &mut peer).await;
    assert_eq!(second.id(), 3);
    let big = vec![7u8; MAX_DATA_FRAME_PAYLOAD + 10];
    // (No flush: the pipe holds less than this until the peer reads.)
    second.write_all(&big).await.unwrap();
    match peer.expect().await {
        Frame::Data {
            stream_id: 3,
            data,
            fin: false,
        } => {
            assert_eq!(data.len(), MAX_DATA_FRAME_PAYLOAD);
        }
        other => panic!("{other:?}"),
    }
    match peer.expect().await {
        Frame::Data {
            stream_id: 3,
            data,
            fin: false,
        } => assert_eq!(data.len(), 10),
        other => panic!("{other:?}"),
    }
    // Dropping an unfinished stream resets it; a finished one is left alone.
    drop(stream);
    drop(second);
    assert_eq!(
        peer.expect().await,
        Frame::RstStream {
            stream_id: 3,
            status: RstStatus::Cancel
        }
    );
}

#[tokio::test]
async fn peer_streams_are_refused_and_pings_answered() {
    let (conn, mut peer) = pair(None);
    peer.send(Frame::SynStream {
        stream_id: 2,
        associated_to: 0,
        priority: 0,
        fin: false,
        unidirectional: false,
        headers: Headers::from([("streamtype", "data")]),
    })
    .await;
    assert_eq!(
        peer.expect().await,
        Frame::RstStream {
            stream_id: 2,
            status: RstStatus::RefusedStream
        }
    );
    // Flow control frames are ignored; the connection goes on.
    peer.send(Frame::Settings {
        clear: false,
        entries: vec![],
    })
    .await;
    peer.send(Frame::WindowUpdate {
        stream_id: 0,
        delta: 1,
    })
    .await;
    peer.send(Frame::Unknown { frame_type: 42 }).await;
    peer.send(Frame::Ping { id: 2 }).await;
    assert_eq!(peer.expect().await, Frame::Ping { id: 2 });

    // Our ping, echoed by the peer.
    let (rtt, ()) = tokio::join!(conn.ping(), async {
        let frame = peer.expect().await;
        assert_eq!(frame, Frame::Ping { id: 1 });
        peer.send(frame).await;
    });
    rtt.unwrap();
    assert!(!conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn pings_go_out_every_period() {
    let (_conn, mut peer) = pair(Some(Duration::from_millis(100)));
    let start = tokio::time::Instant::now();
    for id in [1, 3, 5] {
        assert_eq!(peer.expect().await, Frame::Ping { id });
    }
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn peer_reset_ends_reads_after_the_data_and_fails_writes() {
    let (conn, mut peer) = pair(None);
    let mut stream = open(&conn, &mut peer).await;
    peer.data(1, b"unread", false).await;
    peer.send(Frame::RstStream {
        stream_id: 1,
        status: RstStatus::InternalError,
    })
    .await;
    // What was sent before the reset is read, then end of file (spdystream's readers).
    let mut read = Vec::new();
    stream.read_to_end(&mut read).await.unwrap();
    assert_eq!(read, b"unread");
    let error = error_of(stream.write(b"x").await);
    assert!(
        matches!(
            error,
            Error::Reset {
                stream_id: 1,
                status: RstStatus::InternalError
            }
        ),
        "{error}"
    );
    assert!(stream.is_reset());
    // Dropping it sends nothing more; the connection is fine.
    drop(stream);
    let stream = open(&conn, &mut peer).await;
    assert_eq!(stream.id(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_reply_that_never_comes_times_out_and_resets() {
    let (conn, mut peer) = pair(None);
    let result = conn
        .create_stream_timeout(Headers::new(), Duration::from_secs(1))
        .await;
    assert!(
        matches!(result, Err(Error::Timeout { stream_id: 1, .. })),
        "{result:?}"
    );
    assert!(matches!(
        peer.expect().await,
        Frame::SynStream { stream_id: 1, .. }
    ));
    assert_eq!(
        peer.expect().await,
        Frame::RstStream {
            stream_id: 1,
            status: RstStatus::Cancel
        }
    );
    // A reply refused by RST_STREAM fails creation.
    let (result, ()) = tokio::join!(conn.create_stream(Headers::new()), async {
        assert!(matches!(
            peer.expect().await,
            Frame::SynStream { stream_id: 3, .. }
        ));
        peer.send(Frame::RstStream {
            stream_id: 3,
            status: RstStatus::RefusedStream,
        })
        .await;
    });
    assert!(
        matches!(
            result,
            Err(Error::Reset {
                stream_id: 3,
                status: RstStatus::RefusedStream
            })
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn garbage_ends_the_connection_with_a_protocol_error() {
    let (conn, mut peer) = pair(None);
    let mut stream = open(&conn, &mut peer).await;
    let pending = tokio::spawn({
        let conn = conn.clone();
        async move { conn.create_stream(Headers::new()).await }
    });
    assert!(matches!(
        peer.expect().await,
        Frame::SynStream { stream_id: 3, .. }
    ));
    peer.io
        .write_all(&[0x80, 0x02, 0, 1, 0, 0, 0, 0])
        .await
        .unwrap();
    let reason = timeout(Duration::from_secs(10), conn.closed())
        .await
        .unwrap();
    assert!(
        matches!(
            reason,
            CloseReason::Protocol(FrameError::UnsupportedVersion { version: 2 })
        ),
        "{reason}"
    );
    let result = pending.await.unwrap();
    assert!(
        matches!(result, Err(Error::ConnectionClosed(_))),
        "{result:?}"
    );
    let error = error_of(stream.read(&mut [0u8; 4]).await);
    assert!(
        matches!(error, Error::ConnectionClosed(CloseReason::Protocol(_))),
        "{error}"
    );
    // The transport is dropped.
    assert!(peer.recv().await.is_none());
    let result = conn.create_stream(Headers::new()).await;
    assert!(
        matches!(result, Err(Error::ConnectionClosed(_))),
        "{result:?}"
    );
    assert!(conn.ping().await.is_err());
}

#[tokio::test]
async fn a_decompression_bomb_ends_the_connection() {
    let (conn, mut peer) = pair(None);
    // The peer's first header block: one value of 8 MiB of zeros (8 KiB compressed).
    let mut block = Vec::new();
    block.extend_from_slice(&1u32.to_be_bytes());
    block.extend_from_slice(&1u32.to_be_bytes());
    block.push(b'a');
    block.extend_from_slice(&(8u32 << 20).to_be_bytes());
    block.extend(std::iter::repeat_n(0u8, 8 << 20));
    let mut compressed = Vec::new();
    super::compress::HeaderCompressor::new()
        .compress(&block, &mut compressed)
        .unwrap();
    assert!(compressed.len() < 64 * 1024, "{}", compressed.len());
    let mut frame = Vec::new();
    frame.extend_from_slice(&[0x80, 0x03, 0x00, 0x08]);
    frame.extend_from_slice(&u32::try_from(4 + compressed.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(&1u32.to_be_bytes());
    frame.extend_from_slice(&compressed);
    peer.io.write_all(&frame).await.unwrap();
    let reason = timeout(Duration::from_secs(10), conn.closed())
        .await
        .unwrap();
    assert!(
        matches!(
            reason,
            CloseReason::Protocol(FrameError::HeaderBlockTooLarge { .. })
        ),
        "{reason}"
    );
}

#[tokio::test]
async fn the_peer_going_away_ends_every_stream() {
    let (conn, mut peer) = pair(None);
    let mut finished = open(&conn, &mut peer).await;
    let mut buffered = open(&conn, &mut peer).await;
    let mut idle = open(&conn, &mut peer).await;
    peer.data(1, b"all of it", true).await;
    peer.data(3, b"part", false).await;
    // A frame cut short by the end of the transport.
    peer.io
        .write_all(&[0, 0, 0, 5, 0, 0, 0, 100, 1, 2])
        .await
        .unwrap();
    drop(peer);
    let reason = timeout(Duration::from_secs(10), conn.closed())
        .await
        .unwrap();
    assert!(
        matches!(
            reason,
            CloseReason::Protocol(FrameError::Truncated {
                have: 10,
                need: 108
            })
        ),
        "{reason}"
    );
    let mut got = Vec::new();
    finished.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"all of it");
    let mut got = [0u8; 4];
    buffered.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"part");
    assert!(buffered.read(&mut got).await.is_err());
    assert!(idle.read(&mut got).await.is_err());
    assert!(idle.write_all(b"x").await.is_err());
    assert!(idle.flush().await.is_err());

    // A clean end of file between frames.
    let (conn, mut peer) = pair(None);
    let mut stream = open(&conn, &mut peer).await;
    drop(peer);
    assert!(matches!(
        timeout(Duration::from_secs(10), conn.closed())
            .await
            .unwrap(),
        CloseReason::PeerClosed
    ));
    let error = error_of(stream.read(&mut got).await);
    assert!(
        matches!(error, Error::ConnectionClosed(CloseReason::PeerClosed)),
        "{error}"
    );
    assert_eq!(
        std::io::Error::from(error).kind(),
        std::io::ErrorKind::UnexpectedEof
    );
}

#[tokio::test]
async fn a_full_stream_stops_the_reader_until_it_is_read() {
    let (conn, mut peer) = pair(None);
    let mut stream = open(&conn, &mut peer).await;
    let total = 8 * 1024 * 1024;
    let chunk = vec![0x5Au8; 64 * 1024];
    let Peer {
        io, mut encoder, ..
    } = peer;
    let (mut peer_read, mut peer_write) = tokio::io::split(io);
    let sender = tokio::spawn(async move {
        let mut sent = 0;
        while sent < total {
            let mut out = BytesMut::new();
            encoder
                .encode(
                    &Frame::Data {
                        stream_id: 1,
                        fin: false,
                        data: Bytes::copy_from_slice(&chunk),
                    },
                    &mut out,
                )
                .unwrap();
            peer_write.write_all(&out).await.unwrap();
            sent += chunk.len();
        }
        let mut out = BytesMut::new();
        encoder.encode(&Frame::Ping { id: 2 }, &mut out).unwrap();
        peer_write.write_all(&out).await.unwrap();
        peer_write
    });
    // Nobody reads: the sender stalls once the stream buffer and the pipe are full.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!sender.is_finished());
    // Reading drains it all, in order.
    let mut got = 0;
    let mut buf = vec![0u8; 100_000];
    while got < total {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(buf[..n].iter().all(|b| *b == 0x5A));
        got += n;
    }
    assert_eq!(got, total);
    timeout(Duration::from_secs(10), sender)
        .await
        .unwrap()
        .unwrap();
    // The ping behind the data is answered.
    let mut answer = [0u8; 12];
    timeout(Duration::from_secs(10), peer_read.read_exact(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answer, [0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 2]);
}

#[tokio::test]
async fn dropping_a_full_stream_lets_the_reader_go_on() {
    let (conn, mut peer) = pair(None);
    let stream = open(&conn, &mut peer).await;
    let chunk = vec![1u8; 60 * 1024];
    let Peer {
        io, mut encoder, ..
    } = peer;
    let (mut peer_read, mut peer_write) = tokio::io::split(io);
    let sender = tokio::spawn(async move {
        for _ in 0..100 {
            let mut out = BytesMut::new();
            let frame = Frame::Data {
                stream_id: 1,
                fin: false,
                data: Bytes::copy_from_slice(&chunk),
            };
            encoder.encode(&frame, &mut out).unwrap();
            peer_write.write_all(&out).await.unwrap();
        }
        peer_write
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!sender.is_finished());
    drop(stream);
    timeout(Duration::from_secs(10), sender)
        .await
        .unwrap()
        .unwrap();
    // The reset went out.
    let mut rst = [0u8; 16];
    peer_read.read_exact(&mut rst).await.unwrap();
    assert_eq!(&rst[..4], &[0x80, 3, 0, 3]);
    assert!(!conn.is_closed());
}

#[tokio::test]
async fn close_resets_unfinished_streams_then_goes_away() {
    let (conn, mut peer) = pair(None);
    let open_stream = open(&conn, &mut peer).await;
    let mut finished = open(&conn, &mut peer).await;
    let removed = open(&conn, &mut peer).await;
    finished.shutdown().await.unwrap();
    assert!(matches!(
        peer.expect().await,
        Frame::Data {
            stream_id: 3,
            fin: true,
            ..
        }
    ));
    conn.remove_stream(&removed);
    let (_, frames) = tokio::join!(conn.close(), async {
        let mut frames = Vec::new();
        while let Some(frame) = peer.recv().await {
            frames.push(frame);
        }
        frames
    });
    assert_eq!(
        frames,
        vec![
            Frame::RstStream {
                stream_id: 1,
                status: RstStatus::Cancel
            },
            Frame::GoAway {
                last_good_stream_id: 0,
                status: 0
            },
        ]
    );
    assert!(matches!(conn.closed().await, CloseReason::Closed));
    let result = conn.create_stream(Headers::new()).await;
    assert!(
        matches!(result, Err(Error::ConnectionClosed(CloseReason::Closed))),
        "{result:?}"
    );
    assert!(open_stream.is_reset());
    let mut removed = removed;
    let error = error_of(removed.write_all(b"x").await);
    assert!(
        matches!(error, Error::ConnectionClosed(CloseReason::Closed)),
        "{error}"
    );
    // Closing again is harmless.
    conn.close().await;
}

#[tokio::test]
async fn data_written_before_close_goes_out_first() {
    let (conn, mut peer) = pair(None);
    let mut stream = open(&conn, &mut peer).await;
    stream.write_all(b"last words").await.unwrap();
    stream.shutdown().await.unwrap();
    let (_, frames) = tokio::join!(conn.close(), async {
        let mut frames = Vec::new();
        while let Some(frame) = peer.recv().await {
            frames.push(frame);
        }
        frames
    });
    assert_eq!(frames.len(), 3, "{frames:?}");
    assert!(matches!(&frames[0], Frame::Data { data, .. } if data.as_ref() == b"last words"));
    assert!(matches!(frames[2], Frame::GoAway { .. }));
}

#[tokio::test]
async fn dropping_the_last_handle_closes() {
    let (conn, mut peer) = pair(None);
    let other = conn.clone();
    drop(conn);
    other.ping_nothing();
    drop(other);
    assert!(matches!(peer.expect().await, Frame::GoAway { .. }));
    assert!(peer.recv().await.is_none());
}

impl Connection {
    /// Keeps a clone alive until here.
    fn ping_nothing(&self) {
        assert!(!self.is_closed());
    }
}

#[tokio::test]
async fn goaway_stops_new_streams_only() {
    let (conn, mut peer) = pair(None);
    let mut stream = open(&conn, &mut peer).await;
    let pending = tokio::spawn({
        let conn = conn.clone();
        async move { conn.create_stream(Headers::new()).await }
    });
    assert!(matches!(
        peer.expect().await,
        Frame::SynStream { stream_id: 3, .. }
    ));
    peer.send(Frame::GoAway {
        last_good_stream_id: 1,
        status: 0,
    })
    .await;
    let result = pending.await.unwrap();
    assert!(matches!(result, Err(Error::GoneAway)), "{result:?}");
    assert!(conn.is_gone_away());
    let result = conn.create_stream(Headers::new()).await;
    assert!(matches!(result, Err(Error::GoneAway)), "{result:?}");
    // Stream 1 goes on.
    stream.write_all(b"still").await.unwrap();
    stream.flush().await.unwrap();
    peer.data(1, b"here", true).await;
    let mut got = String::new();
    stream.read_to_string(&mut got).await.unwrap();
    assert_eq!(got, "here");
    assert!(matches!(
        peer.expect().await,
        Frame::Data { stream_id: 1, .. }
    ));
}

#[tokio::test]
async fn headers_that_cannot_be_sent_are_refused() {
    let (conn, _peer) = pair(None);
    let result = conn
        .create_stream(Headers::from([("x", "y".repeat(MAX_HEADER_BLOCK_SIZE))]))
        .await;
    assert!(
        matches!(
            result,
            Err(Error::InvalidHeaders(
                FrameError::HeaderBlockTooLarge { .. }
            ))
        ),
        "{result:?}"
    );
    assert!(!conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn a_stalled_transport_bounds_writes_and_times_creation_out() {
    let (conn, mut peer) = pair(None);
    let stream = open(&conn, &mut peer).await;
    // The peer stops reading: the pipe, then the writer's queue fill up, then writes wait.
    let writer = tokio::spawn(async move {
        let mut stream = stream;
        let chunk = vec![0u8; MAX_DATA_FRAME_PAYLOAD];
        let mut written = 0usize;
        loop {
            stream.write_all(&chunk).await.unwrap();
            written += chunk.len();
            assert!(written < 16 * 1024 * 1024, "writes never waited");
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!writer.is_finished());
    let result = conn
        .create_stream_timeout(Headers::new(), Duration::from_secs(2))
        .await;
    assert!(
        matches!(result, Err(Error::Timeout { stream_id: 0, .. })),
        "{result:?}"
    );
    writer.abort();
    // Closing gives up on the stalled transport after its timeout.
    let start = tokio::time::Instant::now();
    conn.close().await;
    assert!(start.elapsed() >= CLOSE_TIMEOUT);
    assert!(matches!(conn.closed().await, CloseReason::Closed));
    drop(peer);
}

#[test]
fn handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Connection>();
    send_sync::<Stream>();
    send_sync::<ResetHandle>();
    send_sync::<Error>();
    send_sync::<CloseReason>();
}
