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

/// Everything logged while it is the thread's subscriber, at every level.
#[derive(Default, Clone)]
struct RecordLogs(std::sync::Arc<parking_lot::Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for RecordLogs {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut Fields(&mut self.0.lock()));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut logs = self.0.lock();
        logs.push('\n');
        event.record(&mut Fields(&mut logs));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn passwords_in_urls_never_show_in_debug_errors_or_trace_logs() {
    let logs = RecordLogs::default();
    let _guard = tracing::subscriber::set_default(logs.clone());

    // A server that closes every connection: the GET is retried, and each retry logged.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let mut config = Config::new(format!("http://admin:{}@{addr}", SECRETS[1]));
    config.qps = -1.0;
    assert_clean("Config Debug", &format!("{config:?}"));
    assert!(format!("{config:?}").contains("admin:xxxxx@"));
    let client = RestClient::new(&config).unwrap();
    assert_clean("client Debug", &format!("{client:?}"));
    let request = client.get().abs_path("/version").max_retries(2);
    let error = request.send().await.unwrap_err();
    assert_clean("error Display", &error.to_string());
    assert_clean("error Debug", &format!("{error:?}"));
    let logs = logs.0.lock().clone();
    assert!(
        logs.contains("retrying the request"),
        "nothing logged: {logs}"
    );
    assert_clean("logs", &logs);
}

#[test]
fn proxy_passwords_and_exec_arguments_never_show() {
    let mut config = loaded_config();
    config.transport.proxy =
        clientgo_transport::Proxy::Url(format!("http://proxy-user:{}@127.0.0.1:3128", SECRETS[1]));
    if let Some(exec) = config.transport.exec.as_mut() {
        exec.args = vec![format!("--oidc-client-secret={}", SECRETS[0])];
    }
    assert_clean("Config Debug", &format!("{config:?}"));
    assert_clean("transport Config Debug", &format!("{:?}", config.transport));

    // An unusable proxy URL is refused without echoing its password.
    let mut transport = clientgo_transport::Config {
        proxy: clientgo_transport::Proxy::Url(format!("http://u:{}@[::1", SECRETS[1])),
        ..Default::default()
    };
    transport.tls.insecure = true;
    let error = clientgo_transport::Transport::new(&transport).unwrap_err();
    assert!(error.to_string().contains("invalid proxy-url"), "{error}");
    assert_clean("proxy error Display", &error.to_string());
    assert_clean("proxy error Debug", &format!("{error:?}"));
}

#[test]
fn transports_hide_every_credential_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, SECRETS[0]).unwrap();
    let mut with_token_file = clientgo_transport::Config {
        bearer_token_file: Some(token_file),
        ..Default::default()
    };
    with_token_file.tls.insecure = true;
    let mut with_basic = clientgo_transport::Config {
        username: Some("user".into()),
        password: Some(Secret::new(SECRETS[1])),
        ..Default::default()
    };
    with_basic.tls.insecure = true;
    for config in [with_token_file, with_basic] {
        let transport = clientgo_transport::Transport::new(&config).unwrap();
        assert_clean("Transport Debug", &format!("{transport:?}"));
        assert_clean("Transport pretty Debug", &format!("{transport:#?}"));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn envtest_only_tokens_never_show_in_trace_logs_of_real_requests() {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let token = match cluster.unprivileged().unwrap().credentials {
        clientgo_envtest::Credentials::Token(token) => token,
        clientgo_envtest::Credentials::ClientCertificate(_) => panic!("a token user"),
    };
    let logs = RecordLogs::default();
    let _guard = tracing::subscriber::set_default(logs.clone());
    let mut config = Config::new(cluster.server_url());
    config.transport.tls.ca_data = Some(cluster.ca_certificate_pem().as_bytes().to_vec());
    config.transport.bearer_token = Some(token.clone());
    let client = RestClient::new(&config).unwrap();
    let version: serde_json::Value = client.get().abs_path("/version").into_json().await.unwrap();
    assert!(version["gitVersion"].is_string());
    let logs = logs.0.lock().clone();
    assert!(!logs.is_empty(), "nothing was logged at TRACE");
    assert!(
        !logs.contains(token.expose()),
        "the token shows in the logs"
    );
}
