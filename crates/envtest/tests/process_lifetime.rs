//! The processes of a control plane never outlive their owner: not after drop, not
//! after a panic, not after the owning process is killed with SIGKILL. Detached control
//! planes outlive their starter until stopped.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clientgo_envtest::{ControlPlane, DetachedControlPlane};

const ENVTEST: &str = env!("CARGO_BIN_EXE_clientgo-envtest");

/// Whether `pid` runs (a zombie counts as gone).
fn running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next();
            !matches!(state, Some("Z") | Some("X"))
        }
        Err(_) => false,
    }
}

fn wait_until_gone(pids: &[u32]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while pids.iter().any(|pid| running(*pid)) {
        assert!(Instant::now() < deadline, "processes {pids:?} still run");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn envtest_only_drop_stops_every_process_and_removes_the_folder() {
    let plane = ControlPlane::start().await.unwrap();
    let pids = plane.process_ids();
    let dir = plane.dir().to_path_buf();
    assert!(pids.iter().all(|pid| running(*pid)));
    assert!(dir.join("kubeconfig").exists());
    drop(plane);
    // Drop waits for the processes, so they are gone at once.
    assert!(pids.iter().all(|pid| !running(*pid)), "{pids:?}");
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[test]
fn envtest_only_a_panic_stops_every_process() {
    let (sender, receiver) = std::sync::mpsc::channel();
    let outcome = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let plane = runtime.block_on(ControlPlane::start()).unwrap();
        sender
            .send((plane.process_ids(), plane.dir().to_path_buf()))
            .unwrap();
        panic!("test panic while a control plane runs");
    })
    .join();
    assert!(outcome.is_err(), "the thread did not panic");
    let (pids, dir) = receiver.recv().unwrap();
    wait_until_gone(&pids);
    assert!(!dir.exists());
}

/// A `clientgo-envtest run` process owning a control plane.
struct Owner {
    process: std::process::Child,
    kubeconfig: std::path::PathBuf,
    pids: Vec<u32>,
}

/// Starts `clientgo-envtest run` and reads its `ready <url> <kubeconfig> <pids>` line.
fn start_owner() -> Owner {
    let mut process = Command::new(ENVTEST)
        .arg("run")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.first(), Some(&"ready"), "owner said {line:?}");
    Owner {
        process,
        kubeconfig: fields[2].into(),
        pids: fields[3..].iter().map(|p| p.parse().unwrap()).collect(),
    }
}

#[test]
fn envtest_only_killing_the_owner_kills_its_control_plane() {
    let mut owner = start_owner();
    assert_eq!(owner.pids.len(), 2);
    assert!(owner.pids.iter().all(|pid| running(*pid)));
    owner.process.kill().unwrap(); // SIGKILL: no destructor runs in the owner
    owner.process.wait().unwrap();
    wait_until_gone(&owner.pids);
}

#[tokio::test]
async fn envtest_only_a_second_start_removes_folders_of_killed_owners() {
    let mut owner = start_owner();
    let dir = owner.kubeconfig.parent().unwrap().to_path_buf();
    owner.process.kill().unwrap();
    owner.process.wait().unwrap();
    assert!(dir.exists());
    let _plane = ControlPlane::start().await.unwrap();
    assert!(!dir.exists(), "{} was not cleaned up", dir.display());
}

/// Runs `clientgo-envtest VERB --kubeconfig PATH`.
fn envtest(verb: &str, kubeconfig: &Path) -> std::process::Output {
    Command::new(ENVTEST)
        .args([verb, "--kubeconfig"])
        .arg(kubeconfig)
        .output()
        .unwrap()
}

#[test]
fn envtest_only_a_detached_control_plane_outlives_its_starter_until_stopped() {
    let work = tempfile::tempdir().unwrap();
    let kubeconfig = work.path().join("kubeconfig");
    let up = envtest("up", &kubeconfig);
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let plane = DetachedControlPlane::load(&kubeconfig).unwrap();
    assert!(plane.is_running(), "the control plane died with `up`");
    assert!(kubeconfig.exists() && plane.dir.exists());

    let again = envtest("up", &kubeconfig);
    assert!(
        !again.status.success(),
        "a second `up` on the same kubeconfig succeeded"
    );

    let down = envtest("down", &kubeconfig);
    assert!(
        down.status.success(),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    wait_until_gone(&plane.process_groups);
    assert!(!kubeconfig.exists() && !plane.dir.exists());
    assert!(!DetachedControlPlane::state_path(&kubeconfig).exists());
}
