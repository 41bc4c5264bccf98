//! Recently decoded long strings, shared: the text of a decoded string longer than 16
//! bytes is looked up among the strings this thread decoded recently, and a match is
//! shared (a reference count) instead of allocated again.
//!
//! Objects of one workload repeat the same long strings (image names, toleration keys,
//! the service account mount path, owner names, whole `managedFields` field sets), and
//! an informer holds thousands of them: sharing those is what keeps a cached object
//! small. Go allocates each one per object.
//!
//! Rules it follows:
//! - Only decoding uses it (JSON and protobuf); `Str::from` always builds a new string.
//! - One table per thread, so no lock and no contention: threads decoding the same
//!   objects each hold their own copy of a string.
//! - Bounded and lossy: [`SLOTS`] slots, each keeping the last string whose sampled
//!   bytes hash to it; a new string replaces whatever was there. Texts outside
//!   [`SHARED_LENGTHS`] are never kept, so the table holds at most `SLOTS ×` the upper
//!   bound (1 MiB) and in practice a few kilobytes. Strings in the table stay alive
//!   until they are replaced or the thread ends: like freed memory, which is not zeroed
//!   either, the table may hold the text of a dropped object (a `TokenRequest`'s token,
//!   say) for a while. It is never logged or printed.
//! - A hit is decided by comparing the whole text, never by the hash alone: sharing
//!   never changes a value.
//! - The hash reads at most 32 bytes of the text (its length, start, two middle words
//!   and end), so looking up a long field set costs about as much as a short name.

use std::cell::RefCell;
use std::ops::RangeInclusive;

use lean_string::LeanStr;

/// How many strings a thread keeps (a power of two).
pub const SLOTS: usize = 512;

/// Texts of these lengths are shared; shorter ones are stored inline anyway, longer
/// ones are rare and would hold on to much memory.
pub const SHARED_LENGTHS: RangeInclusive<usize> = 17..=2048;

thread_local! {
    static RECENT: RefCell<Vec<LeanStr>> = const { RefCell::new(Vec::new()) };
}

/// `text` as a string, shared with an equal string this thread decoded recently when
/// there is one.
pub fn shared(text: &str) -> LeanStr {
    if !SHARED_LENGTHS.contains(&text.len()) {
        return LeanStr::from(text);
    }
    let slot = slot_of(text.as_bytes());
    // `try_with` fails only while the thread is exiting; then nothing is shared.
    RECENT
        .try_with(|recent| {
            let mut recent = recent.borrow_mut();
            if recent.is_empty() {
                recent.resize(SLOTS, LeanStr::new());
            }
            let kept = &mut recent[slot];
            if kept.as_str() != text {
                *kept = LeanStr::from(text);
            }
            kept.clone()
        })
        .unwrap_or_else(|_| LeanStr::from(text))
}

/// The slot of a text of at least 17 bytes, from its length and four sampled words.
fn slot_of(bytes: &[u8]) -> usize {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
    let len = bytes.len();
    let middle = len / 2;
    let words = [
        word(&bytes[..8]),
        word(&bytes[middle - 8..middle]),
        word(&bytes[middle..middle + 8]),
        word(&bytes[len - 8..]),
    ];
    let hash = words.iter().fold(len as u64, |hash, &word| {
        (hash.rotate_left(29) ^ word).wrapping_mul(MULTIPLIER)
    });
    // The top bits of a multiplicative hash are the well-mixed ones.
    (hash >> (64 - SLOTS.trailing_zeros())) as usize
}

/// Eight bytes as a number (fewer are padded with zeros).
fn word(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .fold(0, |word, &byte| (word << 8) | u64::from(byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_long_texts_share_one_allocation() {
        let first = shared("registry.k8s.io/pause:3.10");
        let second = shared(&String::from("registry.k8s.io/pause:3.10"));
        assert_eq!(first, second);
        assert_eq!(first.as_str().as_ptr(), second.as_str().as_ptr());
    }

    #[test]
    fn texts_outside_the_shared_lengths_are_copied() {
        let long = "x".repeat(*SHARED_LENGTHS.end() + 1);
        assert_ne!(
            shared(&long).as_str().as_ptr(),
            shared(&long).as_str().as_ptr()
        );
        assert!(!shared("IfNotPresent").is_heap_allocated());
    }

    #[test]
    fn a_collision_replaces_the_slot_and_never_changes_a_value() {
        // 40 bytes that differ only in byte 9, which the hash does not sample.
        let a = format!("{}A{}", "a".repeat(9), "a".repeat(30));
        let b = format!("{}B{}", "a".repeat(9), "a".repeat(30));
        assert_eq!(slot_of(a.as_bytes()), slot_of(b.as_bytes()));
        let first_a = shared(&a);
        assert_eq!(shared(&b), b);
        let second_a = shared(&a);
        assert_eq!(second_a, a);
        assert_ne!(
            first_a.as_str().as_ptr(),
            second_a.as_str().as_ptr(),
            "b took the slot, so a was allocated again"
        );
    }

    #[test]
    fn slots_stay_in_range() {
        for len in *SHARED_LENGTHS.start()..200 {
            let text = "k".repeat(len);
            assert!(slot_of(text.as_bytes()) < SLOTS);
        }
    }
}
