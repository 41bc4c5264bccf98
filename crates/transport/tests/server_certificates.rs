//! Server certificates Go's crypto/x509 accepts and webpki alone would not: a
//! self-signed certificate with `CA:TRUE` that is its own authority (what
//! `openssl req -x509` makes, common on home and edge clusters). A loopback TLS server
//! presents it; the real API server's certificates come from a proper CA.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::sync::Arc;

use clientgo_transport::{Config, Transport};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A self-signed `CA:TRUE` certificate for 127.0.0.1 and its key.
fn self_signed_authority() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let certificate = params.self_signed(&key).unwrap();
    let der = certificate.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (certificate.pem(), der, key)
}

/// Serves `200 {}` over TLS with `certificate` on a loopback port; returns the URL.
async fn tls_server(certificate: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

async fn get(config: &Config, url: &str) -> Result<u16, clientgo_transport::Error> {
    let transport = Transport::new(config)?;
    let request = transport.http_client().get(url).build().unwrap();
    Ok(transport.send(request).await?.status().as_u16())
}

#[tokio::test]
async fn a_self_signed_authority_serving_itself_is_trusted_for_its_names() {
    let (pem, der, key) = self_signed_authority();
    let url = tls_server(der, key).await;
    let mut config = Config::default();
    config.tls.ca_data = Some(pem.into_bytes());
    assert_eq!(get(&config, &format!("{url}/version")).await.unwrap(), 200);

    // Still only for the names it carries.
    config.tls.server_name = Some("elsewhere.example".into());
    let error = get(&config, &format!("{url}/version")).await.unwrap_err();
    assert!(error.to_string().contains("NotValidForName"), "{error}");

    // And only when it is the configured authority itself.
    let (other_pem, _, _) = self_signed_authority();
    let mut config = Config::default();
    config.tls.ca_data = Some(other_pem.into_bytes());
    let error = get(&config, &format!("{url}/version")).await.unwrap_err();
    assert!(
        error.to_string().contains("invalid peer certificate"),
        "{error}"
    );
}
