//! The kubeconfig file format (`apiVersion: v1`, `kind: Config`): named lists,
//! base64 certificate data, and its conversion to and from the in-memory model.
//!
//! Fields appear in the order kubectl writes them (alphabetical), so files written
//! here diff cleanly against kubectl's.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use base64::Engine;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use clientgo_transport::Secret;
use clientgo_transport::exec::ExecEnvVar;

use crate::error::{Error, Result};
use crate::model::{
    AuthInfo, AuthProviderConfig, Cluster, Context, ExecConfig, Extensions, Kubeconfig, Preferences,
};

/// The exec `apiVersion`s whose missing `interactiveMode` defaults to `IfAvailable`.
const LEGACY_EXEC_API_VERSIONS: [&str; 2] = [
    "client.authentication.k8s.io/v1beta1",
    "client.authentication.k8s.io/v1alpha1",
];

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
struct File {
    #[serde(rename = "apiVersion", default, deserialize_with = "nullable")]
    api_version: String,
    #[serde(default, deserialize_with = "nullable")]
    clusters: Vec<NamedCluster>,
    #[serde(default, deserialize_with = "nullable")]
    contexts: Vec<NamedContext>,
    #[serde(default, deserialize_with = "nullable")]
    current_context: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    extensions: Vec<NamedExtension>,
    #[serde(default, deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    preferences: PreferencesFile,
    #[serde(default, deserialize_with = "nullable")]
    users: Vec<NamedUser>,
}

/// `clusters[]`: `{cluster: {...}, name: x}`.
#[derive(Default, Deserialize, Serialize)]
struct NamedCluster {
    #[serde(default, deserialize_with = "nullable")]
    cluster: ClusterFile,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
}

/// `contexts[]`: `{context: {...}, name: x}`.
#[derive(Default, Deserialize, Serialize)]
struct NamedContext {
    #[serde(default, deserialize_with = "nullable")]
    context: ContextFile,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
}

/// `users[]`: `{name: x, user: {...}}`.
#[derive(Default, Deserialize, Serialize)]
struct NamedUser {
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    user: UserFile,
}

#[derive(Default, Deserialize, Serialize)]
struct NamedExtension {
    #[serde(default)]
    extension: serde_json::Value,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
struct PreferencesFile {
    #[serde(
        default,
        deserialize_with = "yaml11_bool",
        skip_serializing_if = "std::ops::Not::not"
    )]
    colors: bool,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    extensions: Vec<NamedExtension>,
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
struct ClusterFile {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    certificate_authority: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    certificate_authority_data: String,
    #[serde(
        default,
        deserialize_with = "yaml11_bool",
        skip_serializing_if = "std::ops::Not::not"
    )]
    disable_compression: bool,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    extensions: Vec<NamedExtension>,
    #[serde(
        default,
        deserialize_with = "yaml11_bool",
        skip_serializing_if = "std::ops::Not::not"
    )]
    insecure_skip_tls_verify: bool,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    proxy_url: String,
    #[serde(default, deserialize_with = "nullable")]
    server: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    tls_server_name: String,
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
struct UserFile {
    #[serde(
        rename = "as",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    impersonate: String,
    #[serde(
        rename = "as-groups",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    impersonate_groups: Vec<String>,
    #[serde(
        rename = "as-uid",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    impersonate_uid: String,
    #[serde(
        rename = "as-user-extra",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    impersonate_user_extra: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth_provider: Option<AuthProviderFile>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    client_certificate: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    client_certificate_data: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    client_key: String,
    #[serde(
        default,
        deserialize_with = "secret_string",
        skip_serializing_if = "String::is_empty"
    )]
    client_key_data: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exec: Option<ExecFile>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    extensions: Vec<NamedExtension>,
    #[serde(
        default,
        deserialize_with = "secret_string",
        skip_serializing_if = "String::is_empty"
    )]
    password: String,
    #[serde(
        default,
        deserialize_with = "secret_string",
        skip_serializing_if = "String::is_empty"
    )]
    token: String,
    #[serde(
        rename = "tokenFile",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    token_file: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    username: String,
}

#[derive(Default, Deserialize, Serialize)]
struct AuthProviderFile {
    #[serde(
        default,
        deserialize_with = "secret_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    config: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecFile {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    api_version: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    args: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    command: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    env: Vec<EnvFile>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    install_hint: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    interactive_mode: String,
    #[serde(default, deserialize_with = "yaml11_bool")]
    provide_cluster_info: bool,
}

