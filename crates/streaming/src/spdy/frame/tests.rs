#![allow(clippy::unwrap_used)]

use super::*;
use crate::spdy::compress::HeaderCompressor;
use crate::spdy::dictionary::HEADER_DICTIONARY;

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn decode_all(decoder: &mut FrameDecoder, bytes: &[u8]) -> Result<Vec<Frame>, FrameError> {
    let mut buf = BytesMut::from(bytes);
    let mut frames = Vec::new();
    while let Some(frame) = decoder.decode(&mut buf)? {
        frames.push(frame);
    }
    assert!(buf.is_empty(), "{} bytes left over", buf.len());
    Ok(frames)
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

#[test]
fn dictionary_is_the_spdy3_one() {
    assert_eq!(HEADER_DICTIONARY.len(), 1423);
    // The dictionary id every SPDY/3 zlib stream names (bytes 2..6 of a Go block).
    assert_eq!(adler32(HEADER_DICTIONARY), 0xe3c6_a7c2);
}

fn every_frame() -> Vec<Frame> {
    vec![
        Frame::SynStream {
            stream_id: 1,
            associated_to: 0,
            priority: 0,
            fin: false,
            unidirectional: false,
            headers: Headers::from([("streamtype", "error")]),
        },
        Frame::SynStream {
            stream_id: 3,
            associated_to: 1,
            priority: 7,
            fin: true,
            unidirectional: true,
            headers: Headers::from([("streamtype", "stdout"), ("port", "8080"), ("port", "9090")]),
        },
        Frame::SynReply {
            stream_id: 1,
            fin: false,
            headers: Headers::new(),
        },
        Frame::SynReply {
            stream_id: 3,
            fin: true,
            headers: Headers::from([("x-multi", "one"), ("x-multi", "two"), ("empty", "")]),
        },
        Frame::RstStream {
            stream_id: 5,
            status: RstStatus::Cancel,
        },
        Frame::RstStream {
            stream_id: 7,
            status: RstStatus::Other(99),
        },
        Frame::Settings {
            clear: true,
            entries: vec![
                Setting {
                    flags: 1,
                    id: 7,
                    value: 65536,
                },
                Setting {
                    flags: 0,
                    id: 4,
                    value: 100,
                },
            ],
        },
        Frame::Settings {
            clear: false,
            entries: vec![],
        },
        Frame::Ping { id: 1 },
        Frame::Ping { id: 0xFFFF_FFFE },
        Frame::GoAway {
            last_good_stream_id: 9,
            status: 2,
        },
        Frame::Headers {
            stream_id: 3,
            fin: true,
            headers: Headers::from([("port", "8080")]),
        },
        Frame::WindowUpdate {
            stream_id: 0,
            delta: 4096,
        },
        Frame::Data {
            stream_id: 3,
            fin: false,
            data: Bytes::from_static(b"hello"),
        },
        Frame::Data {
            stream_id: MAX_STREAM_ID,
            fin: true,
            data: Bytes::new(),
        },
        Frame::Data {
            stream_id: 1,
            fin: false,
            data: Bytes::from(vec![0xA5; 200_000]),
        },
        Frame::Unknown { frame_type: 10 },
    ]
}

#[test]
fn every_frame_type_round_trips() {
    let mut encoder = FrameEncoder::new();
    let mut decoder = FrameDecoder::new();
    let frames = every_frame();
    // One frame at a time, then all at once: the compression contexts carry over.
    for frame in &frames {
        let mut out = BytesMut::new();
        encoder.encode(frame, &mut out).unwrap();
        assert_eq!(
            &decode_all(&mut decoder, &out).unwrap(),
            std::slice::from_ref(frame)
        );
    }
    let mut out = BytesMut::new();
    for frame in &frames {
        encoder.encode(frame, &mut out).unwrap();
    }
    assert_eq!(decode_all(&mut decoder, &out).unwrap(), frames);
}

#[test]
fn frames_arrive_in_pieces() {
    let mut encoder = FrameEncoder::new();
    let mut out = BytesMut::new();
    for frame in every_frame() {
        encoder.encode(&frame, &mut out).unwrap();
    }
    let mut decoder = FrameDecoder::new();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for byte in out.iter() {
        buf.put_u8(*byte);
        while let Some(frame) = decoder.decode(&mut buf).unwrap() {
            frames.push(frame);
        }
    }
    assert_eq!(frames, every_frame());
}

/// Frames written by spdystream's framer (the `frames` command of
/// tests/spdy_peer), in order on one compression context.
const GO_FRAMES: &[(&str, &str)] = &[
    (
        "syn_stream_1",
        "80030001000000290000000100000000000078f9e3c6a7c26260606004a7b392a2d4c45c6851c29a0a0a6800000000ffff",
    ),
    (
        "syn_stream_3",
        "800300010100001900000003000000000000c22ac5565c92925f5a02000000ffff",
    ),
    (
        "syn_reply_1",
        "800300020000000e000000016260606000000000ffff",
    ),
    (
        "syn_reply_3",
        "800300020000001d0000000382cab357e8e696e69464820bf6bc548692f27c00000000ffff",
    ),
    (
        "headers_3",
        "80030008000000160000000382cab014e41781f38f85818501000000ffff",
    ),
    ("rst_stream", "80030003000000080000000500000003"),
    (
        "settings",
        "80030004000000140000000201000007000100000000000400000064",
    ),
    ("ping", "800300060000000400000007"),
    ("goaway", "80030007000000080000000900000002"),
    ("window_update", "80030009000000080000000300001000"),
    ("data", "000000030100000568656c6c6f"),
];

fn go_frames_expected() -> Vec<Frame> {
    vec![
        Frame::SynStream {
            stream_id: 1,
            associated_to: 0,
            priority: 0,
            fin: false,
            unidirectional: false,
            headers: Headers::from([("streamtype", "error")]),
        },
        Frame::SynStream {
            stream_id: 3,
            associated_to: 0,
            priority: 0,
            fin: true,
            unidirectional: false,
            headers: Headers::from([("streamtype", "stdout")]),
        },
        Frame::SynReply {
            stream_id: 1,
            fin: false,
            headers: Headers::new(),
        },
        Frame::SynReply {
            stream_id: 3,
            fin: false,
            headers: Headers::from([("x-multi", "one"), ("x-multi", "two")]),
        },
        Frame::Headers {
            stream_id: 3,
            fin: false,
            headers: Headers::from([("port", "8080")]),
        },
        Frame::RstStream {
            stream_id: 5,
            status: RstStatus::RefusedStream,
        },
        Frame::Settings {
            clear: false,
            entries: vec![
                Setting {
                    flags: 1,
                    id: 7,
                    value: 65536,
                },
                Setting {
                    flags: 0,
                    id: 4,
                    value: 100,
                },
            ],
        },
        Frame::Ping { id: 7 },
        Frame::GoAway {
            last_good_stream_id: 9,
            status: 2,
        },
        Frame::WindowUpdate {
            stream_id: 3,
            delta: 4096,
        },
        Frame::Data {
            stream_id: 3,
            fin: true,
            data: Bytes::from_static(b"hello"),
        },
    ]
}

#[test]
fn reads_what_the_go_framer_writes() {
    let mut decoder = FrameDecoder::new();
    let mut frames = Vec::new();
    for (name, bytes) in GO_FRAMES {
        let mut decoded = decode_all(&mut decoder, &hex(bytes)).unwrap();
        assert_eq!(decoded.len(), 1, "{name}");
        frames.append(&mut decoded);
    }
    assert_eq!(frames, go_frames_expected());
}

#[test]
fn writes_what_the_go_framer_writes() {
    // Frames without header blocks are byte for byte the same; header blocks differ
    // only in how zlib chose to compress, so they are checked by decoding (above, and
    // by the Go peer of the integration tests).
    let mut encoder = FrameEncoder::new();
    for ((name, bytes), frame) in GO_FRAMES.iter().zip(go_frames_expected()).skip(5) {
        let mut out = BytesMut::new();
        encoder.encode(&frame, &mut out).unwrap();
        assert_eq!(out.as_ref(), hex(bytes).as_slice(), "{name}");
    }
}

#[test]
fn header_blocks_share_one_context_per_direction() {
    let mut encoder = FrameEncoder::new();
    let headers = Headers::from([("streamtype", "stdout"), ("port", "8080")]);
    let mut first = BytesMut::new();
    let frame = Frame::SynReply {
        stream_id: 1,
        fin: false,
        headers: headers.clone(),
    };
    encoder.encode(&frame, &mut first).unwrap();
    let mut second = BytesMut::new();
    encoder.encode(&frame, &mut second).unwrap();
    // The second block refers back to the first: shorter, and only decodable after it.
    assert!(
        second.len() < first.len(),
        "{} vs {}",
        second.len(),
        first.len()
    );
    assert_eq!(&first[HEADER_LEN + 4..HEADER_LEN + 6], &[0x78, 0xBB]);
    assert!(FrameDecoder::new().decode(&mut second.clone()).is_err());
    let mut decoder = FrameDecoder::new();
    let mut both = first;
    both.extend_from_slice(&second);
    assert_eq!(
        decode_all(&mut decoder, &both).unwrap(),
        vec![frame.clone(), frame]
    );
}

/// A `SYN_REPLY` for stream 1 carrying `compressed` as its header block.
fn syn_reply_with_block(compressed: &[u8]) -> BytesMut {
    let mut out = BytesMut::new();
    put_control_header(&mut out, TYPE_SYN_REPLY, 0, 4 + compressed.len());
    out.put_u32(1);
    out.put_slice(compressed);
    out
}

fn compress(block: &[u8]) -> Vec<u8> {
    let mut compressed = Vec::new();
    HeaderCompressor::new()
        .compress(block, &mut compressed)
        .unwrap();
    compressed
}

fn decode_one(bytes: &[u8]) -> Result<Option<Frame>, FrameError> {
    FrameDecoder::new().decode(&mut BytesMut::from(bytes))
}

#[test]
fn decompression_bombs_stop_at_the_limit() {
    // One header whose value is 64 MiB of zeros: a few tens of KiB compressed.
    let value_len = 64 * 1024 * 1024;
    let mut compressor = HeaderCompressor::new();
    let mut compressed = Vec::new();
    let mut head = Vec::new();
    head.put_u32(1);
    head.put_u32(1);
    head.put_u8(b'a');
    head.put_u32(value_len);
    compressor.compress(&head, &mut compressed).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        compressor.compress(&zeros, &mut compressed).unwrap();
    }
    assert!(
        compressed.len() < MAX_CONTROL_FRAME_LENGTH,
        "{}",
        compressed.len()
    );
    let frame = syn_reply_with_block(&compressed);
    assert_eq!(
        decode_one(&frame),
        Err(FrameError::HeaderBlockTooLarge {
            limit: MAX_HEADER_BLOCK_SIZE
        })
    );
}

