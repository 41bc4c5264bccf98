//! Supervised child processes: each component runs in its own process group, logs to a
//! file, dies with its owner, and is stopped (SIGTERM, then SIGKILL) on drop.

mod spawner;
pub(crate) mod sys;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result, io_error};
use sys::Signal;

/// How long a component gets to exit after SIGTERM before it is killed.
const GRACE_PERIOD: Duration = Duration::from_secs(5);

/// Whether a process ends with its owner or outlives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lifetime {
    /// Killed on drop and when the owning process dies.
    Owned,
    /// Keeps running after the owner exits (for `envtest up`); stopped by process group.
    Detached,
}

/// How to start one component.
#[derive(Debug)]
pub(crate) struct Launch<'a> {
    /// The binary.
    pub(crate) binary: &'a Path,
    /// Its flags.
    pub(crate) flags: &'a crate::args::Flags,
    /// Where its output goes.
    pub(crate) log: PathBuf,
    /// Whether it ends with its owner.
    pub(crate) lifetime: Lifetime,
    /// How long it may take to become ready.
    pub(crate) timeout: Duration,
}

impl Launch<'_> {
    /// Starts the component.
    pub(crate) fn spawn(&self, component: &'static str) -> Result<ManagedProcess> {
        ManagedProcess::spawn(
            component,
            self.binary,
            &self.flags.to_args(),
            &self.log,
            self.lifetime,
        )
    }
}

/// A running component.
#[derive(Debug)]
pub(crate) struct ManagedProcess {
    component: &'static str,
    child: Child,
    log: PathBuf,
    lifetime: Lifetime,
}

impl ManagedProcess {
    /// Starts `program` with `args`, stdout and stderr going to `log`.
    pub(crate) fn spawn(
        component: &'static str,
        program: &Path,
        args: &[String],
        log: &Path,
        lifetime: Lifetime,
    ) -> Result<Self> {
        let log_file = File::create(log).map_err(io_error("creating", log))?;
        let log_err = log_file.try_clone().map_err(io_error("opening", log))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .process_group(0);
        if lifetime == Lifetime::Owned {
            sys::die_with_parent(&mut command);
        }
        let child = spawner::spawn(command).map_err(|source| Error::Spawn {
            component,
            program: program.to_path_buf(),
            source,
        })?;
        tracing::debug!(component, pid = child.id(), "started");
        Ok(Self {
            component,
            child,
            log: log.to_path_buf(),
            lifetime,
        })
    }

    /// The process id (also its process group id).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The component's log file.
    pub(crate) fn log(&self) -> &Path {
        &self.log
    }

    /// Fails with the component's log tail if it has exited.
    pub(crate) fn ensure_running(&mut self) -> Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(Error::Exited {
                component: self.component,
                status: status.to_string(),
                log: self.log.clone(),
                log_tail: log_tail(&self.log),
            }),
            Err(error) => Err(Error::Exited {
                component: self.component,
                status: format!("unknown status ({error})"),
                log: self.log.clone(),
                log_tail: log_tail(&self.log),
            }),
        }
    }

    /// Leaves the process running when this handle is dropped.
    pub(crate) fn detach(mut self) -> u32 {
        self.lifetime = Lifetime::Detached;
        self.pid()
    }

    /// Stops the whole process group and reaps the process.
    pub(crate) fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            // Still signal the group: the component may have left children behind.
            let _ = sys::signal_group(self.pid(), Signal::Kill);
            return;
        }
        stop_group(self.pid(), || matches!(self.child.try_wait(), Ok(Some(_))));
        let _ = self.child.wait();
        tracing::debug!(component = self.component, pid = self.pid(), "stopped");
    }
}

impl Drop for ManagedProcess {
    fn drop(&mut self) {
        if self.lifetime == Lifetime::Owned {
            self.stop();
        }
    }
}

/// Sends SIGTERM to process group `group`, waits until `exited()` says so for up to the
/// grace period, then sends SIGKILL.
pub(crate) fn stop_group(group: u32, mut exited: impl FnMut() -> bool) {
    if sys::signal_group(group, Signal::Terminate).is_err() {
        return; // the group is already gone
    }
    let deadline = Instant::now() + GRACE_PERIOD;
    while Instant::now() < deadline {
        if exited() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = sys::signal_group(group, Signal::Kill);
}

/// The last lines of a log file (at most 40 lines of the final 16 KiB).
pub(crate) fn log_tail(path: &Path) -> String {
    const MAX_BYTES: u64 = 16 * 1024;
    const MAX_LINES: usize = 40;
    let Ok(mut file) = File::open(path) else {
        return "(no log)".into();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(MAX_BYTES)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(MAX_LINES)..].join("\n");
    if tail.is_empty() {
        "(empty log)".into()
    } else {
        tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_tail_keeps_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, text).unwrap();
        let tail = log_tail(&path);
        assert!(tail.starts_with("line 60\n"));
        assert!(tail.ends_with("line 99"));
        assert_eq!(log_tail(&dir.path().join("missing")), "(no log)");
    }

    #[test]
    fn exited_process_reports_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sh.log");
        let mut process = ManagedProcess::spawn(
            "sh",
            Path::new("/bin/sh"),
            &["-c".into(), "echo boom >&2; exit 3".into()],
            &log,
            Lifetime::Owned,
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let error = loop {
            if let Err(error) = process.ensure_running() {
                break error;
            }
            assert!(Instant::now() < deadline, "sh did not exit");
            std::thread::sleep(Duration::from_millis(10));
        };
        let message = error.to_string();
        assert!(message.contains("sh exited"), "{message}");
        assert!(message.contains("boom"), "{message}");
    }

    #[test]
    fn stop_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sh.log");
        // The shell ignores SIGTERM and starts a grandchild that prints its pid.
        let process = ManagedProcess::spawn(
            "sh",
            Path::new("/bin/sh"),
            &[
                "-c".into(),
                "trap '' TERM; sleep 600 & echo $!; wait".into(),
            ],
            &log,
            Lifetime::Owned,
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let grandchild: u32 = loop {
            if let Ok(pid) = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .trim()
                .parse()
            {
                break pid;
            }
            assert!(Instant::now() < deadline, "no grandchild pid");
            std::thread::sleep(Duration::from_millis(10));
        };
        let pid = process.pid();
        assert!(sys::is_running(pid) && sys::is_running(grandchild));
        drop(process);
        let deadline = Instant::now() + Duration::from_secs(10);
        while sys::is_running(grandchild) || sys::is_running(pid) {
            assert!(Instant::now() < deadline, "process group survived drop");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
