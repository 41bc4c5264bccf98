//! The zlib contexts of header blocks: one per direction per connection, primed with
//! the SPDY/3 dictionary, one sync flush per block.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::dictionary::HEADER_DICTIONARY;
use super::error::FrameError;

/// Output chunk of one decompression step: bounds what a step can produce beyond the
/// limit before it is noticed.
const SCRATCH: usize = 8 * 1024;

/// Compresses the header blocks this side sends.
pub(crate) struct HeaderCompressor {
    zlib: Compress,
    primed: bool,
}

impl HeaderCompressor {
    pub(crate) fn new() -> Self {
        Self {
            zlib: Compress::new(Compression::default(), true),
            primed: false,
        }
    }

    /// Appends the compressed form of `block` to `out`, ending with a sync flush so
    /// that the peer can decompress it without what follows.
    pub(crate) fn compress(&mut self, block: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        if !self.primed {
            self.zlib
                .set_dictionary(HEADER_DICTIONARY)
                .map_err(|e| FrameError::Compression(e.to_string()))?;
            self.primed = true;
        }
        out.reserve(block.len() / 2 + 64);
        let mut consumed = 0;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(256));
            }
            let before = self.zlib.total_in();
            self.zlib
                .compress_vec(
                    block.get(consumed..).unwrap_or_default(),
                    out,
                    FlushCompress::Sync,
                )
                .map_err(|e| FrameError::Compression(e.to_string()))?;
            let taken = usize::try_from(self.zlib.total_in() - before).unwrap_or(usize::MAX);
            consumed = consumed.saturating_add(taken).min(block.len());
            // The flush is complete once all input is in and zlib left output room.
            if consumed >= block.len() && out.len() < out.capacity() {
                return Ok(());
            }
        }
    }
}

/// Decompresses the header blocks the peer sends.
pub(crate) struct HeaderDecompressor {
    zlib: Decompress,
}

impl HeaderDecompressor {
    pub(crate) fn new() -> Self {
        Self {
            zlib: Decompress::new(true),
        }
    }

    /// Decompresses one block (everything up to its sync flush); fails when the
    /// result would exceed `limit` bytes, without producing more than `limit` plus one
    /// step's output.
    pub(crate) fn decompress(&mut self, input: &[u8], limit: usize) -> Result<Vec<u8>, FrameError> {
        let mut out = Vec::new();
        let mut scratch = [0u8; SCRATCH];
        let mut position = 0;
        let mut ended = false;
        loop {
            let (in_before, out_before) = (self.zlib.total_in(), self.zlib.total_out());
            let result = self.zlib.decompress(
                input.get(position..).unwrap_or_default(),
                &mut scratch,
                FlushDecompress::Sync,
            );
            let consumed = usize::try_from(self.zlib.total_in() - in_before).unwrap_or(usize::MAX);
            let produced =
                usize::try_from(self.zlib.total_out() - out_before).unwrap_or(usize::MAX);
            position = position.saturating_add(consumed).min(input.len());
            match result {
                Ok(Status::StreamEnd) => ended = true,
                Ok(Status::Ok | Status::BufError) => {}
                Err(error) => {
                    if error.needs_dictionary().is_some() {
                        // The stream names the SPDY dictionary by its checksum; zlib
                        // rejects it here if the peer asked for another one.
                        self.zlib
                            .set_dictionary(HEADER_DICTIONARY)
                            .map_err(|e| FrameError::Compression(e.to_string()))?;
                        continue;
                    }
                    return Err(FrameError::Compression(error.to_string()));
                }
            }
            let produced = produced.min(scratch.len());
            if out.len() + produced > limit {
                return Err(FrameError::HeaderBlockTooLarge { limit });
            }
            out.extend_from_slice(&scratch[..produced]);
            if ended {
                if position < input.len() {
                    return Err(FrameError::Compression(
                        "data after the end of the zlib stream".into(),
                    ));
                }
                return Ok(out);
            }
            if position >= input.len() && produced < scratch.len() {
                return Ok(out);
            }
            if consumed == 0 && produced == 0 {
                return Err(FrameError::Compression(
                    "zlib made no progress on the header block".into(),
                ));
            }
        }
    }
}
