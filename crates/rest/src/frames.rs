//! Splitting a watch response body into its frames.
//!
//! In JSON the API server writes one document per watch event, each followed by a
//! newline; in protobuf each event is a 4-byte big-endian length and that many bytes.
//! Chunks arrive split anywhere (inside a frame, several frames in one chunk).

use bytes::{Buf, Bytes, BytesMut};

/// Collects chunks and hands out complete newline-terminated frames.
#[derive(Debug, Default)]
pub(crate) struct FrameBuffer {
    pending: BytesMut,
    /// How far `pending` has been searched for a newline already.
    searched: usize,
    /// Frames are length-prefixed (protobuf) rather than newline-terminated (JSON).
    length_prefixed: bool,
}

impl FrameBuffer {
    /// A buffer of length-prefixed (protobuf) frames.
    pub(crate) fn length_prefixed() -> Self {
        Self {
            length_prefixed: true,
            ..Self::default()
        }
    }

    /// The length the next frame declares, once its prefix has arrived (protobuf only):
    /// an oversized frame is refused before it is buffered.
    pub(crate) fn declared_len(&self) -> Option<usize> {
        if !self.length_prefixed {
            return None;
        }
        clientgo_apimachinery::framing::declared_frame_len(&self.pending)
    }

    /// Adds a chunk of the body.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.pending.extend_from_slice(chunk);
    }

    /// The next complete frame, without its newline or length prefix; blank lines are
    /// skipped.
    pub(crate) fn next_frame(&mut self) -> Option<Bytes> {
        if self.length_prefixed {
            let len = self.declared_len()?;
            if self.pending.len() - 4 < len {
                return None;
            }
            self.pending.advance(4);
            return Some(self.pending.split_to(len).freeze());
        }
        loop {
            let newline = self.pending[self.searched..]
                .iter()
                .position(|b| *b == b'\n')?;
            let end = self.searched + newline;
            let frame = self.pending.split_to(end).freeze();
            self.pending.advance(1);
            self.searched = 0;
            if frame.iter().any(|b| !b.is_ascii_whitespace()) {
                return Some(frame);
            }
        }
    }

    /// At the end of the body: what is left if it is not just white space (a frame the
    /// server did not finish, or one without a final newline).
    pub(crate) fn finish(&mut self) -> Option<Bytes> {
        let rest = std::mem::take(&mut self.pending).freeze();
        self.searched = 0;
        if self.length_prefixed {
            return (!rest.is_empty()).then_some(rest);
        }
        rest.iter()
            .any(|b| !b.is_ascii_whitespace())
            .then_some(rest)
    }

    /// How many bytes wait for the end of their frame.
    pub(crate) fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Remembers that `pending` holds no newline, so the next search starts after it.
    pub(crate) fn mark_searched(&mut self) {
        self.searched = self.pending.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_across_chunks_are_joined() {
        let mut buffer = FrameBuffer::default();
        buffer.push(b"{\"type\":\"ADD");
        assert!(buffer.next_frame().is_none());
        buffer.mark_searched();
        buffer.push(b"ED\"}\n{\"a\":1}\n\n{\"b\"");
        assert_eq!(buffer.next_frame().unwrap(), &b"{\"type\":\"ADDED\"}"[..]);
        assert_eq!(buffer.next_frame().unwrap(), &b"{\"a\":1}"[..]);
        assert!(buffer.next_frame().is_none());
        buffer.mark_searched();
        buffer.push(b":2}\n");
        assert_eq!(buffer.next_frame().unwrap(), &b"{\"b\":2}"[..]);
        assert!(buffer.finish().is_none());
    }

    #[test]
    fn an_unfinished_frame_is_reported_at_the_end() {
        let mut buffer = FrameBuffer::default();
        buffer.push(b"{\"type\":\"MODIFIED\",\"obj");
        assert!(buffer.next_frame().is_none());
        assert_eq!(
            buffer.finish().unwrap(),
            &b"{\"type\":\"MODIFIED\",\"obj"[..]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// However a body is cut into chunks, the same frames come out, and garbage
        /// never panics.
        #[test]
        fn any_chunking_yields_the_same_frames(
            frames in proptest::collection::vec("[a-z{}\":, ]{1,30}", 0..8),
            cuts in proptest::collection::vec(0usize..400, 0..12),
        ) {
            let frames: Vec<String> = frames.into_iter().filter(|f| !f.trim().is_empty()).collect();
            let body: String = frames.iter().map(|f| format!("{f}\n")).collect();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(body.len())).collect();
            cuts.sort_unstable();
            let mut buffer = FrameBuffer::default();
            let mut out = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([body.len()]) {
                buffer.push(&body.as_bytes()[start..cut]);
                start = cut;
                while let Some(frame) = buffer.next_frame() {
                    out.push(String::from_utf8(frame.to_vec()).unwrap());
                }
                buffer.mark_searched();
            }
            proptest::prop_assert!(buffer.finish().is_none());
            proptest::prop_assert_eq!(out, frames);
        }

        #[test]
        fn random_watch_frames_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut buffer = FrameBuffer::default();
            buffer.push(&bytes);
            while let Some(frame) = buffer.next_frame() {
                let _ = crate::execute::decode_event_for_tests(&frame);
            }
            if let Some(rest) = buffer.finish() {
                let _ = crate::execute::decode_event_for_tests(&rest);
            }
        }
    }
}
