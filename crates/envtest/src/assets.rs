//! Finding, and building when missing, the `kube-apiserver` and `etcd` binaries.
//!
//! Prebuilt Kubernetes binaries are often not downloadable (air-gapped CI, no release
//! mirror), but the Go module proxy is. So the binaries are compiled from their Go
//! modules: a small *wrapper module* requires `k8s.io/kubernetes` at the release and
//! replaces each of its staging modules (`k8s.io/api`, ...) with the matching `v0.X.Y`
//! tag, which is what makes `k8s.io/kubernetes` usable as a dependency at all. etcd is
//! built from the same wrapper at the version that release of Kubernetes uses.
//!
//! Where binaries come from, in order:
//! 1. `KUBEBUILDER_ASSETS`: a folder with `kube-apiserver` and `etcd`, as made by
//!    controller-runtime's `setup-envtest`. Nothing is built.
//! 2. The cache, `<user cache dir>/clientgo-envtest/<version>/` (e.g.
//!    `~/.cache/clientgo-envtest/1.37.2/`).
//! 3. A build into the cache with the local Go toolchain (`GOTOOLCHAIN=local`), using the
//!    wrapper shipped with this crate for pinned releases, or one resolved on the spot
//!    for other patch releases.
//!
//! Control planes with controllers or nodes need more binaries, found the same way and
//! built only when such a control plane is asked for: kube-controller-manager and
//! kube-scheduler of the same release (from the same wrapper module, into the same
//! cache folder, under the same lock), and [KWOK](https://kwok.sigs.k8s.io)
//! [`KWOK_VERSION`], which does not depend on the release and is cached once in
//! [`kwok_cache_dir`] from a wrapper module of its own that ships with this crate, with
//! the CRDs and stages it runs with copied from its module ([`kwok_data_dir`]).
//! `KUBEBUILDER_ASSETS` provides them only if its folder has them; otherwise they come
//! from the cache even when kube-apiserver and etcd come from that folder.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result, io_error};
use crate::version::{KubeVersion, pinned_release};

/// The environment variable naming a folder of prebuilt binaries.
pub const ASSETS_ENV: &str = "KUBEBUILDER_ASSETS";

/// Where the binaries of one control plane are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binaries {
    /// The `kube-apiserver` binary.
    pub kube_apiserver: PathBuf,
    /// The `etcd` binary.
    pub etcd: PathBuf,
}

impl Binaries {
    fn in_dir(dir: &Path) -> Self {
        Self {
            kube_apiserver: dir.join("kube-apiserver"),
            etcd: dir.join("etcd"),
        }
    }

    fn exist(&self) -> bool {
        self.kube_apiserver.is_file() && self.etcd.is_file()
    }
}

/// Receives progress lines of long steps (downloads, compilation).
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Prints progress lines to standard error.
pub fn print_progress(line: &str) {
    eprintln!("[envtest] {line}");
}

/// The folder that holds the cached binaries of every version.
pub fn cache_root() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("clientgo-envtest")
}

/// The folder that holds (or will hold) the cached binaries of `version`.
pub fn cache_dir(version: &KubeVersion) -> PathBuf {
    cache_root().join(version.to_string())
}

/// The binaries to run for `version` if they are already there: from
/// `KUBEBUILDER_ASSETS` when set, else from the cache.
pub fn locate(version: &KubeVersion) -> Result<Option<Binaries>> {
    if let Some(dir) = std::env::var_os(ASSETS_ENV).filter(|d| !d.is_empty()) {
        let binaries = Binaries::in_dir(Path::new(&dir));
        if !binaries.exist() {
            return Err(Error::Assets(format!(
                "{ASSETS_ENV}={} does not contain both kube-apiserver and etcd",
                Path::new(&dir).display()
            )));
        }
        return Ok(Some(binaries));
    }
    let binaries = Binaries::in_dir(&cache_dir(version));
    Ok(binaries.exist().then_some(binaries))
}