#[derive(Default, Deserialize, Serialize)]
struct EnvFile {
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "secret_string")]
    value: String,
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
struct ContextFile {
    #[serde(default, deserialize_with = "nullable")]
    cluster: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    extensions: Vec<NamedExtension>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    user: String,
}

/// A field that may be `null` in the file: `null` means the default.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A boolean as Go's YAML reader (YAML 1.1) takes one: `true`/`false`, and also
/// `yes`/`no`, `y`/`n` and `on`/`off` in lower, capitalised or upper case; `null` is
/// false. (Go refuses these words when quoted; they are accepted here either way.)
fn yaml11_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    deserializer.deserialize_any(Yaml11BoolVisitor)
}

struct Yaml11BoolVisitor;

impl<'de> Visitor<'de> for Yaml11BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean (true/false, yes/no, y/n, on/off)")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_str<E: de::Error>(self, word: &str) -> Result<bool, E> {
        match word {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
                Ok(true)
            }
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False"
            | "FALSE" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(word), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// A secret string: accepts only strings (or `null`), and its errors never quote the
/// value (serde's default "invalid type: integer `123`" would).
fn secret_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(SecretVisitor)
}

/// A map of secret strings (auth-provider settings).
fn secret_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    struct Value(#[serde(deserialize_with = "secret_string")] String);
    let map = Option::<BTreeMap<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(map.into_iter().map(|(k, Value(v))| (k, v)).collect())
}

struct SecretVisitor;

