//! Turning a kubeconfig exec stanza into the transport's plugin configuration: the
//! install hint made safe for terminals, and the cluster details the plugin may ask for.

use base64::Engine;
use clientgo_transport::exec::{ExecCluster, ExecConfig as PluginConfig, InteractiveMode};

use crate::error::{Error, Result};
use crate::model::{Cluster, ExecConfig};

/// The cluster extension passed to exec plugins as their per-cluster configuration.
pub const CLUSTER_EXTENSION_KEY: &str = "client.authentication.k8s.io/exec";

/// The transport's plugin configuration for `exec` (validated beforehand: the
/// interactive mode is known). `cluster` is the effective cluster and `server` the
/// final host; the cluster details are filled in only when the plugin asks for them.
pub(crate) fn plugin_config(
    exec: &ExecConfig,
    cluster: &Cluster,
    server: &str,
) -> Result<PluginConfig> {
    let interactive_mode = match exec.interactive_mode.as_str() {
        "Never" => Some(InteractiveMode::Never),
        "IfAvailable" => Some(InteractiveMode::IfAvailable),
        "Always" => Some(InteractiveMode::Always),
        _ => None,
    };
    let install_hint = clean_terminal_text(&exec.install_hint);
    let cluster_info = if exec.provide_cluster_info {
        Some(exec_cluster(cluster, server)?)
    } else {
        None
    };
    Ok(PluginConfig {
        command: exec.command.clone(),
        args: exec.args.clone(),
        env: exec.env.clone(),
        api_version: exec.api_version.clone(),
        install_hint: (!install_hint.is_empty()).then_some(install_hint),
        provide_cluster_info: exec.provide_cluster_info,
        interactive_mode,
        cluster: cluster_info,
    })
}

/// What the plugin is told about the cluster: the CA is sent as data, read from the
/// CA file when only a file is configured.
fn exec_cluster(cluster: &Cluster, server: &str) -> Result<ExecCluster> {
    let ca = if !cluster.certificate_authority_data.is_empty() {
        cluster.certificate_authority_data.clone()
    } else if !cluster.certificate_authority.as_os_str().is_empty() {
        std::fs::read(&cluster.certificate_authority).map_err(|source| Error::Io {
            action: "reading the CA bundle for the exec plugin from",
            path: cluster.certificate_authority.clone(),
            source,
        })?
    } else {
        Vec::new()
    };
    Ok(ExecCluster {
        server: server.to_string(),
        tls_server_name: non_empty(&cluster.tls_server_name),
        insecure_skip_tls_verify: cluster.insecure_skip_tls_verify,
        certificate_authority_data: (!ca.is_empty())
            .then(|| base64::engine::general_purpose::STANDARD.encode(ca)),
        proxy_url: non_empty(&cluster.proxy_url),
        disable_compression: cluster.disable_compression,
        config: cluster.extensions.get(CLUSTER_EXTENSION_KEY).cloned(),
    })
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

/// Replaces every character a terminal could act on — controls other than TAB, LF,
/// VT, FF and CR, invisible format characters (bidirectional overrides, zero-width
/// characters), private-use and non-characters — by its `U+XXXX` form, so an install
/// hint cannot smuggle escape sequences onto the user's terminal.
pub(crate) fn clean_terminal_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("U+{:04X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    let code = u32::from(c);
    let space_control = (0x09..=0x0D).contains(&code);
    (c.is_control() && !space_control) || is_format(code) || is_private_or_noncharacter(code)
}

/// Unicode general category Cf (format characters).
fn is_format(code: u32) -> bool {
    matches!(
        code,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Private-use code points (Co) and the non-characters (part of Cn).
fn is_private_or_noncharacter(code: u32) -> bool {
    matches!(code, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD | 0xFDD0..=0xFDEF)
        || code & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_hints_keep_text_and_whitespace_controls() {
        let hint = "Install with:\n\tbrew install kubelogin — «ok» 你好 ✓\r\n";
        assert_eq!(clean_terminal_text(hint), hint);
    }

    #[test]
    fn ansi_escapes_and_other_controls_are_spelled_out() {
        assert_eq!(
            clean_terminal_text("\u{1b}[31mred\u{1b}[0m"),
            "U+001B[31mredU+001B[0m"
        );
        assert_eq!(
            clean_terminal_text("a\u{7}b\u{0}c\u{7f}"),
            "aU+0007bU+0000cU+007F"
        );
        assert_eq!(clean_terminal_text("\u{9b}x"), "U+009Bx");
    }

    #[test]
    fn invisible_format_and_private_characters_are_spelled_out() {
        assert_eq!(clean_terminal_text("a\u{202e}b"), "aU+202Eb");
        assert_eq!(clean_terminal_text("\u{200b}"), "U+200B");
        assert_eq!(clean_terminal_text("\u{e000}"), "U+E000");
        assert_eq!(clean_terminal_text("\u{10fffe}"), "U+10FFFE");
    }

    #[test]
    fn cluster_info_is_filled_only_when_the_plugin_asks_for_it() {
        let mut cluster = Cluster {
            server: "https://ignored".into(),
            tls_server_name: "api".into(),
            certificate_authority_data: b"CA".to_vec(),
            proxy_url: "socks5://p:1080".into(),
            disable_compression: true,
            ..Cluster::default()
        };
        cluster.extensions.insert(
            CLUSTER_EXTENSION_KEY.into(),
            serde_json::json!({"audience": "x"}),
        );
        let mut exec = ExecConfig {
            command: "p".into(),
            api_version: "client.authentication.k8s.io/v1".into(),
            interactive_mode: "Never".into(),
            install_hint: "\u{1b}]8;;evil".into(),
            ..ExecConfig::default()
        };
        let plain = plugin_config(&exec, &cluster, "https://api:6443").unwrap();
        assert!(plain.cluster.is_none());
        assert_eq!(plain.interactive_mode, Some(InteractiveMode::Never));
        assert_eq!(plain.install_hint.as_deref(), Some("U+001B]8;;evil"));

        exec.provide_cluster_info = true;
        let info = plugin_config(&exec, &cluster, "https://api:6443")
            .unwrap()
            .cluster
            .unwrap();
        assert_eq!(info.server, "https://api:6443");
        assert_eq!(info.tls_server_name.as_deref(), Some("api"));
        assert_eq!(info.certificate_authority_data.as_deref(), Some("Q0E="));
        assert_eq!(info.proxy_url.as_deref(), Some("socks5://p:1080"));
        assert!(info.disable_compression);
        assert_eq!(info.config, Some(serde_json::json!({"audience": "x"})));
    }

    #[test]
    fn a_ca_file_is_read_for_the_plugin_and_a_missing_one_fails() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.crt");
        std::fs::write(&ca, "PEM").unwrap();
        let exec = ExecConfig {
            command: "p".into(),
            provide_cluster_info: true,
            interactive_mode: "Never".into(),
            ..ExecConfig::default()
        };
        let mut cluster = Cluster {
            certificate_authority: ca,
            ..Cluster::default()
        };
        let info = plugin_config(&exec, &cluster, "https://x")
            .unwrap()
            .cluster
            .unwrap();
        assert_eq!(info.certificate_authority_data.as_deref(), Some("UEVN"));
        cluster.certificate_authority = dir.path().join("missing");
        assert!(plugin_config(&exec, &cluster, "https://x").is_err());
    }
}
