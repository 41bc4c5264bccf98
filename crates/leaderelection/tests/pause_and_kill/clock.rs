//! The clock and signals shared by the processes of the test: CLOCK_MONOTONIC
//! (what `std::time::Instant` and Tokio's timers read on Linux, the same for every
//! process of the machine, running while a process is stopped) and `kill(2)`.
//!
//! This is the only module of the test that uses `unsafe`: the standard library
//! exposes neither the raw monotonic clock nor signals other than SIGKILL. Each block
//! states why it is sound.
#![allow(unsafe_code)]

/// Nanoseconds of CLOCK_MONOTONIC.
pub fn now() -> u64 {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut time) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_MONOTONIC)");
    let seconds = u64::try_from(time.tv_sec).unwrap_or_default();
    let nanos = u64::try_from(time.tv_nsec).unwrap_or_default();
    seconds * 1_000_000_000 + nanos
}

/// Sends SIGSTOP (`stop`) or SIGCONT to process `pid`, a child of this process that
/// has not been waited for.
pub fn pause(pid: u32, stop: bool) {
    let signal = if stop { libc::SIGSTOP } else { libc::SIGCONT };
    let pid = libc::pid_t::try_from(pid).unwrap_or(libc::pid_t::MAX);
    // SAFETY: kill(2) takes no pointers. `pid` is an unreaped child of this process,
    // so it cannot have been reused by another process.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal})");
}
