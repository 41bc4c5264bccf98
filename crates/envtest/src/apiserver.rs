//! Running kube-apiserver for a control plane, with the flags controller-runtime's
//! envtest uses: RBAC authorization, client-certificate and token authentication, and
//! no ServiceAccount admission (no controller-manager creates default accounts).

use std::path::Path;

use crate::args::Flags;
use crate::error::Result;
use crate::probe;
use crate::process::{Launch, ManagedProcess};
use crate::user::User;

/// Files the API server reads, all in the control plane's `pki` folder.
pub(crate) struct PkiFiles<'a> {
    pub(crate) dir: &'a Path,
}

impl PkiFiles<'_> {
    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

/// The flags kube-apiserver runs with before user overrides.
pub(crate) fn default_flags(pki: &PkiFiles<'_>, port: u16, etcd_url: &str) -> Flags {
    let mut flags = Flags::default();
    flags.set("advertise-address", "127.0.0.1");
    flags.set("bind-address", "127.0.0.1");
    flags.set("secure-port", port.to_string());
    flags.set("etcd-servers", etcd_url);
    flags.set("cert-dir", pki.dir.display().to_string());
    flags.set("tls-cert-file", pki.path("apiserver.crt"));
    flags.set("tls-private-key-file", pki.path("apiserver.key"));
    flags.set("client-ca-file", pki.path("client-ca.crt"));
    flags.set("token-auth-file", pki.path("tokens.csv"));
    flags.set("authorization-mode", "RBAC");
    flags.set(
        "service-account-issuer",
        format!("https://127.0.0.1:{port}"),
    );
    flags.set("service-account-key-file", pki.path("sa.pub"));
    flags.set("service-account-signing-key-file", pki.path("sa.key"));
    flags.set("service-cluster-ip-range", "10.0.0.0/24");
    flags.set("allow-privileged", "true");
    flags.set("disable-admission-plugins", "ServiceAccount");
    // The loopback advertise address is not a valid endpoint for the `kubernetes`
    // Service; without a controller-manager nobody needs those endpoints anyway.
    flags.set("endpoint-reconciler-type", "none");
    flags
}

/// Starts kube-apiserver and waits until `/readyz` answers `ok` (every post-start
/// hook done, RBAC bootstrap policy in place).
pub(crate) async fn start(
    launch: &Launch<'_>,
    server_url: &str,
    ca_pem: &str,
    admin: &User,
) -> Result<ManagedProcess> {
    let mut process = launch.spawn("kube-apiserver")?;
    let client = probe::https_client(ca_pem, admin)?;
    probe::wait_ready(
        "kube-apiserver",
        &mut process,
        &client,
        &format!("{server_url}/readyz"),
        |body| body.trim() == "ok",
        launch.timeout,
    )
    .await?;
    Ok(process)
}