/// The binaries for `version`, building them into the cache first if they are missing.
///
/// Safe to call from several processes at once: one builds while the others wait on a
/// lock file, then find the binaries in place.
pub fn install(version: &KubeVersion, progress: Progress<'_>) -> Result<Binaries> {
    if let Some(binaries) = locate(version)? {
        return Ok(binaries);
    }
    let dir = cache_dir(version);
    let _lock = lock_dir(&dir, &format!("Kubernetes {version}"), progress)?;
    let binaries = Binaries::in_dir(&dir);
    if binaries.exist() {
        return Ok(binaries);
    }
    let started = Instant::now();
    progress(&format!(
        "building kube-apiserver and etcd of Kubernetes {version} from the Go module proxy into {} (first run only; several minutes)",
        dir.display()
    ));
    let go = prepare_wrapper(version, &dir, progress)?;
    let module = go.module_info("k8s.io/kubernetes")?;
    let etcd_tmp = dir.join("etcd.partial");
    go.build(
        "etcd",
        &[
            "-ldflags",
            "-s -w",
            "-o",
            path_str(&etcd_tmp)?,
            "go.etcd.io/etcd/server/v3",
        ],
        progress,
    )?;
    let apiserver_tmp = dir.join("kube-apiserver.partial");
    build_kubernetes_command(
        &go,
        version,
        &module,
        "kube-apiserver",
        &apiserver_tmp,
        progress,
    )?;
    rename(&etcd_tmp, &binaries.etcd)?;
    rename(&apiserver_tmp, &binaries.kube_apiserver)?;
    progress(&format!(
        "built Kubernetes {version} in {}",
        format_elapsed(started.elapsed())
    ));
    Ok(binaries)
}

/// Where kube-controller-manager and kube-scheduler are, for control planes with
/// controllers ([`ControlPlaneBuilder::controllers`]).
///
/// [`ControlPlaneBuilder::controllers`]: crate::ControlPlaneBuilder::controllers
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerBinaries {
    /// The `kube-controller-manager` binary.
    pub kube_controller_manager: PathBuf,
    /// The `kube-scheduler` binary.
    pub kube_scheduler: PathBuf,
}

impl ControllerBinaries {
    fn in_dir(dir: &Path) -> Self {
        Self {
            kube_controller_manager: dir.join("kube-controller-manager"),
            kube_scheduler: dir.join("kube-scheduler"),
        }
    }

    fn exist(&self) -> bool {
        self.kube_controller_manager.is_file() && self.kube_scheduler.is_file()
    }
}

/// kube-controller-manager and kube-scheduler of `version` if they are already there:
/// from `KUBEBUILDER_ASSETS` when that folder has both, else from the cache.
pub fn locate_controllers(version: &KubeVersion) -> Option<ControllerBinaries> {
    if let Some(dir) = std::env::var_os(ASSETS_ENV).filter(|d| !d.is_empty()) {
        let binaries = ControllerBinaries::in_dir(Path::new(&dir));
        if binaries.exist() {
            return Some(binaries);
        }
    }
    let binaries = ControllerBinaries::in_dir(&cache_dir(version));
    binaries.exist().then_some(binaries)
}

/// kube-controller-manager and kube-scheduler of `version`, built into the cache first
/// if they are missing (from the same wrapper module as kube-apiserver, under the same
/// lock). Only control planes with controllers need them.
pub fn install_controllers(
    version: &KubeVersion,
    progress: Progress<'_>,
) -> Result<ControllerBinaries> {
    if let Some(binaries) = locate_controllers(version) {
        return Ok(binaries);
    }
    let dir = cache_dir(version);
    let _lock = lock_dir(&dir, &format!("Kubernetes {version}"), progress)?;
    let binaries = ControllerBinaries::in_dir(&dir);
    if binaries.exist() {
        return Ok(binaries);
    }
    let started = Instant::now();
    progress(&format!(
        "building kube-controller-manager and kube-scheduler of Kubernetes {version} into {} (first cluster-mode run only; several minutes)",
        dir.display()
    ));
    let go = prepare_wrapper(version, &dir, progress)?;
    if !go_mod_has_tool(&dir.join("wrapper"), CONTROLLER_MANAGER_PACKAGE) {
        // A wrapper resolved by an earlier version of this crate, without the tools.
        progress("adding kube-controller-manager and kube-scheduler to the wrapper (go get)");
        add_controller_tools(&go, version)?;
    }
    let module = go.module_info("k8s.io/kubernetes")?;
    let manager_tmp = dir.join("kube-controller-manager.partial");
    build_kubernetes_command(
        &go,
        version,
        &module,
        "kube-controller-manager",
        &manager_tmp,
        progress,
    )?;
    let scheduler_tmp = dir.join("kube-scheduler.partial");
    build_kubernetes_command(
        &go,
        version,
        &module,
        "kube-scheduler",
        &scheduler_tmp,
        progress,
    )?;
    rename(&manager_tmp, &binaries.kube_controller_manager)?;
    rename(&scheduler_tmp, &binaries.kube_scheduler)?;
    progress(&format!(
        "built kube-controller-manager and kube-scheduler of Kubernetes {version} in {}",
        format_elapsed(started.elapsed())
    ));
    Ok(binaries)
}