#[test]
fn hostile_header_blocks_are_typed_errors() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("huge count", vec![0xFF, 0xFF, 0xFF, 0xFF]),
        ("count beyond the block", vec![0, 0, 0, 5, 0, 0, 0, 1, b'a']),
        (
            "name past the end",
            vec![0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0],
        ),
        (
            "value past the end",
            vec![0, 0, 0, 1, 0, 0, 0, 1, b'a', 0x7F, 0, 0, 0],
        ),
        ("trailing bytes", vec![0, 0, 0, 0, 1, 2, 3, 4]),
        ("empty", vec![]),
    ];
    for (name, block) in cases {
        let result = decode_one(&syn_reply_with_block(&compress(&block)));
        assert!(
            matches!(
                result,
                Err(FrameError::MalformedHeaderBlock(_) | FrameError::TooManyHeaders { .. })
            ),
            "{name}: {result:?}"
        );
    }
    // Not zlib at all, and zlib with another dictionary.
    let result = decode_one(&syn_reply_with_block(b"definitely not zlib"));
    assert!(
        matches!(result, Err(FrameError::Compression(_))),
        "{result:?}"
    );
    let mut other = flate2::Compress::new(flate2::Compression::default(), true);
    other.set_dictionary(b"another dictionary").unwrap();
    let mut compressed = Vec::with_capacity(256);
    other
        .compress_vec(&[0, 0, 0, 0], &mut compressed, flate2::FlushCompress::Sync)
        .unwrap();
    let result = decode_one(&syn_reply_with_block(&compressed));
    assert!(
        matches!(result, Err(FrameError::Compression(_))),
        "{result:?}"
    );
    // Too many entries for the limit, even if they would fit.
    let mut block = Vec::new();
    block.put_u32(1001);
    for i in 0..1001u32 {
        let name = format!("h{i}");
        block.put_u32(u32::try_from(name.len()).unwrap());
        block.put_slice(name.as_bytes());
        block.put_u32(0);
    }
    assert_eq!(
        decode_one(&syn_reply_with_block(&compress(&block))),
        Err(FrameError::TooManyHeaders {
            count: 1001,
            limit: MAX_HEADERS
        })
    );
}

