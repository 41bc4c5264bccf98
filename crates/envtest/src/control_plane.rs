//! [`ControlPlane`]: a running etcd + kube-apiserver pair and its users.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::apiserver::{self, PkiFiles};
use crate::args::Flags;
use crate::assets::{self, Binaries};
use crate::certs::{self, Authority};
use crate::cluster::{self, Cluster, ClusterBinaries, ClusterOptions, ClusterPki, StartCluster};
use crate::detached::DetachedControlPlane;
use crate::error::{Error, Result, io_error};
use crate::etcd::{self, Etcd};
use crate::kubeconfig;
use crate::ports::free_port;
use crate::process::{Launch, Lifetime, ManagedProcess};
use crate::stale;
use crate::user::{ADMIN_USER, Credentials, UNPRIVILEGED_USER, User, validate_name};
use crate::version::{KubeVersion, default_version};

/// How often start-up is retried when a freshly picked port was taken by someone else.
const START_ATTEMPTS: usize = 3;

/// Configures and starts a [`ControlPlane`].
///
/// ```no_run
/// # async fn run() -> Result<(), clientgo_envtest::Error> {
/// use std::time::Duration;
/// use clientgo_envtest::ControlPlane;
///
/// let plane = ControlPlane::builder()
///     .apiserver_flag("feature-gates", "CBORServingAndStorage=true")
///     .etcd_compaction_interval(Duration::from_secs(5))
///     .user("alice", ["team-a", "team-b"])
///     .start()
///     .await?;
/// println!("kubeconfig: {}", plane.kubeconfig_path().display());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ControlPlaneBuilder {
    version: Option<KubeVersion>,
    binaries: Option<Binaries>,
    install_missing: bool,
    apiserver_flags: Flags,
    etcd_flags: Flags,
    start_timeout: Duration,
    users: Vec<(String, Vec<String>)>,
    cluster: ClusterOptions,
}

impl Default for ControlPlaneBuilder {
    fn default() -> Self {
        Self {
            version: None,
            binaries: None,
            install_missing: true,
            apiserver_flags: Flags::default(),
            etcd_flags: Flags::default(),
            start_timeout: Duration::from_secs(120),
            users: Vec::new(),
            cluster: ClusterOptions::default(),
        }
    }
}

