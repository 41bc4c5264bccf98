//! One control plane shared by the integration tests of a test binary.
//!
//! `cargo xtask test` starts a control plane and passes its kubeconfig in
//! `CLIENTGO_TEST_KUBECONFIG`; [`test_cluster`] then connects to it. Without the variable
//! (plain `cargo test`), the first call starts a control plane for the test binary,
//! which ends with the test process (parent-death signal; its folder is removed by a
//! later start). Either way a test never skips for want of a server.
//!
//! Tests share the cluster, so each works in its own namespace
//! ([`TestCluster::new_namespace`]).
//!
//! The variable may also name the kubeconfig of another cluster (`cargo xtask test
//! --kubeconfig PATH`, e.g. a kind cluster): its current context's user, which must be
//! a cluster administrator with inline credentials, is then [`TestCluster::admin`].
//! What only this crate's control planes have, the [`UNPRIVILEGED_USER`] among them,
//! is then an [`Error::NotEnvtest`] naming the missing feature.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let cluster = clientgo_envtest::test_cluster().await?;
//! let namespace = cluster.new_namespace("my-test").await?;
//! println!("testing in {namespace} on {}", cluster.server_url());
//! # Ok(()) }
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use tokio::sync::OnceCell;

use crate::control_plane::ControlPlane;
use crate::error::{Error, Result};
use crate::kubeconfig::{self, Connection};
use crate::user::{ADMIN_USER, UNPRIVILEGED_USER, User};

/// The variable that names the kubeconfig of a control plane shared by a test run.
pub const TEST_KUBECONFIG_ENV: &str = "CLIENTGO_TEST_KUBECONFIG";

/// A control plane for tests: the one named by `CLIENTGO_TEST_KUBECONFIG`, or one
/// started for this process.
#[derive(Debug)]
pub struct TestCluster {
    kubeconfig_path: PathBuf,
    connection: Connection,
    /// Keeps a control plane started for this process alive.
    _owned: Option<ControlPlane>,
}

static CLUSTER: OnceCell<TestCluster> = OnceCell::const_new();

/// The test cluster of this process, connected (or started) on first use.
pub async fn test_cluster() -> Result<&'static TestCluster> {
    CLUSTER
        .get_or_try_init(|| TestCluster::connect(std::env::var_os(TEST_KUBECONFIG_ENV)))
        .await
}

impl TestCluster {
    /// Connects to the control plane whose kubeconfig `shared` names, or starts one.
    async fn connect(shared: Option<OsString>) -> Result<Self> {
        match shared.filter(|path| !path.is_empty()) {
            Some(path) => Self::from_kubeconfig(Path::new(&path), None),
            None => {
                let plane = ControlPlane::start().await?;
                let path = plane.kubeconfig_path().to_path_buf();
                Self::from_kubeconfig(&path, Some(plane))
            }
        }
    }

    fn from_kubeconfig(path: &Path, owned: Option<ControlPlane>) -> Result<Self> {
        Ok(Self {
            kubeconfig_path: path.to_path_buf(),
            connection: kubeconfig::read(path)?,
            _owned: owned,
        })
    }

    /// The kubeconfig to give clients (admin's context current).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig_path
    }

    /// The API server's URL.
    pub fn server_url(&self) -> &str {
        &self.connection.server_url
    }

    /// The CA certificate (PEM) of the API server's serving certificate.
    pub fn ca_certificate_pem(&self) -> &str {
        &self.connection.ca_pem
    }

    /// The user with context `name` in the kubeconfig (groups are not recorded there and
    /// come back empty).
    pub fn user(&self, name: &str) -> Option<User> {
        self.connection
            .users
            .iter()
            .find(|u| u.name == name)
            .cloned()
    }

    /// Whether the kubeconfig is one of this crate's control planes (with its generated
    /// users), rather than of another cluster.
    pub fn is_envtest(&self) -> bool {
        self.connection.written_by_envtest
    }

    /// The administrator: [`ADMIN_USER`] (`system:masters`) on this crate's control
    /// planes, the current context's user on another cluster.
    pub fn admin(&self) -> Result<User> {
        let name = if self.is_envtest() {
            ADMIN_USER
        } else {
            &self.connection.current_user
        };
        self.user(name)
            .ok_or_else(|| Error::InvalidUser(format!("the kubeconfig has no user {name}")))
    }

    /// The user without permissions (a bearer token); only this crate's control planes
    /// have it.
    pub fn unprivileged(&self) -> Result<User> {
        if !self.is_envtest() {
            return Err(Error::NotEnvtest {
                feature: "the unprivileged token user",
                path: self.kubeconfig_path.clone(),
            });
        }
        self.user(UNPRIVILEGED_USER).ok_or_else(|| {
            Error::InvalidUser(format!("the kubeconfig has no user {UNPRIVILEGED_USER}"))
        })
    }

    /// An HTTP client that authenticates as `user`, for raw requests.
    pub fn http_client(&self, user: &User) -> Result<reqwest::Client> {
        crate::probe::https_client(&self.connection.ca_pem, user)
    }

    /// The transport settings of `user` for this library's clients (a REST config's
    /// `transport`): this control plane's CA and the user's credentials.
    pub fn transport_config(&self, user: &User) -> clientgo_transport::Config {
        user.transport_config(&self.connection.ca_pem)
    }

    /// Creates a namespace named `<prefix>-<random suffix>` as admin and returns its name.
    pub async fn new_namespace(&self, prefix: &str) -> Result<String> {
        let client = self.http_client(&self.admin()?)?;
        let body = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"generateName": format!("{prefix}-")},
        });
        let created = crate::api::post(
            &client,
            self.server_url(),
            "/api/v1/namespaces",
            &body,
            false,
        )
        .await?;
        created["metadata"]["name"]
            .as_str()
            .map(String::from)
            .ok_or_else(|| Error::Client(format!("creating a namespace: no name in {created}")))
    }
}
