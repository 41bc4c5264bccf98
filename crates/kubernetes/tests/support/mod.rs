//! Shared set-up of the clientset tests: a clientset for the test cluster's admin.

#![allow(clippy::unwrap_used)] // test set-up panics on purpose when the cluster is unusable

use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_kubernetes::Clientset;

/// The REST configuration of the test cluster's admin.
pub async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap()
}

/// A REST client of the test cluster's admin that prefers protobuf (the default, said
/// explicitly).
#[allow(dead_code)] // not every test file reads protobuf
pub async fn protobuf_rest_client() -> clientgo_rest::RestClient {
    rest_client(clientgo_apimachinery::media_type::APPLICATION_PROTOBUF).await
}

/// A REST client of the test cluster's admin that reads only JSON.
#[allow(dead_code)] // not every test file reads JSON
pub async fn json_rest_client() -> clientgo_rest::RestClient {
    rest_client(clientgo_apimachinery::media_type::APPLICATION_JSON).await
}

async fn rest_client(content_type: &str) -> clientgo_rest::RestClient {
    let mut config = config().await;
    config.content_type = Some(content_type.into());
    clientgo_rest::RestClient::new(&config).unwrap()
}

/// A clientset for the test cluster's admin.
#[allow(dead_code)] // not every test file needs one
pub async fn clientset() -> Clientset {
    Clientset::new(&config().await).unwrap()
}

/// A fresh namespace.
pub async fn namespace(prefix: &str) -> String {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.new_namespace(prefix).await.unwrap()
}

/// `value` without the `apiVersion` and `kind` of the objects embedded in
/// `spec.volumeClaimTemplates`: the server writes them in JSON but protobuf has no field
/// for them (client-go's protobuf decoding leaves them empty too).
#[allow(dead_code)] // not every test file compares encodings
pub fn without_embedded_type_meta(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(templates) = value
        .pointer_mut("/spec/volumeClaimTemplates")
        .and_then(serde_json::Value::as_array_mut)
    {
        for template in templates
            .iter_mut()
            .filter_map(serde_json::Value::as_object_mut)
        {
            template.remove("apiVersion");
            template.remove("kind");
        }
    }
    value
}
