//! The `clientgo-envtest` command line (also `cargo xtask envtest` in this repository).
//!
//! ```text
//! clientgo-envtest install [--k8s-version X.Y.Z]
//! clientgo-envtest up      [--kubeconfig PATH] [--k8s-version X.Y.Z]
//! clientgo-envtest down    [--kubeconfig PATH]
//! clientgo-envtest run     [--kubeconfig PATH] [--k8s-version X.Y.Z]
//! clientgo-envtest versions
//! ```
//!
//! - `install` builds (or finds) the binaries and prints their folder, for
//!   `KUBEBUILDER_ASSETS`.
//! - `up` starts a control plane that outlives the command and writes its kubeconfig;
//!   `down` stops it and leaves no process or file behind.
//! - `run` starts a control plane owned by the command, prints one line
//!   `ready <server-url> <kubeconfig> <pid>...` and keeps it up until the command is
//!   interrupted or its standard input closes.
//! - `versions` lists the releases whose wrapper modules ship with this crate.

use std::path::PathBuf;

use crate::assets;
use crate::control_plane::ControlPlane;
use crate::detached::DetachedControlPlane;
use crate::error::{Error, Result};
use crate::version::{KubeVersion, default_version, pinned_versions};

/// Where `up` writes, and `down` looks for, the kubeconfig when none is given.
pub fn default_kubeconfig() -> PathBuf {
    PathBuf::from("target/envtest/kubeconfig")
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Build or find the binaries.
    Install {
        /// The release.
        version: KubeVersion,
    },
    /// Start a detached control plane.
    Up {
        /// Where to write the kubeconfig.
        kubeconfig: PathBuf,
        /// The release.
        version: KubeVersion,
    },
    /// Stop a detached control plane.
    Down {
        /// The kubeconfig `up` wrote.
        kubeconfig: PathBuf,
    },
    /// Run an owned control plane until interrupted.
    Run {
        /// Where to write the kubeconfig, if anywhere.
        kubeconfig: Option<PathBuf>,
        /// The release.
        version: KubeVersion,
    },
    /// List the pinned releases.
    Versions,
}

/// The usage text.
pub const USAGE: &str = "usage: clientgo-envtest <install|up|down|run|versions> [--k8s-version X.Y.Z] [--kubeconfig PATH]";

/// Parses arguments (without the program name).
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command> {
    let mut args = args.into_iter();
    let verb = args.next().unwrap_or_default();
    let mut version = None;
    let mut kubeconfig = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| Error::Usage(format!("{flag} needs a value\n{USAGE}")))
        };
        match flag.as_str() {
            "--k8s-version" => version = Some(value()?.parse()?),
            "--kubeconfig" => kubeconfig = Some(PathBuf::from(value()?)),
            _ => return Err(Error::Usage(format!("unknown argument {arg:?}\n{USAGE}"))),
        }
    }
    let version = version.unwrap_or_else(default_version);
    let refuse = |what: &str| Error::Usage(format!("{verb} takes no {what}\n{USAGE}"));
    Ok(match verb.as_str() {
        "install" if kubeconfig.is_some() => return Err(refuse("--kubeconfig")),
        "install" => Command::Install { version },
        "up" => Command::Up {
            kubeconfig: kubeconfig.unwrap_or_else(default_kubeconfig),
            version,
        },
        "down" => Command::Down {
            kubeconfig: kubeconfig.unwrap_or_else(default_kubeconfig),
        },
        "run" => Command::Run {
            kubeconfig,
            version,
        },
        "versions" => Command::Versions,
        _ => return Err(Error::Usage(USAGE.to_string())),
    })
}

/// Carries out `command`, printing what it did to standard output and progress to
/// standard error.
pub async fn execute(command: Command) -> Result<()> {
    match command {
        Command::Install { version } => {
            let binaries = tokio::task::spawn_blocking(move || {
                assets::install(&version, &assets::print_progress)
            })
            .await
            .map_err(|error| Error::Assets(format!("the build task failed: {error}")))??;
            let dir = binaries
                .kube_apiserver
                .parent()
                .unwrap_or(&binaries.kube_apiserver);
            println!("{}", dir.display());
        }
        Command::Up {
            kubeconfig,
            version,
        } => {
            if let Ok(existing) = DetachedControlPlane::load(&kubeconfig) {
                if existing.is_running() {
                    return Err(Error::Usage(format!(
                        "a control plane already runs for {} ({}); stop it with `down` first",
                        kubeconfig.display(),
                        existing.server_url
                    )));
                }
                existing.stop()?;
            }
            let plane = ControlPlane::builder()
                .version(version)
                .start_detached(&kubeconfig)
                .await?;
            println!(
                "Kubernetes {} runs at {}\nexport KUBECONFIG={}",
                plane.version,
                plane.server_url,
                absolute(&plane.kubeconfig).display()
            );
        }
        Command::Down { kubeconfig } => {
            DetachedControlPlane::load(&kubeconfig)?.stop()?;
            println!("stopped the control plane of {}", kubeconfig.display());
        }
        Command::Run {
            kubeconfig,
            version,
        } => run(kubeconfig, version).await?,
        Command::Versions => {
            for version in pinned_versions() {
                println!("{version}");
            }
        }
    }
    Ok(())
}

async fn run(kubeconfig: Option<PathBuf>, version: KubeVersion) -> Result<()> {
    use tokio::io::AsyncReadExt;
    let plane = ControlPlane::builder().version(version).start().await?;
    let kubeconfig = match kubeconfig {
        Some(path) => {
            plane.write_kubeconfig(&path)?;
            path
        }
        None => plane.kubeconfig_path().to_path_buf(),
    };
    let pids: Vec<String> = plane.process_ids().iter().map(u32::to_string).collect();
    println!(
        "ready {} {} {}",
        plane.server_url(),
        kubeconfig.display(),
        pids.join(" ")
    );
    let mut stdin = tokio::io::stdin();
    let mut buffer = [0u8; 64];
    let stdin_closed = async { while matches!(stdin.read(&mut buffer).await, Ok(n) if n > 0) {} };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = stdin_closed => {}
    }
    plane.stop();
    Ok(())
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_every_verb() {
        let v: KubeVersion = "1.36.5".parse().unwrap();
        assert_eq!(
            parse(args("install --k8s-version 1.36.5")).unwrap(),
            Command::Install { version: v }
        );
        assert_eq!(
            parse(args("up --kubeconfig=/tmp/k")).unwrap(),
            Command::Up {
                kubeconfig: "/tmp/k".into(),
                version: default_version()
            }
        );
        assert_eq!(
            parse(args("down")).unwrap(),
            Command::Down {
                kubeconfig: default_kubeconfig()
            }
        );
        assert_eq!(parse(args("versions")).unwrap(), Command::Versions);
    }

    #[test]
    fn rejects_bad_command_lines() {
        for line in [
            "",
            "start",
            "up --bogus",
            "up --kubeconfig",
            "install --k8s-version 1.x",
            "install --kubeconfig k",
        ] {
            assert!(parse(args(line)).is_err(), "{line:?} was accepted");
        }
    }
}
