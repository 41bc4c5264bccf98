//! rustls client configurations from [`TlsConfig`]: trusted roots, server-name override,
//! insecure mode, and client identities that can change over time (reloaded files, exec
//! plugins).

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::config::TlsConfig;
use crate::error::{Error, Result, read_file};

/// The crypto provider every TLS configuration of this crate uses.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Where the client certificate of a connection comes from.
#[derive(Debug)]
pub(crate) enum Identity {
    /// No client certificate.
    None,
    /// Parsed once from inline data.
    Static(Arc<CertifiedKey>),
    /// One that changes at run time: files re-read at most once a second, or an exec
    /// plugin's certificate.
    Dynamic(Arc<dyn DynamicIdentity>),
}

/// A client identity that changes at run time.
pub(crate) trait DynamicIdentity: std::fmt::Debug + Send + Sync {
    /// The identity to present now, if any.
    fn current(&self) -> Option<Arc<CertifiedKey>>;

    /// Grows each time the identity changes, so connections made with an older one can
    /// be replaced.
    fn generation(&self) -> u64;
}

/// A certificate and key read from PEM files.
#[derive(Debug)]
pub(crate) struct FileIdentity {
    cert_file: std::path::PathBuf,
    key_file: std::path::PathBuf,
    state: Mutex<FileState>,
}

#[derive(Debug)]
struct FileState {
    generation: u64,
    checked: Instant,
    raw: (Vec<u8>, Vec<u8>),
    key: Option<Arc<CertifiedKey>>,
}

const FILE_RECHECK: Duration = Duration::from_secs(1);

impl FileIdentity {
    fn load(cert_file: &std::path::Path, key_file: &std::path::Path) -> Result<Self> {
        let raw = (read_file(cert_file)?, read_file(key_file)?);
        let key = certified_key(&raw.0, &raw.1)?;
        Ok(Self {
            cert_file: cert_file.to_path_buf(),
            key_file: key_file.to_path_buf(),
            state: Mutex::new(FileState {
                generation: 0,
                checked: Instant::now(),
                raw,
                key: Some(Arc::new(key)),
            }),
        })
    }
}

impl DynamicIdentity for FileIdentity {
    fn generation(&self) -> u64 {
        self.state.lock().generation
    }

    fn current(&self) -> Option<Arc<CertifiedKey>> {
        let mut state = self.state.lock();
        if state.checked.elapsed() >= FILE_RECHECK {
            state.checked = Instant::now();
            match (
                std::fs::read(&self.cert_file),
                std::fs::read(&self.key_file),
            ) {
                (Ok(cert), Ok(key))
                    if (cert.as_slice(), key.as_slice())
                        != (state.raw.0.as_slice(), state.raw.1.as_slice()) =>
                {
                    match certified_key(&cert, &key) {
                        Ok(parsed) => {
                            tracing::info!(cert = %self.cert_file.display(), "client certificate files changed; using the new certificate");
                            state.key = Some(Arc::new(parsed));
                            state.raw = (cert, key);
                            state.generation += 1;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "keeping the previous client certificate")
                        }
                    }
                }
                (Err(error), _) | (_, Err(error)) => {
                    tracing::warn!(%error, "reading client certificate files failed; keeping the previous certificate");
                }
                _ => {}
            }
        }
        state.key.clone()
    }
}

/// Parses a PEM certificate chain and private key into a rustls identity.
pub(crate) fn certified_key(cert_pem: &[u8], key_pem: &[u8]) -> Result<CertifiedKey> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Tls(format!("invalid client certificate: {e}")))?;
    if chain.is_empty() {
        return Err(Error::Tls(
            "invalid client certificate: no PEM certificate found".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|_| Error::Tls("invalid client key: no PEM private key found".into()))?;
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .map_err(|e| Error::Tls(format!("invalid client key: {e}")))?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        Ok(()) => Ok(certified),
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => Err(
            Error::Tls("client certificate and key do not match: the public keys differ".into()),
        ),
        // webpki parses only X.509 v3; Go accepts v1 certificates too, so compare the
        // public keys with a parser that reads every version.
        Err(_) => {
            let (_, parsed) = x509_parser::parse_x509_certificate(&certified.cert[0])
                .map_err(|e| Error::Tls(format!("invalid client certificate: {e}")))?;
            match certified.key.public_key() {
                Some(key) if key.as_ref() == parsed.public_key().raw => Ok(certified),
                Some(_) => Err(Error::Tls(
                    "client certificate and key do not match: the public keys differ".into(),
                )),
                None => Ok(certified),
            }
        }
    }
}

