//! SPDY/3 frames: their wire form, as spdystream (Kubernetes' SPDY library) writes and
//! reads them.
//!
//! Every frame starts with 8 bytes. A control frame: `1`, the version (15 bits, 3), the
//! type (16 bits), the flags (8 bits), the payload length (24 bits). A data frame: `0`,
//! the stream id (31 bits), the flags (8 bits), the length (24 bits). Integers are big
//! endian. `SYN_STREAM`, `SYN_REPLY` and `HEADERS` end with a header block: a 32-bit
//! count, then per entry a 32-bit name length, the name, a 32-bit value length, the
//! values joined by NUL; the block travels zlib-compressed (see [`super::compress`]).

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::compress::{HeaderCompressor, HeaderDecompressor};
use super::error::{FrameError, RstStatus};
use super::headers::Headers;
use super::{MAX_CONTROL_FRAME_LENGTH, MAX_HEADER_BLOCK_SIZE, MAX_HEADERS};

/// The SPDY version of every control frame.
pub(crate) const VERSION: u16 = 3;
/// Bytes of a frame header.
pub(crate) const HEADER_LEN: usize = 8;
/// The largest length a 24-bit length field holds.
pub(crate) const MAX_LENGTH_FIELD: usize = 0x00FF_FFFF;
/// The largest stream id (31 bits).
pub(crate) const MAX_STREAM_ID: u32 = 0x7FFF_FFFF;

const TYPE_SYN_STREAM: u16 = 1;
const TYPE_SYN_REPLY: u16 = 2;
const TYPE_RST_STREAM: u16 = 3;
const TYPE_SETTINGS: u16 = 4;
const TYPE_PING: u16 = 6;
const TYPE_GOAWAY: u16 = 7;
const TYPE_HEADERS: u16 = 8;
const TYPE_WINDOW_UPDATE: u16 = 9;

const FLAG_FIN: u8 = 0x01;
const FLAG_UNIDIRECTIONAL: u8 = 0x02;
const FLAG_CLEAR_SETTINGS: u8 = 0x01;

/// One entry of a `SETTINGS` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Setting {
    pub(crate) flags: u8,
    pub(crate) id: u32,
    pub(crate) value: u32,
}

/// A SPDY/3 frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Frame {
    SynStream {
        stream_id: u32,
        associated_to: u32,
        priority: u8,
        fin: bool,
        unidirectional: bool,
        headers: Headers,
    },
    SynReply {
        stream_id: u32,
        fin: bool,
        headers: Headers,
    },
    RstStream {
        stream_id: u32,
        status: RstStatus,
    },
    Settings {
        clear: bool,
        entries: Vec<Setting>,
    },
    Ping {
        id: u32,
    },
    GoAway {
        last_good_stream_id: u32,
        status: u32,
    },
    Headers {
        stream_id: u32,
        fin: bool,
        headers: Headers,
    },
    WindowUpdate {
        stream_id: u32,
        delta: u32,
    },
    Data {
        stream_id: u32,
        fin: bool,
        data: Bytes,
    },
    /// A control frame of a type SPDY/3 does not define: skipped, as the protocol asks.
    Unknown {
        frame_type: u16,
    },
}

fn invalid(frame: &'static str, reason: &'static str) -> FrameError {
    FrameError::InvalidFrame { frame, reason }
}

/// Checks that headers can be sent: the limits the receiving side enforces.
pub(crate) fn check_headers(headers: &Headers) -> Result<(), FrameError> {
    if headers.len() > MAX_HEADERS {
        return Err(FrameError::TooManyHeaders {
            count: headers.len(),
            limit: MAX_HEADERS,
        });
    }
    let mut size = 4usize;
    for (name, values) in headers.iter() {
        let value_len = values.iter().map(String::len).sum::<usize>() + values.len().max(1) - 1;
        size = size.saturating_add(8 + name.len() + value_len);
    }
    if size > MAX_HEADER_BLOCK_SIZE {
        return Err(FrameError::HeaderBlockTooLarge {
            limit: MAX_HEADER_BLOCK_SIZE,
        });
    }
    Ok(())
}

/// The uncompressed name/value block of `headers`.
fn header_block(headers: &Headers) -> Result<Vec<u8>, FrameError> {
    check_headers(headers)?;
    let mut block = Vec::with_capacity(64);
    // Both fit in 32 bits: check_headers bounds them far below.
    block.put_u32(u32::try_from(headers.len()).unwrap_or(u32::MAX));
    for (name, values) in headers.iter() {
        block.put_u32(u32::try_from(name.len()).unwrap_or(u32::MAX));
        block.put_slice(name.as_bytes());
        let joined = values.join("\0");
        block.put_u32(u32::try_from(joined.len()).unwrap_or(u32::MAX));
        block.put_slice(joined.as_bytes());
    }
    Ok(block)
}

