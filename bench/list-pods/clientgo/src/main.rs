//! Lists the pods of every namespace with the typed clientset.

use clientgo_apimachinery::meta::ListOptions;
use clientgo_kubernetes::Clientset;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    let pods = clientset.core_v1().pods("").list(&ListOptions::default()).await?;
    println!("{} pods", pods.items.len());
    for pod in &pods.items {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        println!("{namespace}/{name}");
    }
    Ok(())
}
