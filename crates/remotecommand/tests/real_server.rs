//! Exec and attach through a real kube-apiserver to KWOK's kubelet, whose exec runs
//! local processes: every scenario over WebSocket, over SPDY, and through a proxy that
//! refuses WebSocket upgrades (the default executor then falls back to SPDY).
//!
//! The tests need envtest's simulated nodes, hence `envtest_only` in their names.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

mod support;

use clientgo_apimachinery::errors;
use clientgo_envtest::UpgradeRefusingProxy;
use clientgo_envtest::kwok;
use clientgo_kubernetes::{Clientset, PodLogOptions};
use clientgo_remotecommand::{AttachOptions, ExecOptions, Executor, StreamOptions, TerminalSize};
use clientgo_rest::{Config, RestClient};
use support::{config_for, plane, running_pod};
use tokio::sync::mpsc;

/// How the session is carried.
#[derive(Clone, Copy, Debug)]
enum Via {
    WebSocket,
    Spdy,
    /// The default executor behind a proxy refusing WebSocket upgrades.
    Fallback,
}

const ALL: [Via; 3] = [Via::WebSocket, Via::Spdy, Via::Fallback];

/// An executor, and the proxy it goes through (the fallback runs).
struct Exec {
    executor: Executor,
    _proxy: Option<UpgradeRefusingProxy>,
}

impl Exec {
    async fn stream(&self, options: StreamOptions<'_>) -> clientgo_remotecommand::Result<()> {
        self.executor.stream(options).await
    }
}

async fn executor(via: Via, namespace: &str, pod: &str, options: &ExecOptions) -> Exec {
    let plane = plane().await;
    let (config, proxy) = match via {
        Via::Fallback => {
            let proxy = UpgradeRefusingProxy::start(plane).await.unwrap();
            (Config::new(proxy.url()), Some(proxy))
        }
        _ => (config_for(plane, &plane.admin()), None),
    };
    let url = options
        .url(&RestClient::new(&config).unwrap(), namespace, pod)
        .unwrap();
    let executor = match via {
        Via::WebSocket => Executor::websocket(&config, url),
        Via::Spdy => Executor::spdy(&config, reqwest::Method::POST, url),
        Via::Fallback => Executor::new(&config, url),
    }
    .unwrap();
    Exec {
        executor,
        _proxy: proxy,
    }
}

fn sh(script: &str) -> ExecOptions {
    ExecOptions::command(["sh", "-c", script])
}

#[tokio::test]
async fn envtest_only_stdout_and_stderr_are_separated() {
    let namespace = running_pod("exec-out", "web").await;
    for via in ALL {
        let options = sh("echo to-stdout; echo to-stderr >&2")
            .stdout(true)
            .stderr(true);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        executor(via, &namespace, "web", &options)
            .await
            .stream(StreamOptions::new().stdout(&mut out).stderr(&mut err))
            .await
            .unwrap_or_else(|e| panic!("{via:?}: {e}"));
        assert_eq!(String::from_utf8_lossy(&out), "to-stdout\n", "{via:?}");
        assert_eq!(String::from_utf8_lossy(&err), "to-stderr\n", "{via:?}");
    }
}

#[tokio::test]
async fn envtest_only_stdin_round_trips_10_mb_byte_exact() {
    let namespace = running_pod("exec-in", "web").await;
    let input: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    for via in ALL {
        // `head -c`, not `cat`: KWOK never closes the stdin of its local processes, so
        // the end of stdin is proven against the kubelet's code (`kubelet_peer.rs`).
        // Local stdin stays open after the data: `head` exits by itself, and a close
        // of stdin racing with the end of the session could reach a server that has
        // stopped reading (it then resets the connection).
        let count = input.len().to_string();
        let options = ExecOptions::command(["head", "-c", &count])
            .stdin(true)
            .stdout(true);
        let (_open, never_ends) = tokio::io::duplex(1);
        let mut stdin = tokio::io::AsyncReadExt::chain(input.as_slice(), never_ends);
        let mut out = Vec::with_capacity(input.len());
        executor(via, &namespace, "web", &options)
            .await
            .stream(StreamOptions::new().stdin(&mut stdin).stdout(&mut out))
            .await
            .unwrap_or_else(|e| panic!("{via:?}: {e}"));
        assert_eq!(out.len(), input.len(), "{via:?}");
        assert!(out == input, "{via:?}: the bytes differ");
    }
}

