//! The `clientgo-envtest` command line (also `cargo xtask envtest` in this repository).
//!
//! ```text
//! clientgo-envtest install [--k8s-version X.Y.Z] [--nodes N] [--controllers]
//! clientgo-envtest up      [--kubeconfig PATH] [--k8s-version X.Y.Z] [--nodes N] [--controllers]
//! clientgo-envtest down    [--kubeconfig PATH]
//! clientgo-envtest run     [--kubeconfig PATH] [--k8s-version X.Y.Z] [--nodes N] [--controllers]
//! clientgo-envtest versions
//! ```
//!
//! - `install` builds (or finds) the binaries and prints their folder, for
//!   `KUBEBUILDER_ASSETS`; with `--nodes N` (N > 0) also `kwok`, with `--controllers`
//!   also kube-controller-manager and kube-scheduler.
//! - `up` starts a control plane that outlives the command and writes its kubeconfig;
//!   `down` stops it (with its KWOK and controllers) and leaves no process or file
//!   behind. `--nodes N` runs N simulated nodes, `--controllers` runs
//!   kube-controller-manager and kube-scheduler (see [`ControlPlaneBuilder::nodes`] and
//!   [`ControlPlaneBuilder::controllers`]).
//! - `run` starts a control plane owned by the command, prints one line
//!   `ready <server-url> <kubeconfig> <pid>...` and keeps it up until the command is
//!   interrupted or its standard input closes.
//! - `versions` lists the releases whose wrapper modules ship with this crate.

use std::path::PathBuf;

use crate::assets;
use crate::control_plane::{ControlPlane, ControlPlaneBuilder};
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
        /// What runs besides etcd and kube-apiserver.
        extras: Extras,
    },
    /// Start a detached control plane.
    Up {
        /// Where to write the kubeconfig.
        kubeconfig: PathBuf,
        /// The release.
        version: KubeVersion,
        /// What runs besides etcd and kube-apiserver.
        extras: Extras,
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
        /// What runs besides etcd and kube-apiserver.
        extras: Extras,
    },
    /// List the pinned releases.
    Versions,
}

/// What a control plane runs besides etcd and kube-apiserver (`--nodes N`,
/// `--controllers`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// How many simulated nodes (KWOK).
    pub nodes: usize,
    /// Whether kube-controller-manager and kube-scheduler run.
    pub controllers: bool,
}

impl Extras {
    /// Applies these to a builder.
    pub fn apply(self, builder: ControlPlaneBuilder) -> ControlPlaneBuilder {
        builder.nodes(self.nodes).controllers(self.controllers)
    }
}

/// The usage text.
pub const USAGE: &str = "usage: clientgo-envtest <install|up|down|run|versions> [--k8s-version X.Y.Z] [--kubeconfig PATH] [--nodes N] [--controllers]";

/// Parses arguments (without the program name).
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command> {
    let mut args = args.into_iter();
    let verb = args.next().unwrap_or_default();
    let mut version = None;
    let mut kubeconfig = None;
    let mut extras = Extras::default();
    let mut cluster_flag = false;
    while let Some(arg) = args.next() {
        if arg == "--controllers" {
            extras.controllers = true;
            cluster_flag = true;
            continue;
        }
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
            "--nodes" => {
                let text = value()?;
                extras.nodes = text.parse().map_err(|_| {
                    Error::Usage(format!("--nodes takes a number, not {text:?}\n{USAGE}"))
                })?;
                cluster_flag = true;
            }
            _ => return Err(Error::Usage(format!("unknown argument {arg:?}\n{USAGE}"))),
        }
    }
    let version = version.unwrap_or_else(default_version);
    let refuse = |what: &str| Error::Usage(format!("{verb} takes no {what}\n{USAGE}"));
    Ok(match verb.as_str() {
        "install" if kubeconfig.is_some() => return Err(refuse("--kubeconfig")),
        "install" => Command::Install { version, extras },
        "up" => Command::Up {
            kubeconfig: kubeconfig.unwrap_or_else(default_kubeconfig),
            version,
            extras,
        },
        "down" if cluster_flag => return Err(refuse("--nodes or --controllers")),
        "down" => Command::Down {
            kubeconfig: kubeconfig.unwrap_or_else(default_kubeconfig),
        },
        "run" => Command::Run {
            kubeconfig,
            version,
            extras,
        },
        "versions" => Command::Versions,
        _ => return Err(Error::Usage(USAGE.to_string())),
    })
}

/// Carries out `command`, printing what it did to standard output and progress to
/// standard error.
pub async fn execute(command: Command) -> Result<()> {
    match command {
        Command::Install { version, extras } => {
            let built = tokio::task::spawn_blocking(move || {
                let binaries = assets::install(&version, &assets::print_progress)?;
                if extras.controllers {
                    assets::install_controllers(&version, &assets::print_progress)?;
                }
                let kwok = match extras.nodes {
                    0 => None,
                    _ => Some(assets::install_kwok(&assets::print_progress)?),
                };
                Ok::<_, Error>((binaries, kwok))
            })
            .await
            .map_err(|error| Error::Assets(format!("the build task failed: {error}")))??;
            let (binaries, kwok) = built;
            let dir = binaries
                .kube_apiserver
                .parent()
                .unwrap_or(&binaries.kube_apiserver);
            println!("{}", dir.display());
            if let Some(kwok) = kwok {
                println!("{}", kwok.display());
            }
        }
        Command::Up {
            kubeconfig,
            version,
            extras,
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
            let plane = extras
                .apply(ControlPlane::builder().version(version))
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
            extras,
        } => run(kubeconfig, version, extras).await?,
        Command::Versions => {
            for version in pinned_versions() {
                println!("{version}");
            }
        }
    }
    Ok(())
}

async fn run(kubeconfig: Option<PathBuf>, version: KubeVersion, extras: Extras) -> Result<()> {
    use tokio::io::AsyncReadExt;
    let plane = extras
        .apply(ControlPlane::builder().version(version))
        .start()
        .await?;
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
            Command::Install {
                version: v,
                extras: Extras::default()
            }
        );
        assert_eq!(
            parse(args("up --kubeconfig=/tmp/k")).unwrap(),
            Command::Up {
                kubeconfig: "/tmp/k".into(),
                version: default_version(),
                extras: Extras::default()
            }
        );
        assert_eq!(
            parse(args("up --nodes 3 --controllers")).unwrap(),
            Command::Up {
                kubeconfig: default_kubeconfig(),
                version: default_version(),
                extras: Extras {
                    nodes: 3,
                    controllers: true
                }
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
            "up --nodes",
            "up --nodes two",
            "down --controllers",
        ] {
            assert!(parse(args(line)).is_err(), "{line:?} was accepted");
        }
    }
}