/// The release of KWOK (`sigs.k8s.io/kwok`) that simulates nodes.
pub const KWOK_VERSION: &str = "0.8.0";

/// The wrapper module that builds KWOK, shipped with this crate.
const KWOK_GO_MOD: &str = include_str!("../wrappers/kwok-v0.8.0/go.mod");
const KWOK_GO_SUM: &str = include_str!("../wrappers/kwok-v0.8.0/go.sum");

/// The folder that holds (or will hold) the cached `kwok` binary; it does not depend on
/// the Kubernetes release.
pub fn kwok_cache_dir() -> PathBuf {
    cache_root().join(format!("kwok-{KWOK_VERSION}"))
}

/// Where KWOK's data files are kept: its CRDs (`crds/`) and stages (`stages/`), copied
/// from the `sigs.k8s.io/kwok` module when `kwok` is installed.
pub fn kwok_data_dir() -> PathBuf {
    kwok_cache_dir().join("data")
}

/// The file that marks a complete copy of KWOK's data files.
const KWOK_DATA_DONE: &str = "complete";

fn kwok_data_present() -> bool {
    kwok_data_dir().join(KWOK_DATA_DONE).is_file()
}

/// The `kwok` binary if it and KWOK's data files are already there: the binary from
/// `KUBEBUILDER_ASSETS` when that folder has one, else from the cache; the data files
/// from the cache ([`kwok_data_dir`]).
pub fn locate_kwok() -> Option<PathBuf> {
    locate_kwok_binary().filter(|_| kwok_data_present())
}

fn locate_kwok_binary() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(ASSETS_ENV).filter(|d| !d.is_empty()) {
        let kwok = Path::new(&dir).join("kwok");
        if kwok.is_file() {
            return Some(kwok);
        }
    }
    let kwok = kwok_cache_dir().join("kwok");
    kwok.is_file().then_some(kwok)
}

/// The `kwok` binary, built into the cache first if it is missing (from the wrapper
/// module shipped with this crate, so the build needs the module proxy only), and
/// KWOK's data files, copied from its module when missing.
pub fn install_kwok(progress: Progress<'_>) -> Result<PathBuf> {
    if let Some(kwok) = locate_kwok() {
        return Ok(kwok);
    }
    let dir = kwok_cache_dir();
    let _lock = lock_dir(&dir, &format!("kwok {KWOK_VERSION}"), progress)?;
    let wrapper = dir.join("wrapper");
    fs::create_dir_all(&wrapper).map_err(io_error("creating", &wrapper))?;
    write(&wrapper.join("go.mod"), KWOK_GO_MOD)?;
    write(&wrapper.join("go.sum"), KWOK_GO_SUM)?;
    let go = GoCommand::new(&wrapper);
    let kwok = match locate_kwok_binary() {
        Some(kwok) => kwok,
        None => build_kwok(&go, &dir, progress)?,
    };
    if !kwok_data_present() {
        copy_kwok_data(&go)?;
    }
    Ok(kwok)
}