/// KWOK reports a command's non-zero exit as an internal error with the exit status in
/// its text (its exec wraps the process error, which the kubelet's streaming code then
/// does not recognise as an exit code); the output before it arrives, and the failure
/// is the server's `Status`. Typed exit codes are proven against the kubelet's own
/// streaming code in `kubelet_peer.rs`.
#[tokio::test]
async fn envtest_only_a_failing_command_reports_the_server_status() {
    let namespace = running_pod("exec-code", "web").await;
    for via in ALL {
        let options = sh("echo before; exit 3").stdout(true);
        let mut out = Vec::new();
        let error = executor(via, &namespace, "web", &options)
            .await
            .stream(StreamOptions::new().stdout(&mut out))
            .await
            .expect_err("exit 3");
        assert!(errors::is_internal_error(&error), "{via:?}: {error:?}");
        assert!(
            error.to_string().contains("exit status 3"),
            "{via:?}: {error}"
        );
        assert_eq!(out, b"before\n", "{via:?}");
    }
}

#[tokio::test]
async fn envtest_only_tty_resize_is_seen_by_the_process() {
    let namespace = running_pod("exec-tty", "web").await;
    for via in ALL {
        // KWOK's pty can lose a process's last output when the machine is busy (the
        // session ends with an empty stdout); a few attempts tell that apart from a
        // resize that never arrives, which shows as "24 80" or another size.
        let mut seen = Vec::new();
        for _ in 0..3 {
            let out = tty_session(via, &namespace).await;
            if out == "45 123" {
                break;
            }
            seen.push(out);
        }
        assert!(seen.len() < 3, "{via:?}: the resize was not seen: {seen:?}");
        assert!(
            seen.iter().all(String::is_empty),
            "{via:?}: wrong size: {seen:?}"
        );
    }
}

/// Runs `sleep 1; stty size` with a tty sized 123×45; returns its output, trimmed.
async fn tty_session(via: Via, namespace: &str) -> String {
    let options = sh("sleep 1; stty size").stdout(true).stdin(true).tty(true);
    let (sizes_tx, mut sizes) = mpsc::channel(4);
    sizes_tx
        .send(TerminalSize {
            width: 123,
            height: 45,
        })
        .await
        .unwrap();
    // Stdin stays open: an end of stdin racing with the end of the session could
    // reach a server that has stopped reading (it then resets the connection).
    let (_open, mut stdin) = tokio::io::duplex(1);
    let mut out = Vec::new();
    executor(via, namespace, "web", &options)
        .await
        .stream(
            StreamOptions::new()
                .stdin(&mut stdin)
                .stdout(&mut out)
                .tty(true)
                .terminal_sizes(&mut sizes),
        )
        .await
        .unwrap_or_else(|e| panic!("{via:?}: {e}"));
    String::from_utf8_lossy(&out).trim().to_owned()
}

#[tokio::test]
async fn envtest_only_missing_pod_and_container_are_typed_errors() {
    let namespace = running_pod("exec-missing", "web").await;
    for via in ALL {
        let mut out = Vec::new();
        let missing_pod = executor(via, &namespace, "nope", &sh("true").stdout(true))
            .await
            .stream(StreamOptions::new().stdout(&mut out))
            .await
            .expect_err("no such pod");
        assert!(
            errors::is_not_found(&missing_pod),
            "{via:?}: {missing_pod:?}"
        );
        let missing_container = executor(
            via,
            &namespace,
            "web",
            &sh("true").stdout(true).container("nope"),
        )
        .await
        .stream(StreamOptions::new().stdout(&mut out))
        .await
        .expect_err("no such container");
        assert!(
            errors::is_bad_request(&missing_container),
            "{via:?}: {missing_container:?}"
        );
        assert!(
            missing_container.to_string().contains("nope"),
            "{missing_container}"
        );
    }
}

