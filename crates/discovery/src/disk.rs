//! [`CachedDiscoveryClient`]: discovery cached on disk, in front of a memory cache
//! (client-go's `discovery/cached/disk`), shared safely by several processes.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use clientgo_apimachinery::meta::{APIGroupList, APIResourceList};
use clientgo_rest::Config;
use futures_util::future::BoxFuture;
use parking_lot::Mutex;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::interface::DiscoveryInterface;
use crate::memory::MemCacheClient;
use crate::{Discovery, DiscoveryClient, VersionInfo};

/// How long kubectl trusts its discovery cache: 6 hours.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(6 * 60 * 60);

/// kubectl's discovery cache folder for `host`: `$KUBECACHEDIR/discovery/<host>`
/// (`KUBECACHEDIR` defaults to `~/.kube/cache`), with
/// kubectl's rule for `<host>`: the first `https://` and then the first `http://` cut
/// out, every character other than ASCII letters, digits, `_`, `.`, `/`, `(` and `)`
/// replaced by `_`, and the result joined as a relative path (so a URL path makes
/// subfolders and a trailing `/` is dropped): `https://127.0.0.1:6443` →
/// `127.0.0.1_6443`, `https://h:443/k8s/clusters/c1/` → `h_443/k8s/clusters/c1`.
/// `None` without `KUBECACHEDIR` or a home folder.
///
/// Unlike kubectl, `..` segments are dropped instead of climbing out of the cache
/// folder.
pub fn default_cache_dir(host: &str) -> Option<PathBuf> {
    let cache = match std::env::var_os("KUBECACHEDIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::home_dir()?.join(".kube").join("cache"),
    };
    Some(cache.join("discovery").join(host_folder(host)))
}

/// The relative folder kubectl keeps `host`'s discovery cache in.
fn host_folder(host: &str) -> PathBuf {
    let schemeless = host.replacen("https://", "", 1).replacen("http://", "", 1);
    let safe: String = schemeless
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe.split('/')
        .filter(|segment| !matches!(*segment, "" | "." | ".."))
        .collect()
}

/// Discovery cached in files below one folder, then in memory, then asked live.
///
/// Files: `<dir>/servergroups.json` and `<dir>/<group>/<version>/serverresources.json`
/// (`<dir>/v1/serverresources.json` for the core group), written atomically (a
/// temporary file renamed into place; folders `0750`, files `0660`), so processes
/// sharing the folder never read half a file. A file is used while its modification
/// time plus the TTL lies in the future; after
/// [`invalidate`](DiscoveryInterface::invalidate) only files this client wrote since.
/// Unreadable files are ignored; only complete, non-empty live answers are written.
///
/// [`fresh`](DiscoveryInterface::fresh) turns false as soon as a file this client did
/// not write is served: a REST mapper that misses then knows the data may be stale.
///
/// ```no_run
/// # async fn run() -> Result<(), clientgo_discovery::Error> {
/// use clientgo_discovery::{CachedDiscoveryClient, DiscoveryInterface};
///
/// let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
/// let cached = CachedDiscoveryClient::with_kubectl_defaults(&config)?;
/// let groups = cached.server_groups().await?;
/// println!("{} groups", groups.groups.len());
/// # Ok(()) }
/// ```
pub struct CachedDiscoveryClient<D = MemCacheClient<DiscoveryClient>> {
    delegate: D,
    dir: PathBuf,
    ttl: Duration,
    state: Mutex<DiskState>,
}

struct DiskState {
    fresh: bool,
    invalidated: bool,
    our_files: HashSet<PathBuf>,
}

impl<D> std::fmt::Debug for CachedDiscoveryClient<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedDiscoveryClient")
            .field("dir", &self.dir)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl CachedDiscoveryClient {
    /// A disk cache in `dir` (files trusted for `ttl`) in front of a memory cache in
    /// front of a live client for `config`.
    pub fn for_config(config: &Config, dir: impl Into<PathBuf>, ttl: Duration) -> Result<Self> {
        let live = DiscoveryClient::new(config)?;
        Ok(Self::new(MemCacheClient::new(live), dir, ttl))
    }

    /// [`for_config`](Self::for_config) with kubectl's folder
    /// ([`default_cache_dir`]) and TTL ([`DEFAULT_CACHE_TTL`]).
    pub fn with_kubectl_defaults(config: &Config) -> Result<Self> {
        let dir = default_cache_dir(&config.host).ok_or_else(|| Error::Io {
            path: "~".into(),
            detail: "no home folder for the discovery cache".into(),
        })?;
        Self::for_config(config, dir, DEFAULT_CACHE_TTL)
    }
}

impl<D: DiscoveryInterface> CachedDiscoveryClient<D> {
    /// A disk cache in `dir` (files trusted for `ttl`) in front of `delegate`.
    pub fn new(delegate: D, dir: impl Into<PathBuf>, ttl: Duration) -> Self {
        Self {
            delegate,
            dir: dir.into(),
            ttl,
            state: Mutex::new(DiskState {
                fresh: true,
                invalidated: false,
                our_files: HashSet::new(),
            }),
        }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file caching the resources of `group_version`; `None` for group versions
    /// that are no safe folder names (`..`, empty parts).
    pub fn resources_file(&self, group_version: &str) -> Option<PathBuf> {
        let mut path = self.dir.clone();
        for part in group_version.split('/') {
            if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
                return None;
            }
            path.push(part);
        }
        Some(path.join("serverresources.json"))
    }

