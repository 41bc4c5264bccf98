//! Hostile kubeconfig files never panic the loader: random text, truncated valid files,
//! and valid files with random values (a bounded proptest run).

use clientgo_clientcmd::{ConfigOverrides, DirectClientConfig, Kubeconfig};
use proptest::prelude::*;

const VALID: &str = "apiVersion: v1
kind: Config
current-context: ctx
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0E=
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: ns}
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: plugin
      interactiveMode: Never
";

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_and_truncated_kubeconfigs_are_errors_or_configs(cut in 0usize..VALID.len(), noise in ".{0,40}", at in 0usize..VALID.len()) {
        for text in [VALID[..cut].to_string(), format!("{}{noise}{}", &VALID[..at], &VALID[at..]), noise.clone()] {
            if let Ok(config) = Kubeconfig::load(text.as_bytes()) {
                let direct = DirectClientConfig::new(config, ConfigOverrides::default());
                let _ = direct.rest_config();
                let _ = direct.namespace();
            }
        }
    }
}