#[tokio::test]
async fn envtest_only_unauthorized_user_gets_forbidden() {
    let namespace = running_pod("exec-403", "web").await;
    let plane = plane().await;
    let config = config_for(plane, &plane.unprivileged());
    let url = sh("true")
        .stdout(true)
        .url(&RestClient::new(&config).unwrap(), &namespace, "web")
        .unwrap();
    for executor in [
        Executor::websocket(&config, url.clone()).unwrap(),
        Executor::spdy(&config, reqwest::Method::POST, url.clone()).unwrap(),
        Executor::new(&config, url).unwrap(),
    ] {
        let mut out = Vec::new();
        let error = executor
            .stream(StreamOptions::new().stdout(&mut out))
            .await
            .expect_err("forbidden");
        assert!(errors::is_forbidden(&error), "{error:?}");
        assert!(error.is_upgrade_failure());
    }
}

/// Impersonation reaches upgrades too: the admin acting as the unprivileged user is
/// refused like that user.
#[tokio::test]
async fn envtest_only_impersonation_applies_to_upgrades() {
    let namespace = running_pod("exec-as", "web").await;
    let plane = plane().await;
    let mut config = config_for(plane, &plane.admin());
    config.transport.impersonate.user_name = Some(plane.unprivileged().name);
    let url = sh("true")
        .stdout(true)
        .url(&RestClient::new(&config).unwrap(), &namespace, "web")
        .unwrap();
    let mut out = Vec::new();
    let error = Executor::new(&config, url)
        .unwrap()
        .stream(StreamOptions::new().stdout(&mut out))
        .await
        .expect_err("forbidden as the impersonated user");
    assert!(errors::is_forbidden(&error), "{error:?}");
    assert!(error.to_string().contains("unprivileged"), "{error}");
}

/// Attach streams what the container's process writes from then on (KWOK's attach
/// follows a file), over each transport; logs come through the typed clientset's
/// `logs` expansion.
#[tokio::test]
async fn envtest_only_attach_and_logs() {
    let namespace = running_pod("attach", "web").await;
    let plane = plane().await;
    let http = plane.http_client(&plane.admin()).unwrap();
    let dir = std::env::temp_dir().join(format!("clientgo-attach-{namespace}"));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("output.log");
    std::fs::write(&output, kwok::cri_log_line("stdout", "first line")).unwrap();
    kwok::create(
        &http,
        plane.server_url(),
        &kwok::attach_to_file(&namespace, "web", &output),
    )
    .await
    .unwrap();
    kwok::create(
        &http,
        plane.server_url(),
        &kwok::logs_from_file(&namespace, "web", &output),
    )
    .await
    .unwrap();

    let config = config_for(plane, &plane.admin());
    let logs = Clientset::new(&config)
        .unwrap()
        .core_v1()
        .pods(&namespace)
        .logs("web", &PodLogOptions::default())
        .await
        .unwrap();
    assert_eq!(logs, "first line\n");

    for via in [Via::WebSocket, Via::Spdy] {
        let client = RestClient::new(&config).unwrap();
        let url = AttachOptions {
            stdout: true,
            ..AttachOptions::default()
        }
        .url(&client, &namespace, "web")
        .unwrap();
        let executor = match via {
            Via::WebSocket => Executor::websocket(&config, url),
            _ => Executor::spdy(&config, reqwest::Method::POST, url),
        }
        .unwrap();
        let (reader, mut writer) = tokio::io::duplex(64 * 1024);
        let session = tokio::spawn(async move {
            let _ = executor
                .stream(StreamOptions::new().stdout(&mut writer))
                .await;
        });
        let line = format!("attached over {via:?}");
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(reader));
        let seen = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            loop {
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&output)
                    .unwrap();
                std::io::Write::write_all(
                    &mut file,
                    kwok::cri_log_line("stdout", &line).as_bytes(),
                )
                .unwrap();
                match tokio::time::timeout(std::time::Duration::from_millis(500), lines.next_line())
                    .await
                {
                    Ok(Ok(Some(text))) if text == line => return,
                    Ok(Ok(None)) => panic!("{via:?}: the attach ended"),
                    _ => {}
                }
            }
        })
        .await;
        assert!(seen.is_ok(), "{via:?}: the appended line never arrived");
        session.abort();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