fn build_kwok(go: &GoCommand, dir: &Path, progress: Progress<'_>) -> Result<PathBuf> {
    let started = Instant::now();
    progress(&format!(
        "building kwok {KWOK_VERSION} from the Go module proxy into {} (first run with nodes only; about two minutes)",
        dir.display()
    ));
    let kwok = dir.join("kwok");
    let partial = dir.join("kwok.partial");
    go.build(
        "kwok",
        &[
            "-ldflags",
            "-s -w",
            "-o",
            path_str(&partial)?,
            "sigs.k8s.io/kwok/cmd/kwok",
        ],
        progress,
    )?;
    rename(&partial, &kwok)?;
    progress(&format!(
        "built kwok {KWOK_VERSION} in {}",
        format_elapsed(started.elapsed())
    ));
    Ok(kwok)
}

/// Copies the CRDs and stages KWOK is run with from its module (downloaded by the
/// build, or now) into [`kwok_data_dir`].
fn copy_kwok_data(go: &GoCommand) -> Result<()> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Download {
        dir: PathBuf,
    }
    let module = format!("sigs.k8s.io/kwok@v{KWOK_VERSION}");
    let json = go.run(&["mod", "download", "-json", &module])?;
    let download: Download = serde_json::from_str(&json).map_err(|error| Error::Build {
        what: format!("`go mod download {module}`"),
        detail: error.to_string(),
    })?;
    let data = kwok_data_dir();
    let copies = crate::kwok::CRDS
        .iter()
        .map(|(_, file)| {
            (
                format!("kustomize/crd/bases/{file}"),
                format!("crds/{file}"),
            )
        })
        .chain(crate::kwok::STAGES.iter().map(|path| {
            let name = path.rsplit('/').next().unwrap_or(path);
            (format!("kustomize/stage/{path}"), format!("stages/{name}"))
        }));
    for (from, to) in copies {
        let (from, to) = (download.dir.join(from), data.join(to));
        let text = fs::read_to_string(&from).map_err(io_error("reading", &from))?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
        }
        write(&to, &text)?;
    }
    write(&data.join(KWOK_DATA_DONE), "")
}

/// The package of kube-controller-manager's command.
const CONTROLLER_MANAGER_PACKAGE: &str = "k8s.io/kubernetes/cmd/kube-controller-manager";
/// The package of kube-scheduler's command.
const SCHEDULER_PACKAGE: &str = "k8s.io/kubernetes/cmd/kube-scheduler";

/// Creates `dir` and takes its build lock, waiting (with a progress line) while another
/// process holds it. The lock is released when the returned file is dropped.
fn lock_dir(dir: &Path, what: &str, progress: Progress<'_>) -> Result<File> {
    fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    let lock_path = dir.join(".lock");
    let lock = File::create(&lock_path).map_err(io_error("creating", &lock_path))?;
    if lock.try_lock().is_err() {
        progress(&format!(
            "waiting for another process that is building {what}"
        ));
        lock.lock().map_err(io_error("locking", &lock_path))?;
    }
    Ok(lock)
}

/// Writes the shipped wrapper of `version` into `<dir>/wrapper` (or resolves one when
/// none ships and none is there yet) and returns a Go command that runs in it.
fn prepare_wrapper(version: &KubeVersion, dir: &Path, progress: Progress<'_>) -> Result<GoCommand> {
    let wrapper = dir.join("wrapper");
    fs::create_dir_all(&wrapper).map_err(io_error("creating", &wrapper))?;
    match pinned_release(version) {
        Some(release) => {
            write(&wrapper.join("go.mod"), release.go_mod)?;
            write(&wrapper.join("go.sum"), release.go_sum)?;
        }
        // A complete wrapper resolved earlier ends with the controller tools.
        None if go_mod_has_tool(&wrapper, CONTROLLER_MANAGER_PACKAGE) => {}
        None => {
            progress(&format!(
                "no wrapper module ships for {version}: resolving one"
            ));
            generate_wrapper(version, &wrapper, progress)?;
        }
    }
    Ok(GoCommand::new(&wrapper))
}