#[test]
fn hostile_frames_are_typed_errors() {
    let invalid = |bytes: &str| decode_one(&hex(bytes));
    // A control frame announcing 16 MiB: refused from its header alone.
    assert_eq!(
        invalid("8003000200ffffff"),
        Err(FrameError::ControlFrameTooLarge {
            length: 0xFF_FFFF,
            limit: MAX_CONTROL_FRAME_LENGTH
        })
    );
    assert_eq!(
        invalid("800200060000000400000001"),
        Err(FrameError::UnsupportedVersion { version: 2 })
    );
    for (bytes, frame) in [
        ("80030003000000080000000000000005", "RST_STREAM"), // stream 0
        ("80030003000000080000000100000000", "RST_STREAM"), // status 0
        ("800300030000000400000001", "RST_STREAM"),         // short
        ("80030006000000080000000100000001", "PING"),
        ("800300070000000400000001", "GOAWAY"),
        ("800300090000000400000001", "WINDOW_UPDATE"),
        ("80030004000000080000000200000000", "SETTINGS"), // 2 entries in 4 bytes
        ("8003000400000000", "SETTINGS"),
        ("800300010000000400000001", "SYN_STREAM"),
        ("8003000200000000", "SYN_REPLY"),
        ("8003000800000002ffff", "HEADERS"),
        ("0000000000000001ff", "DATA"), // stream 0
    ] {
        match invalid(bytes) {
            Err(FrameError::InvalidFrame { frame: f, .. }) => assert_eq!(f, frame, "{bytes}"),
            Ok(None) => panic!("{bytes}: waits for more bytes"),
            other => panic!("{bytes}: {other:?}"),
        }
    }
}

