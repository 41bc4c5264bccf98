//! The operating-system calls behind process supervision.
//!
//! This is the only module of the crate that uses `unsafe`: the parent-death signal
//! must be requested in the child between `fork` and `exec` (`pre_exec`), and process
//! groups are signalled through `kill(2)`. Each block states why it is sound.
#![allow(unsafe_code)]

use std::io;
use std::process::Command;

/// Asks the kernel to SIGKILL the child when this process dies (Linux), and makes the
/// child exit at once if this process is already gone by the time it starts.
///
/// The kernel delivers the signal when the *thread* that forked the child exits, so
/// children must be spawned from a thread that lives as long as the process
/// (see `process::spawner`).
pub(crate) fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs in the forked child before exec. It calls only
        // async-signal-safe functions (prctl, getppid, _exit), allocates nothing and
        // touches no lock.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGKILL as libc::c_ulong,
                    0,
                    0,
                    0,
                ) != 0
                {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

/// The signals this crate sends.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Signal {
    /// Ask to stop.
    Terminate,
    /// Stop now.
    Kill,
}

/// Sends `signal` to every process of process group `group`.
pub(crate) fn signal_group(group: u32, signal: Signal) -> io::Result<()> {
    let number = match signal {
        Signal::Terminate => libc::SIGTERM,
        Signal::Kill => libc::SIGKILL,
    };
    let group =
        libc::pid_t::try_from(group).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    if group <= 1 {
        return Err(io::Error::from(io::ErrorKind::InvalidInput));
    }
    // SAFETY: kill(2) has no memory-safety preconditions; a negative pid addresses a
    // process group, and groups 0 and 1 (which would mean "our own group" and "every
    // process") are refused above.
    let result = unsafe { libc::kill(-group, number) };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether process `pid` still runs. Zombies (exited, not yet reaped) count as gone.
pub(crate) fn is_running(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state is the first field after the parenthesised command name.
            Ok(stat) => match stat
                .rfind(')')
                .and_then(|i| stat[i + 1..].split_whitespace().next())
            {
                Some(state) => !matches!(state, "Z" | "X" | "x"),
                None => true,
            },
            Err(_) => false,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill(2) with signal 0 only checks that the process exists.
        unsafe { libc::kill(pid, 0) == 0 }
    }
}