/// Picks the client identity of `tls`: inline data, else files (reloaded).
pub(crate) fn identity_of(tls: &TlsConfig) -> Result<Identity> {
    if !tls.has_client_certificate() {
        return Ok(Identity::None);
    }
    let inline_cert = tls.cert_data.clone().filter(|d| !d.is_empty());
    let inline_key = tls
        .key_data
        .as_ref()
        .filter(|k| !k.is_empty())
        .map(|k| k.expose().as_bytes().to_vec());
    match (inline_cert, inline_key, &tls.cert_file, &tls.key_file) {
        (Some(cert), Some(key), _, _) => {
            Ok(Identity::Static(Arc::new(certified_key(&cert, &key)?)))
        }
        (None, None, Some(cert_file), Some(key_file)) => Ok(Identity::Dynamic(Arc::new(
            FileIdentity::load(cert_file, key_file)?,
        ))),
        (cert, key, cert_file, key_file) => {
            let cert = match (cert, cert_file) {
                (Some(data), _) => data,
                (None, Some(file)) => read_file(file)?,
                (None, None) => unreachable!("has_client_certificate checked the certificate"),
            };
            let key = match (key, key_file) {
                (Some(data), _) => data,
                (None, Some(file)) => read_file(file)?,
                (None, None) => unreachable!("has_client_certificate checked the key"),
            };
            Ok(Identity::Static(Arc::new(certified_key(&cert, &key)?)))
        }
    }
}

#[derive(Debug)]
struct IdentityResolver(Identity);

impl ResolvesClientCert for IdentityResolver {
    fn resolve(&self, _hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        match &self.0 {
            Identity::None => None,
            Identity::Static(key) => Some(Arc::clone(key)),
            Identity::Dynamic(source) => source.current(),
        }
    }

    fn has_certs(&self) -> bool {
        !matches!(self.0, Identity::None)
    }
}

/// The trusted roots of `tls`: its CA (data wins over file), else the system's; with the
/// configured CA certificates themselves (none for the system's).
fn roots(tls: &TlsConfig) -> Result<(RootCertStore, Vec<CertificateDer<'static>>)> {
    let wrap = |detail: String| Error::Tls(format!("unable to load root certificates: {detail}"));
    let ca = match (&tls.ca_data, &tls.ca_file) {
        (Some(data), _) if !data.is_empty() => Some(data.clone()),
        (_, Some(file)) => Some(read_file(file)?),
        _ => None,
    };
    let mut store = RootCertStore::empty();
    let mut configured = Vec::new();
    match ca {
        Some(pem) => {
            for certificate in CertificateDer::pem_slice_iter(&pem) {
                let certificate = certificate
                    .map_err(|e| wrap(format!("unable to parse bytes as PEM block: {e}")))?;
                store
                    .add(certificate.clone())
                    .map_err(|e| wrap(format!("failed to parse certificate: {e}")))?;
                configured.push(certificate);
            }
            if store.is_empty() {
                return Err(wrap("no valid certificate authority data seen".into()));
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            for error in &native.errors {
                tracing::debug!(%error, "skipping a system root certificate");
            }
            let (added, _) = store.add_parsable_certificates(native.certs);
            tracing::debug!(added, "using the system's root certificates");
        }
    }
    Ok((store, configured))
}

/// A rustls client configuration for `tls` presenting `identity`.
pub(crate) fn client_config(tls: &TlsConfig, identity: Identity) -> Result<rustls::ClientConfig> {
    if tls.insecure && tls.has_ca() {
        return Err(Error::Config(
            "specifying a root certificates file with the insecure flag is not allowed".into(),
        ));
    }
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?;
    let verifier: Arc<dyn ServerCertVerifier> = if tls.insecure {
        Arc::new(AcceptAnyServer(provider))
    } else {
        let (roots, configured_roots) = roots(tls)?;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| Error::Tls(format!("unable to load root certificates: {e}")))?;
        let name = match tls.server_name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => Some(
                ServerName::try_from(name.to_string())
                    .map_err(|_| Error::Config(format!("invalid tls-server-name {name:?}")))?,
            ),
            None => None,
        };
        Arc::new(ServerVerifier {
            webpki,
            name,
            configured_roots,
        })
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_cert_resolver(Arc::new(IdentityResolver(identity)));
    config.alpn_protocols = if tls.next_protos.is_empty() {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        tls.next_protos
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect()
    };
    Ok(config)
}