/// Parses a decompressed name/value block. Names are lower-cased and repeated names
/// merged (spdystream does the same after complaining).
fn parse_header_block(mut block: &[u8]) -> Result<Headers, FrameError> {
    fn take<'a>(block: &mut &'a [u8], n: usize) -> Result<&'a [u8], FrameError> {
        if block.len() < n {
            return Err(FrameError::MalformedHeaderBlock(
                "entry runs past the block",
            ));
        }
        let (head, tail) = block.split_at(n);
        *block = tail;
        Ok(head)
    }
    fn take_len(block: &mut &[u8]) -> Result<usize, FrameError> {
        let bytes = take(block, 4)?;
        let value = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        usize::try_from(value).map_err(|_| FrameError::MalformedHeaderBlock("length overflow"))
    }
    let count = take_len(&mut block)?;
    if count > MAX_HEADERS {
        return Err(FrameError::TooManyHeaders {
            count,
            limit: MAX_HEADERS,
        });
    }
    // Each entry needs at least its two length fields.
    if count > block.len() / 8 {
        return Err(FrameError::MalformedHeaderBlock(
            "entry count larger than the block",
        ));
    }
    let mut headers = Headers::new();
    for _ in 0..count {
        let name_len = take_len(&mut block)?;
        let name = String::from_utf8_lossy(take(&mut block, name_len)?).into_owned();
        let value_len = take_len(&mut block)?;
        let value = String::from_utf8_lossy(take(&mut block, value_len)?).into_owned();
        for part in value.split('\0') {
            headers.add(&name, part);
        }
    }
    if !block.is_empty() {
        return Err(FrameError::MalformedHeaderBlock(
            "bytes after the last entry",
        ));
    }
    Ok(headers)
}

fn put_control_header(out: &mut BytesMut, frame_type: u16, flags: u8, length: usize) {
    out.put_u16(0x8000 | VERSION);
    out.put_u16(frame_type);
    // Callers keep `length` within 24 bits.
    out.put_u32((u32::from(flags) << 24) | (u32::try_from(length).unwrap_or(0) & 0x00FF_FFFF));
}

fn flag(set: bool, bit: u8) -> u8 {
    if set { bit } else { 0 }
}

/// Writes frames, compressing header blocks in this direction's zlib context.
pub(crate) struct FrameEncoder {
    compressor: HeaderCompressor,
}

impl FrameEncoder {
    pub(crate) fn new() -> Self {
        Self {
            compressor: HeaderCompressor::new(),
        }
    }

    /// Appends `frame` to `out`. On error nothing is appended, but a header block
    /// that failed to compress leaves the context unusable (the connection ends).
    pub(crate) fn encode(&mut self, frame: &Frame, out: &mut BytesMut) -> Result<(), FrameError> {
        match frame {
            Frame::SynStream {
                stream_id,
                associated_to,
                priority,
                fin,
                unidirectional,
                headers,
            } => {
                check_stream_id("SYN_STREAM", *stream_id)?;
                let block = self.compressed_block(headers)?;
                let flags = flag(*fin, FLAG_FIN) | flag(*unidirectional, FLAG_UNIDIRECTIONAL);
                put_control_header(out, TYPE_SYN_STREAM, flags, 10 + block.len());
                out.put_u32(*stream_id);
                out.put_u32(*associated_to & MAX_STREAM_ID);
                out.put_u8((*priority & 0x07) << 5);
                out.put_u8(0); // credential slot
                out.put_slice(&block);
            }
            Frame::SynReply {
                stream_id,
                fin,
                headers,
            } => {
                check_stream_id("SYN_REPLY", *stream_id)?;
                let block = self.compressed_block(headers)?;
                put_control_header(out, TYPE_SYN_REPLY, flag(*fin, FLAG_FIN), 4 + block.len());
                out.put_u32(*stream_id);
                out.put_slice(&block);
            }
            Frame::Headers {
                stream_id,
                fin,
                headers,
            } => {
                check_stream_id("HEADERS", *stream_id)?;
                let block = self.compressed_block(headers)?;
                put_control_header(out, TYPE_HEADERS, flag(*fin, FLAG_FIN), 4 + block.len());
                out.put_u32(*stream_id);
                out.put_slice(&block);
            }
            Frame::RstStream { stream_id, status } => {
                check_stream_id("RST_STREAM", *stream_id)?;
                if status.code() == 0 {
                    return Err(invalid("RST_STREAM", "status 0"));
                }
                put_control_header(out, TYPE_RST_STREAM, 0, 8);
                out.put_u32(*stream_id);
                out.put_u32(status.code());
            }
            Frame::Settings { clear, entries } => {
                let length = entries
                    .len()
                    .checked_mul(8)
                    .and_then(|n| n.checked_add(4))
                    .filter(|n| *n <= MAX_CONTROL_FRAME_LENGTH)
                    .ok_or(invalid("SETTINGS", "too many entries"))?;
                put_control_header(
                    out,
                    TYPE_SETTINGS,
                    flag(*clear, FLAG_CLEAR_SETTINGS),
                    length,
                );
                out.put_u32(u32::try_from(entries.len()).unwrap_or(0));
                for entry in entries {
                    out.put_u32((u32::from(entry.flags) << 24) | (entry.id & 0x00FF_FFFF));
                    out.put_u32(entry.value);
                }
            }
            Frame::Ping { id } => {
                put_control_header(out, TYPE_PING, 0, 4);
                out.put_u32(*id);
            }
            Frame::GoAway {
                last_good_stream_id,
                status,
            } => {
                put_control_header(out, TYPE_GOAWAY, 0, 8);
                out.put_u32(*last_good_stream_id & MAX_STREAM_ID);
                out.put_u32(*status);
            }
            Frame::WindowUpdate { stream_id, delta } => {
                put_control_header(out, TYPE_WINDOW_UPDATE, 0, 8);
                out.put_u32(*stream_id & MAX_STREAM_ID);
                out.put_u32(*delta & 0x7FFF_FFFF);
            }
            Frame::Data {
                stream_id,
                fin,
                data,
            } => {
                check_stream_id("DATA", *stream_id)?;
                if data.len() > MAX_LENGTH_FIELD {
                    return Err(invalid("DATA", "payload longer than 24 bits"));
                }
                out.reserve(HEADER_LEN + data.len());
                out.put_u32(*stream_id);
                out.put_u32(
                    (u32::from(flag(*fin, FLAG_FIN)) << 24)
                        | u32::try_from(data.len()).unwrap_or(0),
                );
                out.put_slice(data);
            }
            Frame::Unknown { frame_type } => {
                put_control_header(out, *frame_type, 0, 0);
            }
        }
        Ok(())
    }