/// Builds `k8s.io/kubernetes/cmd/<command>` of `version` to `output` with upstream's
/// tags and version stamps.
fn build_kubernetes_command(
    go: &GoCommand,
    version: &KubeVersion,
    module: &ModuleInfo,
    command: &str,
    output: &Path,
    progress: Progress<'_>,
) -> Result<()> {
    let ldflags = format!("-s -w {}", version_ldflags(version, &module.time));
    let package = format!("k8s.io/kubernetes/cmd/{command}");
    go.build(
        command,
        &[
            "-tags",
            "selinux,notest",
            "-ldflags",
            &ldflags,
            "-o",
            path_str(output)?,
            &package,
        ],
        progress,
    )
}

/// Whether the wrapper's `go.mod` in `dir` lists `package` as a tool.
fn go_mod_has_tool(dir: &Path, package: &str) -> bool {
    fs::read_to_string(dir.join("go.mod"))
        .map(|text| {
            text.lines()
                .any(|line| line.trim() == package || line.trim() == format!("tool {package}"))
        })
        .unwrap_or(false)
}

/// Adds kube-controller-manager and kube-scheduler of exactly `version` as tools
/// (without a version, `go get` would upgrade k8s.io/kubernetes itself).
fn add_controller_tools(go: &GoCommand, version: &KubeVersion) -> Result<()> {
    go.run(&[
        "get",
        "-tool",
        &format!("{CONTROLLER_MANAGER_PACKAGE}@{}", version.tag()),
        &format!("{SCHEDULER_PACKAGE}@{}", version.tag()),
    ])
    .map(drop)
}

/// Resolves the wrapper module of `version` into `dir` (`go.mod` and `go.sum`): reads the
/// staging modules from the release's own `go.mod`, then lets `go get` pick every
/// dependency, with etcd at the version that release already selects.
///
/// Needs the Go module proxy and checksum database. Used for releases without a shipped
/// wrapper, and by maintainers to add or update shipped wrappers.
pub fn generate_wrapper(version: &KubeVersion, dir: &Path, progress: Progress<'_>) -> Result<()> {
    fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    let go = GoCommand::new(dir);
    progress(&format!(
        "reading the go.mod of k8s.io/kubernetes {}",
        version.tag()
    ));
    let upstream = go.download_go_mod(&format!("k8s.io/kubernetes@{}", version.tag()))?;
    let staging = staging_modules(&upstream);
    if staging.is_empty() {
        return Err(Error::Build {
            what: format!("wrapper for {version}"),
            detail: "the go.mod of k8s.io/kubernetes lists no staging modules".into(),
        });
    }
    let mut go_mod = String::new();
    go_mod
        .push_str("// Wrapper module that builds kube-apiserver and etcd for clientgo-envtest.\n");
    go_mod.push_str("// Generated by 'cargo xtask envtest wrapper'; do not edit by hand.\n");
    go_mod.push_str(&format!(
        "module clientgo.invalid/envtest-k8s-{}\n\n",
        version.minor_name()
    ));
    for line in upstream.lines() {
        if line.starts_with("go ") || line.starts_with("godebug ") {
            go_mod.push_str(line);
            go_mod.push('\n');
        }
    }
    go_mod.push_str(&format!(
        "\nrequire k8s.io/kubernetes {}\n\nreplace (\n",
        version.tag()
    ));
    for module in &staging {
        go_mod.push_str(&format!(
            "\t{module} => {module} {}\n",
            version.staging_tag()
        ));
    }
    go_mod.push_str(")\n");
    write(&dir.join("go.mod"), &go_mod)?;
    let _ = fs::remove_file(dir.join("go.sum"));
    progress("resolving kube-apiserver's dependencies (go get)");
    go.run(&[
        "get",
        "-tool",
        &format!("k8s.io/kubernetes/cmd/kube-apiserver@{}", version.tag()),
    ])?;
    let etcd = go.module_info("go.etcd.io/etcd/server/v3")?;
    progress(&format!("resolving etcd {} (go get)", etcd.version));
    go.run(&[
        "get",
        "-tool",
        &format!("go.etcd.io/etcd/server/v3@{}", etcd.version),
    ])?;
    progress("resolving kube-controller-manager and kube-scheduler (go get)");
    add_controller_tools(&go, version)
}