impl<'de> Visitor<'de> for SecretVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<String, E> {
        Err(E::custom("expected a string, found a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<String, E> {
        Err(E::custom("expected a string, found a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<String, E> {
        Err(E::custom("expected a string, found a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(E::custom("expected a string, found a number"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("expected a string, found a list"))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("expected a string, found a map"))
    }
}

impl Kubeconfig {
    /// Decodes a kubeconfig (YAML or JSON). Empty content is an empty config; missing
    /// sections become empty maps; `location_of_origin` is left empty (see
    /// [`Kubeconfig::load_from_file`]).
    ///
    /// Fails on malformed YAML, bad base64 data, an `apiVersion` other than `v1`, a
    /// `kind` other than `Config`, and duplicate names in a list.
    pub fn load(data: &[u8]) -> Result<Kubeconfig> {
        let text = std::str::from_utf8(data)
            .map_err(|_| Error::Format("a kubeconfig must be UTF-8 text".into()))?;
        if text.trim().is_empty() {
            return Ok(Kubeconfig::default());
        }
        let file: Option<File> = serde_yaml::from_str(text)
            .map_err(|error| Error::Format(format!("decoding kubeconfig: {error}")))?;
        file.unwrap_or_default().into_model()
    }

    /// Encodes the config as a v1 YAML kubeconfig (sorted by name, base64 data).
    ///
    /// ```
    /// use clientgo_clientcmd::{Cluster, Kubeconfig};
    ///
    /// let mut config = Kubeconfig::default();
    /// config.clusters.insert(
    ///     "dev".into(),
    ///     Cluster { server: "https://dev:6443".into(), certificate_authority_data: b"PEM".to_vec(), ..Cluster::default() },
    /// );
    /// let yaml = config.to_yaml().unwrap();
    /// assert!(yaml.contains("certificate-authority-data: UEVN"));
    /// assert_eq!(Kubeconfig::load(yaml.as_bytes()).unwrap(), config);
    /// ```
    pub fn to_yaml(&self) -> Result<String> {
        let file = File::from_model(self)?;
        serde_yaml::to_string(&file)
            .map_err(|error| Error::Format(format!("encoding kubeconfig: {error}")))
    }
}

fn decode_base64(what: &str, owner: &str, text: &str) -> Result<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| Error::Format(format!("{what} of {owner} is not valid base64")))
}

fn encode_base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn path_text(what: &str, path: &std::path::Path) -> Result<String> {
    path.to_str()
        .map(str::to_string)
        .ok_or_else(|| Error::Format(format!("{what} {} is not UTF-8", path.display())))
}

/// Named list → map; a repeated name is an error.
fn into_map<T, U>(
    list: &'static str,
    entries: Vec<(String, T)>,
    mut convert: impl FnMut(&str, T) -> Result<U>,
) -> Result<BTreeMap<String, U>> {
    let mut map = BTreeMap::new();
    for (name, value) in entries {
        if map.contains_key(&name) {
            return Err(Error::Format(format!(
                "duplicate name {name:?} in list of {list}"
            )));
        }
        let converted = convert(&name, value)?;
        map.insert(name, converted);
    }
    Ok(map)
}

fn extensions_into_model(list: &'static str, entries: Vec<NamedExtension>) -> Result<Extensions> {
    into_map(
        list,
        entries.into_iter().map(|e| (e.name, e.extension)).collect(),
        |_, value| Ok(value),
    )
}

fn extensions_from_model(extensions: &Extensions) -> Vec<NamedExtension> {
    extensions
        .iter()
        .map(|(name, value)| NamedExtension {
            name: name.clone(),
            extension: value.clone(),
        })
        .collect()
}

impl File {
    fn into_model(self) -> Result<Kubeconfig> {
        if !matches!(self.api_version.as_str(), "" | "v1") {
            return Err(Error::Format(format!(
                "unsupported kubeconfig apiVersion {:?} (expected v1)",
                self.api_version
            )));
        }
        if !matches!(self.kind.as_str(), "" | "Config") {
            return Err(Error::Format(format!(
                "unsupported kubeconfig kind {:?} (expected Config)",
                self.kind
            )));
        }
        Ok(Kubeconfig {
            preferences: Preferences {
                colors: self.preferences.colors,
                extensions: extensions_into_model("extensions", self.preferences.extensions)?,
            },
            clusters: into_map(
                "clusters",
                self.clusters
                    .into_iter()
                    .map(|n| (n.name, n.cluster))
                    .collect(),
                ClusterFile::into_model,
            )?,
            auth_infos: into_map(
                "users",
                self.users.into_iter().map(|n| (n.name, n.user)).collect(),
                UserFile::into_model,
            )?,
            contexts: into_map(
                "contexts",
                self.contexts
                    .into_iter()
                    .map(|n| (n.name, n.context))
                    .collect(),
                |_, context| context.into_model(),
            )?,
            current_context: self.current_context,
            extensions: extensions_into_model("extensions", self.extensions)?,
        })
    }

    fn from_model(config: &Kubeconfig) -> Result<File> {
        let clusters = config
            .clusters
            .iter()
            .map(|(name, cluster)| {
                Ok(NamedCluster {
                    name: name.clone(),
                    cluster: ClusterFile::from_model(cluster)?,
                })
            })
            .collect::<Result<_>>()?;
        let users = config
            .auth_infos
            .iter()
            .map(|(name, user)| {
                Ok(NamedUser {
                    name: name.clone(),
                    user: UserFile::from_model(user)?,
                })
            })
            .collect::<Result<_>>()?;
        let contexts = config
            .contexts
            .iter()
            .map(|(name, context)| NamedContext {
                name: name.clone(),
                context: ContextFile {
                    cluster: context.cluster.clone(),
                    extensions: extensions_from_model(&context.extensions),
                    namespace: context.namespace.clone(),
                    user: context.auth_info.clone(),
                },
            })
            .collect();
        Ok(File {
            api_version: "v1".into(),
            clusters,
            contexts,
            current_context: config.current_context.clone(),
            extensions: extensions_from_model(&config.extensions),
            kind: "Config".into(),
            preferences: PreferencesFile {
                colors: config.preferences.colors,
                extensions: extensions_from_model(&config.preferences.extensions),
            },
            users,
        })
    }
}

impl ClusterFile {
    fn into_model(name: &str, file: ClusterFile) -> Result<Cluster> {
        let owner = format!("cluster {name:?}");
        Ok(Cluster {
            location_of_origin: PathBuf::new(),
            server: file.server,
            tls_server_name: file.tls_server_name,
            insecure_skip_tls_verify: file.insecure_skip_tls_verify,
            certificate_authority: PathBuf::from(file.certificate_authority),
            certificate_authority_data: decode_base64(
                "certificate-authority-data",
                &owner,
                &file.certificate_authority_data,
            )?,
            proxy_url: file.proxy_url,
            disable_compression: file.disable_compression,
            extensions: extensions_into_model("extensions", file.extensions)?,
        })
    }

    fn from_model(cluster: &Cluster) -> Result<ClusterFile> {
        Ok(ClusterFile {
            certificate_authority: path_text(
                "certificate-authority",
                &cluster.certificate_authority,
            )?,
            certificate_authority_data: encode_base64(&cluster.certificate_authority_data),
            disable_compression: cluster.disable_compression,
            extensions: extensions_from_model(&cluster.extensions),
            insecure_skip_tls_verify: cluster.insecure_skip_tls_verify,
            proxy_url: cluster.proxy_url.clone(),
            server: cluster.server.clone(),
            tls_server_name: cluster.tls_server_name.clone(),
        })
    }
}

impl UserFile {
    fn into_model(name: &str, file: UserFile) -> Result<AuthInfo> {
        let owner = format!("user {name:?}");
        let key = decode_base64("client-key-data", &owner, &file.client_key_data)?;
        let key = String::from_utf8(key)
            .map_err(|_| Error::Format(format!("client-key-data of {owner} is not PEM text")))?;
        Ok(AuthInfo {
            location_of_origin: PathBuf::new(),
            client_certificate: PathBuf::from(file.client_certificate),
            client_certificate_data: decode_base64(
                "client-certificate-data",
                &owner,
                &file.client_certificate_data,
            )?,
            client_key: PathBuf::from(file.client_key),
            client_key_data: Secret::new(key),
            token: Secret::new(file.token),
            token_file: PathBuf::from(file.token_file),
            impersonate: file.impersonate,
            impersonate_uid: file.impersonate_uid,
            impersonate_groups: file.impersonate_groups,
            impersonate_user_extra: file.impersonate_user_extra,
            username: file.username,
            password: Secret::new(file.password),
            auth_provider: file.auth_provider.map(|p| AuthProviderConfig {
                name: p.name,
                config: p.config,
            }),
            exec: file.exec.map(ExecFile::into_model),
            extensions: extensions_into_model("extensions", file.extensions)?,
        })
    }

    fn from_model(user: &AuthInfo) -> Result<UserFile> {
        Ok(UserFile {
            impersonate: user.impersonate.clone(),
            impersonate_groups: user.impersonate_groups.clone(),
            impersonate_uid: user.impersonate_uid.clone(),
            impersonate_user_extra: user.impersonate_user_extra.clone(),
            auth_provider: user.auth_provider.as_ref().map(|p| AuthProviderFile {
                config: p.config.clone(),
                name: p.name.clone(),
            }),
            client_certificate: path_text("client-certificate", &user.client_certificate)?,
            client_certificate_data: encode_base64(&user.client_certificate_data),
            client_key: path_text("client-key", &user.client_key)?,
            client_key_data: encode_base64(user.client_key_data.expose().as_bytes()),
            exec: user.exec.as_ref().map(|exec| ExecFile {
                api_version: exec.api_version.clone(),
                args: exec.args.clone(),
                command: exec.command.clone(),
                env: exec
                    .env
                    .iter()
                    .map(|v| EnvFile {
                        name: v.name.clone(),
                        value: v.value.clone(),
                    })
                    .collect(),
                install_hint: exec.install_hint.clone(),
                interactive_mode: exec.interactive_mode.clone(),
                provide_cluster_info: exec.provide_cluster_info,
            }),
            extensions: extensions_from_model(&user.extensions),
            password: user.password.expose().to_string(),
            token: user.token.expose().to_string(),
            token_file: path_text("tokenFile", &user.token_file)?,
            username: user.username.clone(),
        })
    }
}

impl ExecFile {
    fn into_model(self) -> ExecConfig {
        let mut interactive_mode = self.interactive_mode;
        if interactive_mode.is_empty()
            && LEGACY_EXEC_API_VERSIONS.contains(&self.api_version.as_str())
        {
            interactive_mode = "IfAvailable".into();
        }
        ExecConfig {
            command: self.command,
            args: self.args,
            env: self
                .env
                .into_iter()
                .map(|v| ExecEnvVar {
                    name: v.name,
                    value: v.value,
                })
                .collect(),
            api_version: self.api_version,
            install_hint: self.install_hint,
            provide_cluster_info: self.provide_cluster_info,
            interactive_mode,
        }
    }
}

impl ContextFile {
    fn into_model(self) -> Result<Context> {
        Ok(Context {
            location_of_origin: PathBuf::new(),
            cluster: self.cluster,
            auth_info: self.user,
            namespace: self.namespace,
            extensions: extensions_into_model("extensions", self.extensions)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values: client-go v0.37.2's `clientcmd.Load` on the same documents.
    #[test]
    fn booleans_are_read_as_go_reads_yaml_1_1() {
        let cases = [
            ("yes", Some(true)),
            ("Yes", Some(true)),
            ("YES", Some(true)),
            ("y", Some(true)),
            ("Y", Some(true)),
            ("on", Some(true)),
            ("ON", Some(true)),
            ("true", Some(true)),
            ("True", Some(true)),
            ("no", Some(false)),
            ("n", Some(false)),
            ("off", Some(false)),
            ("false", Some(false)),
            ("~", Some(false)),
            ("", Some(false)),
            ("1", None),
            ("yEs", None),
        ];
        for (value, expected) in cases {
            let text = format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: {value}\n"
            );
            let loaded = Kubeconfig::load(text.as_bytes());
            match expected {
                Some(flag) => assert_eq!(
                    loaded.unwrap().clusters["c"].insecure_skip_tls_verify,
                    flag,
                    "{value}"
                ),
                None => assert!(loaded.is_err(), "{value} was accepted"),
            }
        }
    }

    const FULL: &str = r#"
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: Q0FQRU0=
    tls-server-name: api.prod
    proxy-url: socks5://proxy:1080
    disable-compression: true
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: prod}
users:
- name: alice
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
    as: bob
    as-uid: "42"
    as-groups: [devs, ops]
    as-user-extra: {scopes: [a, b]}
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: [eks, get-token]
      env: [{name: AWS_PROFILE, value: prod}]
      installHint: install aws
      provideClusterInfo: true
      interactiveMode: Never
- name: legacy
  user:
    auth-provider:
      name: oidc
      config: {id-token: xyz}
contexts:
- name: prod
  context: {cluster: prod, user: alice, namespace: web}
current-context: prod
extensions:
- name: top
  extension: {k: v}
"#;

    #[test]
    fn every_field_of_the_v1_format_is_decoded() {
        let config = Kubeconfig::load(FULL.as_bytes()).unwrap();
        assert!(config.preferences.colors);
        let prod = &config.clusters["prod"];
        assert_eq!(prod.server, "https://prod.example:6443");
        assert_eq!(prod.certificate_authority_data, b"CAPEM");
        assert_eq!(prod.tls_server_name, "api.prod");
        assert_eq!(prod.proxy_url, "socks5://proxy:1080");
        assert!(prod.disable_compression);
        assert_eq!(
            prod.extensions["client.authentication.k8s.io/exec"],
            serde_json::json!({"audience": "prod"})
        );
        let alice = &config.auth_infos["alice"];
        assert_eq!(alice.client_certificate_data, b"CERT");
        assert_eq!(alice.client_key_data.expose(), "KEY");
        assert_eq!(alice.impersonate, "bob");
        assert_eq!(alice.impersonate_uid, "42");
        assert_eq!(alice.impersonate_groups, ["devs", "ops"]);
        assert_eq!(alice.impersonate_user_extra["scopes"], ["a", "b"]);
        let exec = config.auth_infos["plugin"].exec.as_ref().unwrap();
        assert_eq!(exec.command, "aws");
        assert_eq!(exec.args, ["eks", "get-token"]);
        assert_eq!(exec.env[0].name, "AWS_PROFILE");
        assert_eq!(exec.install_hint, "install aws");
        assert!(exec.provide_cluster_info);
        assert_eq!(exec.interactive_mode, "Never");
        let provider = config.auth_infos["legacy"].auth_provider.as_ref().unwrap();
        assert_eq!(provider.name, "oidc");
        assert_eq!(provider.config["id-token"], "xyz");
        let context = &config.contexts["prod"];
        assert_eq!(
            (context.cluster.as_str(), context.auth_info.as_str()),
            ("prod", "alice")
        );
        assert_eq!(context.namespace, "web");
        assert_eq!(config.current_context, "prod");
        assert_eq!(config.extensions["top"], serde_json::json!({"k": "v"}));
    }

    #[test]
    fn yaml_encoding_round_trips() {
        let config = Kubeconfig::load(FULL.as_bytes()).unwrap();
        let yaml = config.to_yaml().unwrap();
        assert!(yaml.starts_with("apiVersion: v1\n"), "{yaml}");
        assert!(yaml.contains("kind: Config"));
        assert!(yaml.contains("certificate-authority-data: Q0FQRU0="));
        assert!(
            !yaml.contains("tokenFile") && !yaml.contains(" token:"),
            "{yaml}"
        );
        assert_eq!(Kubeconfig::load(yaml.as_bytes()).unwrap(), config);
    }

    #[test]
    fn empty_content_is_an_empty_config() {
        for text in ["", "  \n", "# only a comment\n"] {
            assert_eq!(
                Kubeconfig::load(text.as_bytes()).unwrap(),
                Kubeconfig::default()
            );
        }
    }

    #[test]
    fn missing_or_null_sections_become_empty_maps() {
        let config = Kubeconfig::load(
            b"apiVersion: v1\nkind: Config\nclusters:\nusers: null\ncurrent-context: x\n",
        )
        .unwrap();
        assert!(config.clusters.is_empty());
        assert!(config.auth_infos.is_empty());
        assert!(config.contexts.is_empty());
        assert_eq!(config.current_context, "x");
        let config = Kubeconfig::load(
            b"clusters: []\nusers: []\ncontexts: []\npreferences: {}\nextensions: []\n",
        )
        .unwrap();
        assert!(config.is_empty());
    }

    #[test]
    fn duplicate_names_are_rejected_in_every_list() {
        let cases = [
            (
                "clusters",
                "clusters:\n- name: a\n  cluster: {server: x}\n- name: a\n  cluster: {server: y}\n",
            ),
            (
                "users",
                "users:\n- name: a\n  user: {}\n- name: a\n  user: {}\n",
            ),
            (
                "contexts",
                "contexts:\n- name: a\n  context: {cluster: c, user: u}\n- name: a\n  context: {cluster: c, user: u}\n",
            ),
            (
                "extensions",
                "extensions:\n- name: a\n  extension: {}\n- name: a\n  extension: {}\n",
            ),
        ];
        for (list, text) in cases {
            let error = Kubeconfig::load(text.as_bytes()).unwrap_err().to_string();
            assert!(
                error.contains("duplicate name \"a\" in list"),
                "{list}: {error}"
            );
            assert!(error.contains(list), "{list}: {error}");
        }
    }

    #[test]
    fn interactive_mode_defaults_to_if_available_only_for_beta_and_alpha_exec_versions() {
        let mode = |version: &str| {
            let text = format!(
                "users:\n- name: u\n  user:\n    exec: {{command: c, apiVersion: {version}}}\n"
            );
            Kubeconfig::load(text.as_bytes()).unwrap().auth_infos["u"]
                .exec
                .clone()
                .unwrap()
                .interactive_mode
        };
        assert_eq!(mode("client.authentication.k8s.io/v1beta1"), "IfAvailable");
        assert_eq!(mode("client.authentication.k8s.io/v1alpha1"), "IfAvailable");
        assert_eq!(mode("client.authentication.k8s.io/v1"), "");
        let explicit = Kubeconfig::load(
            b"users:\n- name: u\n  user:\n    exec: {command: c, apiVersion: client.authentication.k8s.io/v1beta1, interactiveMode: Always}\n",
        )
        .unwrap();
        assert_eq!(
            explicit.auth_infos["u"]
                .exec
                .as_ref()
                .unwrap()
                .interactive_mode,
            "Always"
        );
    }

    #[test]
    fn bad_documents_are_errors_that_do_not_quote_secrets() {
        for text in [
            "apiVersion: v2\n",
            "kind: Pod\n",
            "clusters: 3\n",
            "users:\n- name: u\n  user: {client-key-data: '!!!notbase64-SECRET'}\n",
            "users:\n- name: u\n  user: {token: 918273645}\n",
            "users:\n- name: u\n  user: {password: [918273645]}\n",
            "users:\n- name: u\n  user: {auth-provider: {name: x, config: {t: 918273645}}}\n",
        ] {
            let error = Kubeconfig::load(text.as_bytes()).unwrap_err().to_string();
            assert!(!error.contains("918273645"), "{error}");
            assert!(!error.contains("SECRET"), "{error}");
        }
        assert!(Kubeconfig::load(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn json_kubeconfigs_are_accepted() {
        let config = Kubeconfig::load(
            br#"{"apiVersion":"v1","kind":"Config","clusters":[{"name":"c","cluster":{"server":"https://x"}}]}"#,
        )
        .unwrap();
        assert_eq!(config.clusters["c"].server, "https://x");
    }
}