    fn compressed_block(&mut self, headers: &Headers) -> Result<Vec<u8>, FrameError> {
        let block = header_block(headers)?;
        let mut compressed = Vec::new();
        self.compressor.compress(&block, &mut compressed)?;
        if compressed.len() + 10 > MAX_CONTROL_FRAME_LENGTH {
            return Err(FrameError::HeaderBlockTooLarge {
                limit: MAX_HEADER_BLOCK_SIZE,
            });
        }
        Ok(compressed)
    }
}

fn check_stream_id(frame: &'static str, stream_id: u32) -> Result<(), FrameError> {
    if stream_id == 0 {
        return Err(invalid(frame, "stream id 0"));
    }
    if stream_id > MAX_STREAM_ID {
        return Err(invalid(frame, "stream id above 2^31"));
    }
    Ok(())
}

/// Reads frames, decompressing header blocks in this direction's zlib context.
pub(crate) struct FrameDecoder {
    decompressor: HeaderDecompressor,
}

impl FrameDecoder {
    pub(crate) fn new() -> Self {
        Self {
            decompressor: HeaderDecompressor::new(),
        }
    }

    /// Takes the next frame from the front of `buf`, or `None` (having reserved room
    /// for the rest of the frame) when `buf` does not hold a whole frame yet. A
    /// frame's length is checked against the limits as soon as its header is in.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        if buf.len() < HEADER_LEN {
            return Ok(None);
        }
        let first = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
        let second = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        let flags = u8::try_from(second >> 24).unwrap_or(0);
        let length = usize::try_from(second & 0x00FF_FFFF).unwrap_or(MAX_LENGTH_FIELD);
        let control = first & 0x8000_0000 != 0;
        if control {
            let version = u16::try_from((first >> 16) & 0x7FFF).unwrap_or(0);
            if version != VERSION {
                return Err(FrameError::UnsupportedVersion { version });
            }
            if length > MAX_CONTROL_FRAME_LENGTH {
                return Err(FrameError::ControlFrameTooLarge {
                    length,
                    limit: MAX_CONTROL_FRAME_LENGTH,
                });
            }
        }
        let total = HEADER_LEN + length;
        if buf.len() < total {
            buf.reserve(total - buf.len());
            return Ok(None);
        }
        let frame = {
            let payload = &buf[HEADER_LEN..total];
            if control {
                let frame_type = u16::try_from(first & 0xFFFF).unwrap_or(0);
                self.control_frame(frame_type, flags, payload)
            } else {
                let stream_id = first & MAX_STREAM_ID;
                if stream_id == 0 {
                    Err(invalid("DATA", "stream id 0"))
                } else {
                    // A copy: the frame must not keep the read buffer alive.
                    Ok(Frame::Data {
                        stream_id,
                        fin: flags & FLAG_FIN != 0,
                        data: Bytes::copy_from_slice(payload),
                    })
                }
            }
        };
        buf.advance(total);
        frame.map(Some)
    }

    fn control_frame(
        &mut self,
        frame_type: u16,
        flags: u8,
        mut p: &[u8],
    ) -> Result<Frame, FrameError> {
        let fin = flags & FLAG_FIN != 0;
        match frame_type {
            TYPE_SYN_STREAM => {
                if p.len() < 10 {
                    return Err(invalid("SYN_STREAM", "shorter than 10 bytes"));
                }
                let stream_id = p.get_u32() & MAX_STREAM_ID;
                let associated_to = p.get_u32() & MAX_STREAM_ID;
                let priority = p.get_u8() >> 5;
                let _slot = p.get_u8();
                // Decompress before judging the frame: the zlib context must follow
                // every block the peer compressed.
                let headers = self.headers(p)?;
                if stream_id == 0 {
                    return Err(invalid("SYN_STREAM", "stream id 0"));
                }
                Ok(Frame::SynStream {
                    stream_id,
                    associated_to,
                    priority,
                    fin,
                    unidirectional: flags & FLAG_UNIDIRECTIONAL != 0,
                    headers,
                })
            }
            TYPE_SYN_REPLY | TYPE_HEADERS => {
                let name = if frame_type == TYPE_SYN_REPLY {
                    "SYN_REPLY"
                } else {
                    "HEADERS"
                };
                if p.len() < 4 {
                    return Err(invalid(name, "shorter than 4 bytes"));
                }
                let stream_id = p.get_u32() & MAX_STREAM_ID;
                let headers = self.headers(p)?;
                if stream_id == 0 {
                    return Err(invalid(name, "stream id 0"));
                }
                Ok(if frame_type == TYPE_SYN_REPLY {
                    Frame::SynReply {
                        stream_id,
                        fin,
                        headers,
                    }
                } else {
                    Frame::Headers {
                        stream_id,
                        fin,
                        headers,
                    }
                })
            }
            TYPE_RST_STREAM => {
                if p.len() != 8 {
                    return Err(invalid("RST_STREAM", "length is not 8"));
                }
                let stream_id = p.get_u32() & MAX_STREAM_ID;
                let status = p.get_u32();
                if stream_id == 0 {
                    return Err(invalid("RST_STREAM", "stream id 0"));
                }
                if status == 0 {
                    return Err(invalid("RST_STREAM", "status 0"));
                }
                Ok(Frame::RstStream {
                    stream_id,
                    status: RstStatus::from_code(status),
                })
            }
            TYPE_SETTINGS => {
                if p.len() < 4 {
                    return Err(invalid("SETTINGS", "shorter than 4 bytes"));
                }
                let count = usize::try_from(p.get_u32()).unwrap_or(usize::MAX);
                if count > p.len() / 8 {
                    return Err(invalid("SETTINGS", "more entries than the frame holds"));
                }
                let entries = (0..count)
                    .map(|_| {
                        let flags_id = p.get_u32();
                        Setting {
                            flags: u8::try_from(flags_id >> 24).unwrap_or(0),
                            id: flags_id & 0x00FF_FFFF,
                            value: p.get_u32(),
                        }
                    })
                    .collect();
                Ok(Frame::Settings {
                    clear: flags & FLAG_CLEAR_SETTINGS != 0,
                    entries,
                })
            }
            TYPE_PING => {
                if p.len() != 4 {
                    return Err(invalid("PING", "length is not 4"));
                }
                Ok(Frame::Ping { id: p.get_u32() })
            }
            TYPE_GOAWAY => {
                if p.len() != 8 {
                    return Err(invalid("GOAWAY", "length is not 8"));
                }
                Ok(Frame::GoAway {
                    last_good_stream_id: p.get_u32() & MAX_STREAM_ID,
                    status: p.get_u32(),
                })
            }
            TYPE_WINDOW_UPDATE => {
                if p.len() != 8 {
                    return Err(invalid("WINDOW_UPDATE", "length is not 8"));
                }
                Ok(Frame::WindowUpdate {
                    stream_id: p.get_u32() & MAX_STREAM_ID,
                    delta: p.get_u32() & 0x7FFF_FFFF,
                })
            }
            other => Ok(Frame::Unknown { frame_type: other }),
        }
    }

    fn headers(&mut self, compressed: &[u8]) -> Result<Headers, FrameError> {
        let block = self
            .decompressor
            .decompress(compressed, MAX_HEADER_BLOCK_SIZE)?;
        parse_header_block(&block)
    }
}

#[cfg(test)]
mod tests;
