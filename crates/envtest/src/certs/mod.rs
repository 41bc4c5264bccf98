//! Certificate authorities, serving and client certificates, and the service-account
//! signing key of a control plane, all generated in process.
//!
//! The CAs and the serving certificate are made with `rcgen`. Client certificates are
//! encoded here because Kubernetes reads a user's groups from the certificate's
//! organization (O) attributes, one group each, and `rcgen` keeps at most one attribute
//! of a kind in a name.

mod der;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PublicKeyData,
    SigningKey,
};

use crate::error::{Error, Result};
use clientgo_transport::Secret;

/// A PEM certificate with its PEM private key.
#[derive(Clone, Debug)]
pub struct CertifiedKey {
    /// The certificate, PEM encoded.
    pub certificate_pem: String,
    /// The private key (PKCS#8), PEM encoded.
    pub private_key_pem: Secret,
}

/// A certificate authority that can issue certificates.
pub(crate) struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
    subject_der: Vec<u8>,
}

fn cert_error(what: impl Into<String>) -> impl FnOnce(rcgen::Error) -> Error {
    let what = what.into();
    move |source| Error::Certificate { what, source }
}

fn new_key(what: &str) -> Result<KeyPair> {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(cert_error(format!("{what} key")))
}

impl Authority {
    /// A new self-signed CA called `common_name`.
    pub(crate) fn new(common_name: &str) -> Result<Self> {
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, common_name);
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = new_key(common_name)?;
        let issuer = CertifiedIssuer::self_signed(params, key).map_err(cert_error(common_name))?;
        let subject_der =
            der::certificate_subject(issuer.der()).ok_or_else(|| Error::Certificate {
                what: common_name.to_string(),
                source: rcgen::Error::CouldNotParseCertificate,
            })?;
        Ok(Self {
            issuer,
            subject_der,
        })
    }

    /// The CA certificate, PEM encoded.
    pub(crate) fn certificate_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A TLS serving certificate called `common_name` for `hosts` (DNS names or IP
    /// addresses).
    pub(crate) fn issue_serving(&self, common_name: &str, hosts: &[&str]) -> Result<CertifiedKey> {
        let what = "serving certificate";
        let mut params =
            CertificateParams::new(hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>())
                .map_err(cert_error(what))?;
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, common_name);
        params.distinguished_name = name;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = new_key(what)?;
        let certificate = params
            .signed_by(&key, &self.issuer)
            .map_err(cert_error(what))?;
        Ok(CertifiedKey {
            certificate_pem: certificate.pem(),
            private_key_pem: Secret::new(key.serialize_pem()),
        })
    }

    /// A client certificate for user `name` in `groups`: the common name is the user
    /// name and each group is one organization attribute, as Kubernetes reads them.
    pub(crate) fn issue_client(&self, name: &str, groups: &[String]) -> Result<CertifiedKey> {
        let what = format!("client certificate for {name}");
        let key = new_key(&what)?;
        let mut subject = vec![der::set(&[der::sequence(&[
            der::oid(&[2, 5, 4, 3]),
            der::utf8_string(name),
        ])])];
        for group in groups {
            subject.push(der::set(&[der::sequence(&[
                der::oid(&[2, 5, 4, 10]),
                der::utf8_string(group),
            ])]));
        }
        let ecdsa_with_sha256 = der::sequence(&[der::oid(&[1, 2, 840, 10045, 4, 3, 2])]);
        let key_usage_digital_signature = der::sequence(&[
            der::oid(&[2, 5, 29, 15]),
            der::boolean(true),
            der::octet_string(&der::tlv(0x03, &[0x07, 0x80])),
        ]);
        let ext_key_usage_client_auth = der::sequence(&[
            der::oid(&[2, 5, 29, 37]),
            der::octet_string(&der::sequence(&[der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2])])),
        ]);
        let mut serial = random_bytes::<16>();
        serial[0] = (serial[0] & 0x7f) | 0x01;
        let tbs = der::sequence(&[
            der::explicit(0, &der::unsigned_integer(&[2])),
            der::unsigned_integer(&serial),
            ecdsa_with_sha256.clone(),
            self.subject_der.clone(),
            der::sequence(&[
                der::utc_time("000101000000Z"),
                der::utc_time("491231235959Z"),
            ]),
            der::sequence(&subject),
            key.subject_public_key_info(),
            der::explicit(
                3,
                &der::sequence(&[key_usage_digital_signature, ext_key_usage_client_auth]),
            ),
        ]);
        let signature = self
            .issuer
            .key()
            .sign(&tbs)
            .map_err(cert_error(what.clone()))?;
        let certificate = der::sequence(&[tbs, ecdsa_with_sha256, der::bit_string(&signature)]);
        Ok(CertifiedKey {
            certificate_pem: pem("CERTIFICATE", &certificate),
            private_key_pem: Secret::new(key.serialize_pem()),
        })
    }
}