    /// The file caching the groups.
    pub fn groups_file(&self) -> PathBuf {
        self.dir.join("servergroups.json")
    }

    /// The cached document in `path`, if it is young enough, readable and decodes.
    fn read_cached<T: DeserializeOwned>(&self, path: &Path) -> Option<T> {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        if modified + self.ttl < SystemTime::now() {
            return None;
        }
        let ours = {
            let state = self.state.lock();
            let ours = state.our_files.contains(path);
            if state.invalidated && !ours {
                return None;
            }
            ours
        };
        let bytes = std::fs::read(path).ok()?;
        if !ours {
            self.state.lock().fresh = false;
        }
        match serde_json::from_slice(&bytes) {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::debug!(path = %path.display(), %error, "ignoring an unreadable discovery cache file");
                None
            }
        }
    }

    /// Writes `value` to `path` atomically (temporary file + rename).
    fn write_cached<T: Serialize>(&self, path: &Path, value: &T) -> Result<()> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::io(path, e))?;
        let parent = path.parent().unwrap_or(&self.dir);
        create_dirs(parent)?;
        let mut file = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        file.write_all(&bytes).map_err(|e| Error::io(path, e))?;
        set_mode(file.path(), 0o660)?;
        file.persist(path).map_err(|e| Error::io(path, e.error))?;
        self.state.lock().our_files.insert(path.to_path_buf());
        Ok(())
    }

    fn write_or_log<T: Serialize>(&self, path: &Path, value: &T) {
        if let Err(error) = self.write_cached(path, value) {
            tracing::debug!(%error, "could not write the discovery cache");
        }
    }

    async fn groups(&self) -> Result<APIGroupList> {
        let path = self.groups_file();
        if let Some(groups) = self.read_cached::<APIGroupList>(&path) {
            return Ok(groups);
        }
        let groups = self.delegate.server_groups().await?;
        if !groups.groups.is_empty() {
            self.write_or_log(&path, &groups);
        }
        Ok(groups)
    }

    async fn resources(&self, group_version: &str) -> Result<APIResourceList> {
        if group_version.is_empty() {
            return Err(Error::EmptyGroupVersion);
        }
        let path = self.resources_file(group_version);
        if let Some(list) = path.as_deref().and_then(|p| self.read_cached(p)) {
            return Ok(list);
        }
        let list = self
            .delegate
            .server_resources_for_group_version(group_version)
            .await?;
        if let Some(path) = path.filter(|_| !list.resources.is_empty()) {
            self.write_or_log(&path, &list);
        }
        Ok(list)
    }

    async fn groups_and_resources(&self) -> Result<Discovery> {
        let groups = self.groups().await?.groups;
        let group_versions: Vec<String> = groups
            .iter()
            .flat_map(|g| g.versions.iter().map(|v| v.group_version.clone()))
            .collect();
        let answers =
            futures_util::future::join_all(group_versions.iter().map(|gv| self.resources(gv)))
                .await;
        let mut discovery = Discovery {
            groups,
            ..Discovery::default()
        };
        for (gv, answer) in group_versions.into_iter().zip(answers) {
            match answer {
                Ok(list) => discovery.resources.push(list),
                Err(error) => {
                    discovery.failed.insert(gv, error);
                }
            }
        }
        Ok(discovery)
    }
}

/// Creates `dir` and its missing parents with mode `0750`.
fn create_dirs(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o750);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(path, e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

impl<D: DiscoveryInterface> DiscoveryInterface for CachedDiscoveryClient<D> {
    fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>> {
        Box::pin(self.groups())
    }

    fn server_resources_for_group_version<'a>(
        &'a self,
        group_version: &'a str,
    ) -> BoxFuture<'a, Result<APIResourceList>> {
        Box::pin(self.resources(group_version))
    }

    fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>> {
        Box::pin(self.groups_and_resources())
    }

    fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>> {
        self.delegate.server_version()
    }

    fn fresh(&self) -> bool {
        self.state.lock().fresh
    }

    fn invalidate(&self) {
        {
            let mut state = self.state.lock();
            state.our_files.clear();
            state.fresh = true;
            state.invalidated = true;
        }
        self.delegate.invalidate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values: kubectl's `computeDiscoverCacheDir` (cli-runtime v0.37.2) on
    /// the same hosts, relative to its parent folder.
    #[test]
    fn hosts_become_folder_names_like_kubectl() {
        let cases = [
            ("https://127.0.0.1:6443", "127.0.0.1_6443"),
            ("http://my-host.example", "my_host.example"),
            ("https://h:443/k8s/clusters/c1/", "h_443/k8s/clusters/c1"),
            ("https://h:443/", "h_443"),
            ("https://h//a///b", "h/a/b"),
            ("https://[::1]:6443", "___1__6443"),
            ("HTTPS://Host:1", "HTTPS_/Host_1"),
            ("https://a(b)c~d", "a(b)c_d"),
            ("https://\u{fc}n\u{ef}.example", "_n_.example"),
            ("x https://y", "x_y"),
            // kubectl climbs out of its cache folder here ("x"); this stays inside.
            ("h:1/../x", "h_1/x"),
        ];
        for (host, expected) in cases {
            assert_eq!(host_folder(host), PathBuf::from(expected), "{host}");
        }
    }
}