impl ControlPlaneBuilder {
    /// The Kubernetes release to run (default: [`default_version`]).
    pub fn version(mut self, version: KubeVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Runs these binaries instead of looking them up by version.
    pub fn binaries(mut self, binaries: Binaries) -> Self {
        self.binaries = Some(binaries);
        self
    }

    /// Whether missing binaries are built with the local Go toolchain (default: yes,
    /// printing progress to standard error). When off, missing binaries are an error.
    pub fn install_missing_binaries(mut self, install: bool) -> Self {
        self.install_missing = install;
        self
    }

    /// Sets a kube-apiserver flag, replacing the default value if there is one
    /// (`name` with or without leading dashes).
    pub fn apiserver_flag(mut self, name: &str, value: impl Into<String>) -> Self {
        self.apiserver_flags.set(name, value);
        self
    }

    /// Sets an etcd flag, replacing the default value if there is one.
    pub fn etcd_flag(mut self, name: &str, value: impl Into<String>) -> Self {
        self.etcd_flags.set(name, value);
        self
    }

    /// How often the API server compacts etcd. A short interval makes old resource
    /// versions expire quickly, for tests of `410 Gone` handling.
    pub fn etcd_compaction_interval(self, interval: Duration) -> Self {
        let value = format!("{}ms", interval.as_millis());
        self.apiserver_flag("etcd-compaction-interval", value)
    }

    /// How long each component may take to become ready (default: 2 minutes).
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// Adds a user that authenticates with a client certificate: common name `name`,
    /// one organization per group. The same as [`ControlPlane::add_user`] after start.
    pub fn user<G: Into<String>>(
        mut self,
        name: &str,
        groups: impl IntoIterator<Item = G>,
    ) -> Self {
        self.users.push((
            name.to_string(),
            groups.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// Runs `count` simulated nodes (default: none): [KWOK](https://kwok.sigs.k8s.io)
    /// manages Nodes named [`kwok::node_name`](crate::kwok::node_name)`(0..count)`,
    /// keeps them Ready, turns Pods bound to them `Running`, and serves their kubelet
    /// API (logs, exec, attach, port-forward) as its resources say (see
    /// [`kwok`](crate::kwok)). Start-up waits until every node is Ready. The first use
    /// builds `kwok` (about two minutes).
    pub fn nodes(mut self, count: usize) -> Self {
        self.cluster.nodes = count;
        self
    }

    /// Whether kube-controller-manager and kube-scheduler of the same release run
    /// (default: no). With them, Deployments get ReplicaSets and Pods, Pods are
    /// scheduled (onto the simulated [`nodes`](Self::nodes)), namespaces finish
    /// deleting and garbage collection removes dependents. The first use builds both
    /// (several minutes).
    pub fn controllers(mut self, run: bool) -> Self {
        self.cluster.controllers = run;
        self
    }

    /// Cluster mode: two simulated nodes and the controllers, as
    /// [`ControlPlane::cluster`] starts it.
    pub fn cluster(self) -> Self {
        self.nodes(2).controllers(true)
    }

    /// Sets a flag of `kwok` (only used with [`nodes`](Self::nodes)), replacing the
    /// default value if there is one.
    pub fn kwok_flag(mut self, name: &str, value: impl Into<String>) -> Self {
        self.cluster.kwok_flags.set(name, value);
        self
    }

    /// Sets a kube-controller-manager flag (only used with
    /// [`controllers`](Self::controllers)), replacing the default value if there is one.
    pub fn controller_manager_flag(mut self, name: &str, value: impl Into<String>) -> Self {
        self.cluster.controller_manager_flags.set(name, value);
        self
    }

    /// Sets a kube-scheduler flag (only used with [`controllers`](Self::controllers)),
    /// replacing the default value if there is one.
    pub fn scheduler_flag(mut self, name: &str, value: impl Into<String>) -> Self {
        self.cluster.scheduler_flags.set(name, value);
        self
    }

    /// Starts etcd and kube-apiserver and waits until the API server is ready.
    ///
    /// The processes stop when the returned [`ControlPlane`] is dropped, and also when
    /// this process dies, however it dies (on Linux).
    pub async fn start(self) -> Result<ControlPlane> {
        self.start_with(Lifetime::Owned).await
    }

    /// Starts a control plane that outlives this process, writes its kubeconfig to
    /// `kubeconfig`, and returns the handle that stops it later
    /// ([`DetachedControlPlane::load`] finds it again from the kubeconfig path).
    pub async fn start_detached(self, kubeconfig: &Path) -> Result<DetachedControlPlane> {
        let plane = self.start_with(Lifetime::Detached).await?;
        plane.detach(kubeconfig)
    }

    async fn start_with(self, lifetime: Lifetime) -> Result<ControlPlane> {
        for (name, groups) in &self.users {
            validate_user(name, groups)?;
        }
        let version = self.version.unwrap_or_else(default_version);
        let binaries = match self.binaries.clone() {
            Some(binaries) => binaries,
            None => find_binaries(version, self.install_missing).await?,
        };
        let cluster_binaries =
            find_cluster_binaries(version, &self.cluster, self.install_missing).await?;
        stale::remove_abandoned_dirs();
        let dir = stale::new_dir(lifetime)?;
        let pki = dir.path().join("pki");
        std::fs::create_dir_all(&pki).map_err(io_error("creating", &pki))?;

        let server_ca = Authority::new("envtest-server-ca")?;
        let client_ca = Authority::new("envtest-client-ca")?;
        let serving = server_ca.issue_serving("kube-apiserver", &["localhost", "127.0.0.1"])?;
        let (sa_private, sa_public) = certs::service_account_key()?;
        let mut users = vec![
            issue_user(&client_ca, ADMIN_USER, &["system:masters".to_string()])?,
            User {
                name: UNPRIVILEGED_USER.into(),
                groups: Vec::new(),
                credentials: Credentials::Token(certs::random_token()),
            },
        ];
        for (name, groups) in &self.users {
            users.push(issue_user(&client_ca, name, groups)?);
        }
        let files = PkiFiles { dir: &pki };
        let ca_pem = server_ca.certificate_pem();
        write_file(&pki.join("ca.crt"), &ca_pem)?;
        write_file(&pki.join("apiserver.crt"), &serving.certificate_pem)?;
        write_file(&pki.join("apiserver.key"), serving.private_key_pem.expose())?;
        write_file(&pki.join("client-ca.crt"), &client_ca.certificate_pem())?;
        write_file(&pki.join("sa.key"), sa_private.expose())?;
        write_file(&pki.join("sa.pub"), &sa_public)?;
        write_file(&pki.join("tokens.csv"), &token_file(&users))?;
        let cluster_pki = ClusterPki::issue(&self.cluster, &server_ca, &client_ca, &pki)?;
        let admin = users[0].clone();

        let mut attempt = 1;
        let running = loop {
            let started = self
                .start_processes(
                    &binaries,
                    &cluster_binaries,
                    &cluster_pki,
                    dir.path(),
                    &files,
                    &ca_pem,
                    &admin,
                    lifetime,
                )
                .await;
            match started {
                Ok(running) => break running,
                Err(error) if attempt < START_ATTEMPTS && port_taken(&error) => {
                    tracing::info!(attempt, %error, "a port was taken; retrying with new ports");
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        };

        let Running {
            etcd,
            apiserver,
            server_url,
            cluster,
        } = running;
        let plane = ControlPlane {
            version,
            server_url,
            ca_pem,
            client_ca,
            kubeconfig_path: dir.path().join("kubeconfig"),
            users: Mutex::new(users),
            cluster,
            apiserver,
            etcd,
            dir: Some(dir),
        };
        plane.write_own_kubeconfig()?;
        Ok(plane)
    }

    #[allow(clippy::too_many_arguments)] // one call site, every argument differs
    async fn start_processes(
        &self,
        binaries: &Binaries,
        cluster_binaries: &ClusterBinaries,
        cluster_pki: &ClusterPki,
        dir: &Path,
        pki: &PkiFiles<'_>,
        ca_pem: &str,
        admin: &User,
        lifetime: Lifetime,
    ) -> Result<Running> {
        let (client_port, peer_port, apiserver_port) = (free_port()?, free_port()?, free_port()?);
        let mut etcd_flags = etcd::default_flags(&dir.join("etcd"), client_port, peer_port);
        etcd_flags.merge(&self.etcd_flags);
        let etcd_launch = Launch {
            binary: &binaries.etcd,
            flags: &etcd_flags,
            log: dir.join("etcd.log"),
            lifetime,
            timeout: self.start_timeout,
        };
        let etcd = etcd::start(&etcd_launch, client_port).await?;
        let mut apiserver_flags = apiserver::default_flags(pki, apiserver_port, &etcd.client_url);
        if self.cluster.enabled() {
            apiserver_flags.merge(&cluster::apiserver_flags(pki));
        }
        apiserver_flags.merge(&self.apiserver_flags);
        let server_url = format!("https://127.0.0.1:{apiserver_port}");
        let apiserver_launch = Launch {
            binary: &binaries.kube_apiserver,
            flags: &apiserver_flags,
            log: dir.join("kube-apiserver.log"),
            lifetime,
            timeout: self.start_timeout,
        };
        let apiserver = apiserver::start(&apiserver_launch, &server_url, ca_pem, admin).await?;
        let cluster = if self.cluster.enabled() {
            let start = StartCluster {
                options: &self.cluster,
                binaries: cluster_binaries,
                pki: cluster_pki,
                pki_files: pki,
                dir,
                server_url: &server_url,
                ca_pem,
                admin,
                lifetime,
                timeout: self.start_timeout,
            };
            Some(cluster::start(&start).await?)
        } else {
            None
        };
        Ok(Running {
            etcd,
            apiserver,
            server_url,
            cluster,
        })
    }
}

/// The processes of a started control plane.
struct Running {
    etcd: Etcd,
    apiserver: ManagedProcess,
    server_url: String,
    cluster: Option<Cluster>,
}

/// Finds (or builds) what cluster mode needs: `kwok` for nodes, kube-controller-manager
/// and kube-scheduler for controllers. Nothing for a plain control plane.
async fn find_cluster_binaries(
    version: KubeVersion,
    options: &ClusterOptions,
    install_missing: bool,
) -> Result<ClusterBinaries> {
    let mut found = ClusterBinaries::default();
    if options.nodes > 0 {
        found.kwok = match (assets::locate_kwok(), install_missing) {
            (Some(kwok), _) => Some(kwok),
            (None, false) => {
                return Err(Error::Assets(format!(
                    "kwok {} is not in {}; build it with `cargo xtask envtest install --nodes 1`",
                    assets::KWOK_VERSION,
                    assets::kwok_cache_dir().display()
                )));
            }
            (None, true) => Some(
                tokio::task::spawn_blocking(|| assets::install_kwok(&assets::print_progress))
                    .await
                    .map_err(|error| Error::Assets(format!("the build task failed: {error}")))??,
            ),
        };
    }
    if options.controllers {
        found.controllers = match (assets::locate_controllers(&version), install_missing) {
            (Some(binaries), _) => Some(binaries),
            (None, false) => {
                return Err(Error::Assets(format!(
                    "kube-controller-manager and kube-scheduler of Kubernetes {version} are not in {}; \
                     build them with `cargo xtask envtest install --controllers --k8s-version {version}`",
                    assets::cache_dir(&version).display()
                )));
            }
            (None, true) => Some(
                tokio::task::spawn_blocking(move || {
                    assets::install_controllers(&version, &assets::print_progress)
                })
                .await
                .map_err(|error| Error::Assets(format!("the build task failed: {error}")))??,
            ),
        };
    }
    Ok(found)
}

async fn find_binaries(version: KubeVersion, install_missing: bool) -> Result<Binaries> {
    if let Some(binaries) = assets::locate(&version)? {
        return Ok(binaries);
    }
    if !install_missing {
        return Err(Error::Assets(format!(
            "kube-apiserver and etcd of Kubernetes {version} are not in {} and {} is not set; \
             build them with `cargo xtask envtest install --k8s-version {version}`",
            assets::cache_dir(&version).display(),
            assets::ASSETS_ENV
        )));
    }
    tokio::task::spawn_blocking(move || assets::install(&version, &assets::print_progress))
        .await
        .map_err(|error| Error::Assets(format!("the build task failed: {error}")))?
}

fn port_taken(error: &Error) -> bool {
    match error {
        Error::Exited { log_tail, .. } | Error::NotReady { log_tail, .. } => {
            log_tail.contains("address already in use")
        }
        _ => false,
    }
}

fn validate_user(name: &str, groups: &[String]) -> Result<()> {
    validate_name("user name", name)?;
    for group in groups {
        validate_name("group", group)?;
    }
    Ok(())
}

fn issue_user(client_ca: &Authority, name: &str, groups: &[String]) -> Result<User> {
    Ok(User {
        name: name.to_string(),
        groups: groups.to_vec(),
        credentials: Credentials::ClientCertificate(client_ca.issue_client(name, groups)?),
    })
}

/// The API server's token file: `token,user,uid,"group1,group2"` per token user.
fn token_file(users: &[User]) -> String {
    users
        .iter()
        .filter_map(|user| match &user.credentials {
            Credentials::Token(token) if user.groups.is_empty() => {
                Some(format!("{},{},{}\n", token.expose(), user.name, user.name))
            }
            Credentials::Token(token) => Some(format!(
                "{},{},{},\"{}\"\n",
                token.expose(),
                user.name,
                user.name,
                user.groups.join(",")
            )),
            Credentials::ClientCertificate(_) => None,
        })
        .collect()
}

fn write_file(path: &Path, contents: &str) -> Result<()> {
    kubeconfig::write_private(path, contents)
}

/// A running local Kubernetes control plane: etcd and kube-apiserver, built from the
/// real release, with generated certificates and a few users.
///
/// Users:
/// - `admin`: client certificate, group `system:masters` (may do anything); the
///   kubeconfig's current context.
/// - `unprivileged`: bearer token, no permissions (RBAC denies it everything but
///   discovery), to test `403 Forbidden` paths.
/// - any user added with [`ControlPlaneBuilder::user`] or [`ControlPlane::add_user`].
///
/// What runs by default is etcd and kube-apiserver only: no controller-manager
/// (namespaces stay `Terminating`, no garbage collection, no default ServiceAccounts or
/// their tokens, no EndpointSlices), no scheduler, no kubelet (pods stay `Pending`).
/// [`ControlPlane::cluster`] (or [`ControlPlaneBuilder::nodes`] and
/// [`ControlPlaneBuilder::controllers`]) adds simulated nodes (KWOK),
/// kube-controller-manager and kube-scheduler.
///
/// Dropping the handle stops every process (SIGTERM, then SIGKILL after 5 s) and
/// removes the control plane's folder. On Linux the processes are also killed when
/// this process dies without dropping it (parent-death signal); the folders of such
/// planes are removed by the next control plane that starts.
pub struct ControlPlane {
    version: KubeVersion,
    server_url: String,
    ca_pem: String,
    client_ca: Authority,
    kubeconfig_path: PathBuf,
    users: Mutex<Vec<User>>,
    // Field order is drop order: KWOK and the controllers stop first, then the API
    // server, then etcd, then the folder goes.
    cluster: Option<Cluster>,
    apiserver: ManagedProcess,
    etcd: Etcd,
    dir: Option<tempfile::TempDir>,
}

impl ControlPlane {
    /// A builder to configure the control plane before starting it.
    pub fn builder() -> ControlPlaneBuilder {
        ControlPlaneBuilder::default()
    }

    /// Starts a control plane of the default release with default settings.
    pub async fn start() -> Result<Self> {
        Self::builder().start().await
    }

    /// Starts a control plane of the default release in cluster mode: two simulated
    /// nodes, kube-controller-manager and kube-scheduler
    /// ([`ControlPlaneBuilder::cluster`]).
    pub async fn cluster() -> Result<Self> {
        Self::builder().cluster().start().await
    }

    /// The names of the simulated nodes (empty without [`ControlPlaneBuilder::nodes`]).
    pub fn nodes(&self) -> &[String] {
        self.cluster
            .as_ref()
            .map(|c| c.nodes.as_slice())
            .unwrap_or(&[])
    }

    /// The URL of the kubelet endpoint that KWOK serves for every simulated node, e.g.
    /// `https://127.0.0.1:40125` (its certificate is signed by
    /// [`ca_certificate_pem`](Self::ca_certificate_pem)); `None` without nodes.
    pub fn kubelet_url(&self) -> Option<&str> {
        self.cluster.as_ref().and_then(|c| c.kubelet_url.as_deref())
    }

    /// Whether kube-controller-manager and kube-scheduler run.
    pub fn runs_controllers(&self) -> bool {
        self.cluster
            .as_ref()
            .is_some_and(|c| c.controller_manager.is_some())
    }

    /// The Kubernetes release that runs.
    pub fn version(&self) -> KubeVersion {
        self.version
    }

    /// The API server's URL, e.g. `https://127.0.0.1:40123`.
    pub fn server_url(&self) -> &str {
        &self.server_url
    }

    /// The CA certificate (PEM) that signed the API server's serving certificate.
    pub fn ca_certificate_pem(&self) -> &str {
        &self.ca_pem
    }

    /// etcd's client URL, e.g. `http://127.0.0.1:40124`.
    pub fn etcd_url(&self) -> &str {
        &self.etcd.client_url
    }

    /// The control plane's folder (certificates, etcd data, kubeconfig, and one log per
    /// component: `etcd.log`, `kube-apiserver.log`, `kwok.log`,
    /// `kube-controller-manager.log`, `kube-scheduler.log`).
    pub fn dir(&self) -> &Path {
        self.dir.as_ref().map(|d| d.path()).unwrap_or(Path::new(""))
    }

    /// The kubeconfig in the control plane's folder, kept up to date as users are added.
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig_path
    }

    /// The kubeconfig (YAML) with one context per user, `admin` current.
    pub fn kubeconfig(&self) -> Result<String> {
        self.kubeconfig_for(ADMIN_USER)
    }

    /// The kubeconfig (YAML) with one context per user, `user`'s current.
    pub fn kubeconfig_for(&self, user: &str) -> Result<String> {
        let users = lock(&self.users);
        if !users.iter().any(|u| u.name == user) {
            return Err(Error::InvalidUser(format!("no user {user:?}")));
        }
        kubeconfig::render(&self.server_url, &self.ca_pem, &users, user)
    }

    /// Writes the kubeconfig (admin current) to `path`, readable by the owner only.
    pub fn write_kubeconfig(&self, path: &Path) -> Result<()> {
        kubeconfig::write_private(path, &self.kubeconfig()?)
    }

    /// The built-in administrator (`system:masters`).
    pub fn admin(&self) -> User {
        self.find_user(ADMIN_USER)
    }

    /// The built-in user without permissions (bearer token).
    pub fn unprivileged(&self) -> User {
        self.find_user(UNPRIVILEGED_USER)
    }

    /// The user called `name`, if there is one.
    pub fn user(&self, name: &str) -> Option<User> {
        lock(&self.users).iter().find(|u| u.name == name).cloned()
    }

    fn find_user(&self, name: &str) -> User {
        self.user(name)
            .unwrap_or_else(|| unreachable!("built-in user {name} always exists"))
    }

    /// Adds a user that authenticates with a client certificate (common name `name`,
    /// one organization per group) and adds its context to the kubeconfig.
    ///
    /// Grant it permissions with RBAC objects as the admin.
    pub fn add_user<G: Into<String>>(
        &self,
        name: &str,
        groups: impl IntoIterator<Item = G>,
    ) -> Result<User> {
        let groups: Vec<String> = groups.into_iter().map(Into::into).collect();
        validate_user(name, &groups)?;
        let user = issue_user(&self.client_ca, name, &groups)?;
        {
            let mut users = lock(&self.users);
            if users.iter().any(|u| u.name == name) {
                return Err(Error::InvalidUser(format!("user {name:?} exists already")));
            }
            users.push(user.clone());
        }
        self.write_own_kubeconfig()?;
        Ok(user)
    }

    /// An HTTP client for this API server that authenticates as `user` (e.g.
    /// [`ControlPlane::admin`]), for raw requests in tests.
    ///
    /// ```no_run
    /// # async fn run(plane: clientgo_envtest::ControlPlane) -> Result<(), Box<dyn std::error::Error>> {
    /// let client = plane.http_client(&plane.unprivileged())?;
    /// let response = client
    ///     .get(format!("{}/api/v1/namespaces", plane.server_url()))
    ///     .send()
    ///     .await?;
    /// assert_eq!(response.status(), 403);
    /// # Ok(()) }
    /// ```
    pub fn http_client(&self, user: &User) -> Result<reqwest::Client> {
        crate::probe::https_client(&self.ca_pem, user)
    }

    /// The transport settings of `user` for this library's clients (a REST config's
    /// `transport`): this control plane's CA and the user's credentials.
    pub fn transport_config(&self, user: &User) -> clientgo_transport::Config {
        user.transport_config(&self.ca_pem)
    }

    /// The ids of the running processes (etcd, kube-apiserver, then kwok,
    /// kube-controller-manager and kube-scheduler when they run). Each is also the id of
    /// the process group the component runs in.
    pub fn process_ids(&self) -> Vec<u32> {
        let mut ids = vec![self.etcd.process.pid(), self.apiserver.pid()];
        if let Some(cluster) = &self.cluster {
            ids.extend(cluster.processes().map(ManagedProcess::pid));
        }
        ids
    }

    /// Stops the control plane and removes its folder (the same as dropping it).
    pub fn stop(self) {
        drop(self);
    }

    fn write_own_kubeconfig(&self) -> Result<()> {
        kubeconfig::write_private(&self.kubeconfig_path, &self.kubeconfig()?)
    }

    /// Lets the processes and folder outlive this handle; writes the kubeconfig to
    /// `kubeconfig` and the state that [`DetachedControlPlane`] needs beside it.
    fn detach(self, kubeconfig: &Path) -> Result<DetachedControlPlane> {
        self.write_kubeconfig(kubeconfig)?;
        let ControlPlane {
            version,
            server_url,
            cluster,
            apiserver,
            etcd,
            dir,
            ..
        } = self;
        let dir = dir.map(|d| d.keep()).unwrap_or_default();
        // `down` stops the groups in this order: components that use the API server first.
        let mut process_groups = cluster.map(Cluster::detach).unwrap_or_default();
        process_groups.extend([apiserver.detach(), etcd.process.detach()]);
        let detached = DetachedControlPlane {
            kubeconfig: kubeconfig.to_path_buf(),
            dir,
            process_groups,
            server_url,
            version: version.to_string(),
        };
        detached.save()?;
        Ok(detached)
    }
}

impl fmt::Debug for ControlPlane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ControlPlane")
            .field("version", &self.version)
            .field("server_url", &self.server_url)
            .field("etcd_url", &self.etcd.client_url)
            .field("nodes", &self.nodes())
            .field("controllers", &self.runs_controllers())
            .field("dir", &self.dir())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientgo_transport::Secret;

    #[test]
    fn token_file_lists_token_users_with_quoted_groups() {
        let users = vec![
            User {
                name: "t".into(),
                groups: vec!["a".into(), "b".into()],
                credentials: Credentials::Token(Secret::new("abc")),
            },
            User {
                name: "none".into(),
                groups: vec![],
                credentials: Credentials::Token(Secret::new("def")),
            },
        ];
        assert_eq!(token_file(&users), "abc,t,t,\"a,b\"\ndef,none,none\n");
    }

    #[test]
    fn compaction_interval_becomes_an_apiserver_flag() {
        let builder = ControlPlane::builder().etcd_compaction_interval(Duration::from_secs(2));
        assert_eq!(
            builder.apiserver_flags.to_args(),
            ["--etcd-compaction-interval=2000ms"]
        );
    }
}