#[test]
fn large_announced_lengths_reserve_no_more_than_the_frame() {
    let mut decoder = FrameDecoder::new();
    // A data frame announcing the largest length: waits for it, reserving at most
    // the frame itself.
    let mut buf = BytesMut::from(&hex("0000000100ffffff")[..]);
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert!(
        buf.capacity() <= HEADER_LEN + MAX_LENGTH_FIELD + 64,
        "{}",
        buf.capacity()
    );
    // Truncated frames wait for the rest; nothing is consumed.
    let mut buf = BytesMut::from(&hex("80030006000000040000")[..]);
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert_eq!(buf.len(), 10);
}

#[test]
fn garbage_never_panics() {
    // Random bytes, and valid frames with random bit flips and cuts.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut valid = BytesMut::new();
    let mut encoder = FrameEncoder::new();
    for frame in every_frame() {
        encoder.encode(&frame, &mut valid).unwrap();
    }
    let mut errors = 0;
    for round in 0..3000 {
        let mut bytes = if round % 2 == 0 {
            let len = usize::try_from(next() % 256).unwrap();
            (0..len)
                .map(|_| next().to_le_bytes()[0])
                .collect::<Vec<_>>()
        } else {
            let mut bytes = valid.to_vec();
            for _ in 0..1 + next() % 8 {
                let at = usize::try_from(next()).unwrap() % bytes.len();
                bytes[at] ^= 1 << (next() % 8);
            }
            bytes
        };
        if round % 3 == 0 {
            let cut = usize::try_from(next()).unwrap() % (bytes.len() + 1);
            bytes.truncate(cut);
        }
        let mut decoder = FrameDecoder::new();
        let mut buf = BytesMut::from(&bytes[..]);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
        }
    }
    // Enough inputs were rejected for the error paths to have run.
    assert!(errors > 300, "{errors}");
}

#[test]
fn headers_too_large_to_send_are_refused_before_compressing() {
    let mut encoder = FrameEncoder::new();
    let big = Headers::from([("x", "y".repeat(MAX_HEADER_BLOCK_SIZE))]);
    let frame = Frame::SynStream {
        stream_id: 1,
        associated_to: 0,
        priority: 0,
        fin: false,
        unidirectional: false,
        headers: big,
    };
    let mut out = BytesMut::new();
    assert_eq!(
        encoder.encode(&frame, &mut out),
        Err(FrameError::HeaderBlockTooLarge {
            limit: MAX_HEADER_BLOCK_SIZE
        })
    );
    assert!(out.is_empty());
    let many: Headers = (0..=MAX_HEADERS).map(|i| (format!("h{i}"), "")).collect();
    assert!(matches!(
        check_headers(&many),
        Err(FrameError::TooManyHeaders { .. })
    ));
    // The encoder still works: nothing went into the compression context.
    let ok = Frame::SynReply {
        stream_id: 1,
        fin: false,
        headers: Headers::from([("a", "b")]),
    };
    encoder.encode(&ok, &mut out).unwrap();
    assert_eq!(
        decode_all(&mut FrameDecoder::new(), &out).unwrap(),
        vec![ok]
    );
}
