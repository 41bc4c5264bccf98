//! No credential ever shows in `Debug` or `Display` output of configs, clients or errors.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use clientgo_rest::{Config, RestClient};
use clientgo_transport::exec::{ExecConfig, ExecEnvVar, InteractiveMode};
use clientgo_transport::{ImpersonationConfig, Secret};

const SECRETS: [&str; 5] = [
    "tok3n-s3cret",
    "passw0rd-s3cret",
    "KEYDATA-s3cret",
    "ENVVALUE-s3cret",
    "CERTDATA-s3cret",
];

fn loaded_config() -> Config {
    let mut config = Config::new("https://127.0.0.1:6443");
    let transport = &mut config.transport;
    transport.bearer_token = Some(Secret::new(SECRETS[0]));
    transport.password = Some(Secret::new(SECRETS[1]));
    transport.tls.key_data = Some(Secret::new(SECRETS[2]));
    transport.tls.cert_data = Some(SECRETS[4].as_bytes().to_vec());
    transport.impersonate = ImpersonationConfig {
        user_name: Some("someone".into()),
        ..Default::default()
    };
    transport.exec = Some(ExecConfig {
        command: "plugin".into(),
        args: vec![],
        env: vec![ExecEnvVar {
            name: "API_KEY".into(),
            value: SECRETS[3].into(),
        }],
        api_version: "client.authentication.k8s.io/v1".into(),
        install_hint: None,
        provide_cluster_info: false,
        interactive_mode: Some(InteractiveMode::Never),
        cluster: None,
    });
    config
}

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

#[test]
fn configs_and_their_copies_hide_credentials() {
    let config = loaded_config();
    assert_clean("Config Debug", &format!("{config:?}"));
    assert_clean("Config pretty Debug", &format!("{config:#?}"));
    assert!(format!("{config:?}").contains("--- REDACTED ---"));
    assert_clean("anonymous copy", &format!("{:?}", config.anonymous()));
    assert!(config.anonymous().transport.bearer_token.is_none());
}

#[test]
fn errors_about_bad_credentials_hide_them() {
    // Basic auth and a token together is refused; the error names neither.
    let mut config = loaded_config();
    config.transport.username = Some("user".into());
    let error = RestClient::new(&config).unwrap_err();
    assert_clean("error Display", &error.to_string());
    assert_clean("error Debug", &format!("{error:?}"));

    // Unparsable key material is refused without echoing it.
    let mut config = loaded_config();
    config.transport.password = None;
    config.transport.bearer_token = None;
    let error = RestClient::new(&config).unwrap_err();
    assert_clean("error Display", &error.to_string());
    assert_clean("error Debug", &format!("{error:?}"));
}

#[tokio::test]
async fn requests_and_clients_hide_credentials() {
    let mut config = loaded_config();
    config.transport.password = None;
    config.transport.tls.cert_data = None;
    config.transport.tls.key_data = None;
    let client = RestClient::new(&config).unwrap();
    assert_clean("client Debug", &format!("{client:?}"));
    let request = client.get().abs_path("/version");
    assert_clean("request Debug", &format!("{request:?}"));
}
