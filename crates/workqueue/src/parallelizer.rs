//! Run an indexed piece of work on several threads (client-go's `ParallelizeUntil`).
//!
//! [`parallelize_until`] calls `work(i)` for every `i` in `0..pieces` on up to `workers`
//! scoped threads, handing out the indexes in chunks, and stops starting pieces once
//! `should_stop` answers `true`. It blocks until every thread finished; from async code,
//! call it inside `tokio::task::spawn_blocking`.
//!
//! A panic in `work` is re-raised in the caller once all threads stopped (client-go's
//! default crash handling).
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use clientgo_workqueue::parallelize_until;
//!
//! let sum = AtomicUsize::new(0);
//! parallelize_until(4, 100, 10, || false, |i| {
//!     sum.fetch_add(i, Ordering::Relaxed);
//! });
//! assert_eq!(sum.into_inner(), 4950);
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `work(i)` for each `i` in `0..pieces` on up to `workers` threads, `chunk_size`
/// consecutive indexes at a time, checking `should_stop` before each piece. Returns
/// when every thread finished. See the [module documentation](self).
///
/// `workers` and `chunk_size` below 1 count as 1. Pieces are never processed twice;
/// after `should_stop` returned `true` some pieces may not be processed at all.
pub fn parallelize_until<S, W>(
    workers: usize,
    pieces: usize,
    chunk_size: usize,
    should_stop: S,
    work: W,
) where
    S: Fn() -> bool + Sync,
    W: Fn(usize) + Sync,
{
    if pieces == 0 {
        return;
    }
    let chunk_size = chunk_size.max(1);
    let chunks = pieces.div_ceil(chunk_size);
    let workers = workers.clamp(1, chunks);
    let next_chunk = AtomicUsize::new(0);
    let run = || {
        loop {
            let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
            if chunk >= chunks {
                return;
            }
            let start = chunk * chunk_size;
            let end = start.saturating_add(chunk_size).min(pieces);
            for piece in start..end {
                if should_stop() {
                    return;
                }
                work(piece);
            }
        }
    };
    if workers == 1 {
        run();
        return;
    }
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(run);
        }
        run();
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn every_piece_exactly_once() {
        for (workers, pieces, chunk) in [
            (1, 1000, 1),
            (10, 1000, 1),
            (10, 1000, 7),
            (3, 1000, 1000),
            (16, 5, 1),
            (4, 999, 100),
            (0, 10, 0),
        ] {
            let counts: Vec<AtomicUsize> = (0..pieces).map(|_| AtomicUsize::new(0)).collect();
            parallelize_until(
                workers,
                pieces,
                chunk,
                || false,
                |i| {
                    counts[i].fetch_add(1, Ordering::Relaxed);
                },
            );
            assert!(
                counts.iter().all(|c| c.load(Ordering::Relaxed) == 1),
                "workers {workers}, pieces {pieces}, chunk {chunk}"
            );
        }
    }

    #[test]
    fn no_pieces_no_calls() {
        parallelize_until(4, 0, 1, || false, |_| panic!("called"));
    }

    #[test]
    fn stops_before_the_next_piece() {
        let stop = AtomicBool::new(false);
        let done = AtomicUsize::new(0);
        parallelize_until(
            1,
            100,
            10,
            || stop.load(Ordering::Relaxed),
            |_| {
                if done.fetch_add(1, Ordering::Relaxed) + 1 == 5 {
                    stop.store(true, Ordering::Relaxed);
                }
            },
        );
        assert_eq!(done.load(Ordering::Relaxed), 5);
    }

    #[test]
    fn panics_are_re_raised() {
        let result = std::panic::catch_unwind(|| {
            parallelize_until(4, 10, 1, || false, |i| assert_ne!(i, 7));
        });
        assert!(result.is_err());
    }
}
