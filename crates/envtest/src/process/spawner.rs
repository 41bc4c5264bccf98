//! Spawns child processes from one thread that lives as long as the process.
//!
//! Linux delivers the parent-death signal when the thread that forked a child ends,
//! not when the process ends. Spawning from a test's own thread (or a runtime's
//! short-lived blocking thread) would kill the control plane when that thread exits,
//! so every spawn goes through this thread instead.

use std::io;
use std::process::{Child, Command};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

struct Request {
    command: Command,
    reply: mpsc::Sender<io::Result<Child>>,
}

static SPAWNER: OnceLock<Mutex<mpsc::Sender<Request>>> = OnceLock::new();

fn spawner() -> io::Result<mpsc::Sender<Request>> {
    if let Some(sender) = SPAWNER.get() {
        return Ok(lock(sender).clone());
    }
    let (sender, receiver) = mpsc::channel::<Request>();
    let started = std::thread::Builder::new()
        .name("clientgo-envtest-spawner".into())
        .spawn(move || {
            for mut request in receiver {
                let _ = request.reply.send(request.command.spawn());
            }
        });
    match started {
        Ok(_) => {
            // Another thread may have won the race; then our thread's channel closes
            // and the thread ends without ever having spawned anything.
            let stored = SPAWNER.get_or_init(|| Mutex::new(sender));
            Ok(lock(stored).clone())
        }
        Err(error) => Err(error),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Spawns `command` from the long-lived spawner thread.
pub(crate) fn spawn(command: Command) -> io::Result<Child> {
    let (reply, answer) = mpsc::channel();
    let gone = || io::Error::other("the envtest spawner thread is gone");
    spawner()?
        .send(Request { command, reply })
        .map_err(|_| gone())?;
    answer.recv().map_err(|_| gone())?
}