/// The staging modules a `k8s.io/kubernetes` go.mod replaces with local folders.
fn staging_modules(go_mod: &str) -> Vec<String> {
    let mut modules = Vec::new();
    let mut in_replace = false;
    for line in go_mod.lines().map(str::trim) {
        if line.starts_with("replace (") {
            in_replace = true;
        } else if in_replace && line == ")" {
            in_replace = false;
        } else if in_replace || line.starts_with("replace ") {
            let entry = line.trim_start_matches("replace ").trim();
            if let Some((module, target)) = entry.split_once("=>")
                && target.trim().starts_with("./staging/")
            {
                modules.push(module.trim().to_string());
            }
        }
    }
    modules
}

/// Link flags that make `/version` report the real release, as upstream's build does.
fn version_ldflags(version: &KubeVersion, build_date: &str) -> String {
    let mut flags = Vec::new();
    for package in [
        "k8s.io/component-base/version",
        "k8s.io/client-go/pkg/version",
    ] {
        for (name, value) in [
            ("gitVersion", version.tag()),
            ("gitMajor", version.major.to_string()),
            ("gitMinor", version.minor.to_string()),
            ("gitTreeState", "clean".to_string()),
            ("buildDate", build_date.to_string()),
        ] {
            flags.push(format!("-X {package}.{name}={value}"));
        }
    }
    flags.join(" ")
}

/// Builds the Go program (`package main`) of the module in `source` into `output` with
/// the local Go toolchain, as the control plane's binaries are built (`GOTOOLCHAIN=local`,
/// `CGO_ENABLED=0`, under the module's own `go.sum`): the Go peers that tests run beside
/// the Rust code (client-go, kubectl or kubelet code). Progress goes to stderr.
pub fn build_go_program(source: &Path, output: &Path) -> Result<()> {
    let what = source.file_name().map_or_else(
        || "a Go program".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    let output = output.to_string_lossy();
    GoCommand::new(source).build(&what, &["-o", &output, "."], &print_progress)
}

/// What `go list -m -json` says of a module.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ModuleInfo {
    version: String,
    #[serde(default)]
    time: String,
}

/// Runs the local Go toolchain in a wrapper module.
struct GoCommand {
    dir: PathBuf,
}

impl GoCommand {
    fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    fn command(&self) -> Command {
        let go = std::env::var_os("GO").unwrap_or_else(|| "go".into());
        let mut command = Command::new(go);
        command
            .current_dir(&self.dir)
            .env("GOTOOLCHAIN", "local")
            .env("CGO_ENABLED", "0")
            .stdin(Stdio::null());
        command
    }

    fn missing_go(error: std::io::Error) -> Error {
        Error::Assets(format!(
            "cannot run `go` ({error}): building kube-apiserver and etcd needs Go 1.26 or newer \
             on PATH (or set GO=/path/to/go), or set {ASSETS_ENV} to a folder of prebuilt binaries"
        ))
    }