/// The key pair that signs service-account tokens: (private key PEM, public key PEM).
pub(crate) fn service_account_key() -> Result<(Secret, String)> {
    let key = new_key("service-account signing")?;
    Ok((Secret::new(key.serialize_pem()), key.public_key_pem()))
}

/// `N` bytes from the operating system's random source.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    use std::io::Read;
    let mut bytes = [0u8; N];
    let filled = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if filled.is_err() {
        // Fall back on the standard library's per-process random hash keys.
        use std::hash::{BuildHasher, RandomState};
        for (index, chunk) in bytes.chunks_mut(8).enumerate() {
            let value = RandomState::new().hash_one(index).to_be_bytes();
            chunk.copy_from_slice(&value[..chunk.len()]);
        }
    }
    bytes
}

/// A random token of 32 lowercase hex digits, for bearer tokens.
pub(crate) fn random_token() -> Secret {
    let token: String = random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Secret::new(token)
}

fn pem(label: &str, der_bytes: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(der_bytes);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_certificate_names_user_and_every_group() {
        let ca = Authority::new("test-ca").unwrap();
        let groups = vec!["system:masters".to_string(), "team-a".to_string()];
        let issued = ca.issue_client("alice", &groups).unwrap();
        assert!(
            issued
                .certificate_pem
                .starts_with("-----BEGIN CERTIFICATE-----\n")
        );
        assert!(issued.private_key_pem.expose().contains("PRIVATE KEY"));
        let der_bytes = pem_to_der(&issued.certificate_pem);
        let subject = subject_of(&der_bytes);
        for expected in ["alice", "system:masters", "team-a"] {
            assert!(
                subject
                    .windows(expected.len())
                    .any(|w| w == expected.as_bytes()),
                "{expected} missing from subject"
            );
        }
        // The issuer of the client certificate is byte-for-byte the CA's subject.
        let ca_der = pem_to_der(&ca.certificate_pem());
        assert_eq!(
            issuer_of(&der_bytes),
            der::certificate_subject(&ca_der).unwrap()
        );
    }

    #[test]
    fn tokens_differ() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().expose().len(), 32);
    }

    fn pem_to_der(pem_text: &str) -> Vec<u8> {
        use base64::Engine;
        let body: String = pem_text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    }

    fn tbs_fields(certificate: &[u8]) -> Vec<Vec<u8>> {
        let (_, content, _) = der::read_element(certificate).unwrap();
        let (_, mut rest, _) = der::read_element(content).unwrap();
        let mut fields = Vec::new();
        while let Some((element, _, next)) = der::read_element(rest) {
            fields.push(element.to_vec());
            rest = next;
        }
        fields
    }

    fn subject_of(certificate: &[u8]) -> Vec<u8> {
        tbs_fields(certificate)[5].clone()
    }

    fn issuer_of(certificate: &[u8]) -> Vec<u8> {
        tbs_fields(certificate)[3].clone()
    }
}