/// Verifies the server's certificate with webpki, against a configured name instead of
/// the URL's host when one is set. Like Go's crypto/x509, it also accepts a server
/// certificate that is itself one of the configured CA certificates (a self-signed
/// certificate with `CA:TRUE` serving as its own authority, which `openssl req -x509`
/// makes), when it is valid now and names the server; webpki refuses a CA certificate
/// as a server's.
#[derive(Debug)]
struct ServerVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    name: Option<ServerName<'static>>,
    configured_roots: Vec<CertificateDer<'static>>,
}

impl ServerVerifier {
    /// The checks Go makes of a server certificate found in the root pool itself: its
    /// validity period and its names (the signature needs no check: the very
    /// certificate is trusted).
    fn verify_trusted_itself(
        end_entity: &CertificateDer<'_>,
        name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<(), rustls::Error> {
        use rustls::CertificateError;
        let (_, parsed) = x509_parser::parse_x509_certificate(end_entity)
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        let validity = parsed.validity();
        if now < validity.not_before.timestamp() {
            return Err(CertificateError::NotValidYet.into());
        }
        if now > validity.not_after.timestamp() {
            return Err(CertificateError::Expired.into());
        }
        let certificate = webpki::EndEntityCert::try_from(end_entity)
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        certificate
            .verify_is_valid_for_subject_name(name)
            .map_err(|_| CertificateError::NotValidForName.into())
    }
}

impl ServerCertVerifier for ServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name = match &self.name {
            Some(name) => name,
            None => server_name,
        };
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, name, ocsp_response, now)
        {
            Err(_)
                if self
                    .configured_roots
                    .iter()
                    .any(|root| root.as_ref() == end_entity.as_ref()) =>
            {
                Self::verify_trusted_itself(end_entity, name, now)?;
                Ok(ServerCertVerified::assertion())
            }
            outcome => outcome,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// `insecure-skip-tls-verify`: any server certificate is accepted (signatures of the
/// handshake are still checked).
#[derive(Debug)]
struct AcceptAnyServer(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insecure_with_a_ca_is_refused() {
        let tls = TlsConfig {
            insecure: true,
            ca_data: Some(b"x".to_vec()),
            ..TlsConfig::default()
        };
        let error = client_config(&tls, Identity::None).unwrap_err();
        assert!(
            error.to_string().contains("insecure flag is not allowed"),
            "{error}"
        );
    }

    #[test]
    fn bad_ca_data_is_a_descriptive_error() {
        for (data, expected) in [
            (
                &b"not pem at all"[..],
                "no valid certificate authority data seen",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "failed to parse certificate",
            ),
        ] {
            let tls = TlsConfig {
                ca_data: Some(data.to_vec()),
                ..TlsConfig::default()
            };
            let error = client_config(&tls, Identity::None).unwrap_err().to_string();
            assert!(
                error.starts_with("unable to load root certificates"),
                "{error}"
            );
            assert!(error.contains(expected), "{error}");
        }
    }

    #[test]
    fn a_missing_ca_file_is_an_error() {
        let tls = TlsConfig {
            ca_file: Some("/does/not/exist".into()),
            ..TlsConfig::default()
        };
        assert!(client_config(&tls, Identity::None).is_err());
    }

    #[test]
    fn next_protos_set_alpn() {
        let tls = TlsConfig {
            insecure: true,
            next_protos: vec!["http/1.1".into()],
            ..TlsConfig::default()
        };
        let config = client_config(&tls, Identity::None).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn version_1_client_certificates_are_accepted_and_checked_against_their_key() {
        let cert = include_bytes!("../testdata/v1-client.crt");
        let key = include_bytes!("../testdata/v1-client.key");
        let other = include_bytes!("../testdata/other.key");
        assert!(certified_key(cert, key).is_ok());
        let error = certified_key(cert, other).unwrap_err().to_string();
        assert_eq!(
            error,
            "client certificate and key do not match: the public keys differ"
        );
    }

    #[test]
    fn half_an_identity_is_no_identity() {
        let tls = TlsConfig {
            cert_data: Some(b"cert".to_vec()),
            ..TlsConfig::default()
        };
        assert!(matches!(identity_of(&tls).unwrap(), Identity::None));
        let garbage = TlsConfig {
            cert_data: Some(b"cert".to_vec()),
            key_data: Some("key".into()),
            ..TlsConfig::default()
        };
        assert!(identity_of(&garbage).is_err());
    }
}