    fn run(&self, args: &[&str]) -> Result<String> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(Self::missing_go)?;
        if !output.status.success() {
            return Err(Error::Build {
                what: format!("`go {}`", args.join(" ")),
                // `-json` commands report their error in the JSON on stdout.
                detail: format!(
                    "{}\n{}\n{}",
                    output.status,
                    tail_lines(&String::from_utf8_lossy(&output.stderr), 30),
                    tail_lines(&String::from_utf8_lossy(&output.stdout), 10)
                )
                .trim_end()
                .to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn module_info(&self, module: &str) -> Result<ModuleInfo> {
        let json = self.run(&["list", "-m", "-json", module])?;
        serde_json::from_str(&json).map_err(|error| Error::Build {
            what: format!("`go list -m -json {module}`"),
            detail: error.to_string(),
        })
    }

    fn download_go_mod(&self, module_at_version: &str) -> Result<String> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Download {
            go_mod: PathBuf,
        }
        let json = self.run(&["mod", "download", "-json", module_at_version])?;
        let download: Download = serde_json::from_str(&json).map_err(|error| Error::Build {
            what: format!("`go mod download {module_at_version}`"),
            detail: error.to_string(),
        })?;
        fs::read_to_string(&download.go_mod).map_err(io_error("reading", download.go_mod))
    }

    /// `go build -v -trimpath ARGS`, reporting progress every 20 seconds.
    fn build(&self, what: &str, args: &[&str], progress: Progress<'_>) -> Result<()> {
        let started = Instant::now();
        progress(&format!(
            "compiling {what} (downloading its modules first if needed)"
        ));
        let mut child = self
            .command()
            .args(["build", "-v", "-trimpath"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(Self::missing_go)?;
        let seen = Arc::new(Mutex::new(BuildOutput::default()));
        let reader = child.stderr.take().map(|stderr| {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                    seen.record(line);
                }
            })
        });
        let mut last_report = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(error) => return Err(Self::missing_go(error)),
            }
            if last_report.elapsed() >= Duration::from_secs(20) {
                last_report = Instant::now();
                let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                progress(&format!(
                    "  {what}: {} elapsed, {} packages compiled, {} modules downloaded (last: {})",
                    format_elapsed(started.elapsed()),
                    seen.packages,
                    seen.downloads,
                    seen.last
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        if let Some(reader) = reader {
            let _ = reader.join();
        }
        if !status.success() {
            let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
            return Err(Error::Build {
                what: what.to_string(),
                detail: format!("go build: {status}\n{}", seen.tail.join("\n")),
            });
        }
        progress(&format!(
            "compiled {what} in {}",
            format_elapsed(started.elapsed())
        ));
        Ok(())
    }
}

/// What `go build -v` has printed so far.
#[derive(Default)]
struct BuildOutput {
    packages: usize,
    downloads: usize,
    last: String,
    tail: Vec<String>,
}

impl BuildOutput {
    fn record(&mut self, line: String) {
        if line.starts_with("go: downloading ") {
            self.downloads += 1;
        } else if !line.starts_with('#') && !line.contains(' ') {
            self.packages += 1;
        }
        self.last = line.clone();
        self.tail.push(line);
        if self.tail.len() > 40 {
            self.tail.remove(0);
        }
    }
}

fn tail_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// `1m05s` style durations for progress lines.
pub(crate) fn format_elapsed(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1}s", elapsed.as_secs_f64())
    }
}

fn write(path: &Path, contents: &str) -> Result<()> {
    fs::write(path, contents).map_err(io_error("writing", path))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(io_error("moving into place", to))
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| Error::Assets(format!("cache path {} is not valid UTF-8", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_staging_modules_from_the_kubernetes_go_mod() {
        let go_mod = "module k8s.io/kubernetes\n\nreplace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tgithub.com/x/y => github.com/x/y v1.0.0\n\tk8s.io/kubectl => ./staging/src/k8s.io/kubectl\n)\nreplace k8s.io/kms => ./staging/src/k8s.io/kms\n";
        assert_eq!(
            staging_modules(go_mod),
            vec!["k8s.io/api", "k8s.io/kubectl", "k8s.io/kms"]
        );
    }

    #[test]
    fn ldflags_set_the_release_in_both_version_packages() {
        let version: KubeVersion = "1.37.2".parse().unwrap();
        let flags = version_ldflags(&version, "2026-10-27T12:01:04Z");
        assert!(flags.contains("-X k8s.io/component-base/version.gitVersion=v1.37.2"));
        assert!(flags.contains("-X k8s.io/client-go/pkg/version.gitMinor=37"));
        assert!(flags.contains("buildDate=2026-10-27T12:01:04Z"));
    }

    #[test]
    fn build_output_counts_packages_and_downloads() {
        let mut seen = BuildOutput::default();
        seen.record("go: downloading k8s.io/api v0.37.2".into());
        seen.record("k8s.io/apimachinery/pkg/util/sets".into());
        seen.record("# k8s.io/broken".into());
        assert_eq!((seen.packages, seen.downloads), (1, 1));
        assert_eq!(format_elapsed(Duration::from_secs(65)), "1m05s");
    }
}
