//! Relative file references in a kubeconfig are relative to the folder of the file the
//! entry came from: certificate authority, client certificate and key, token file, and
//! an exec command that contains a path separator (a bare name is looked up on `PATH`).

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{AuthInfo, Cluster, Kubeconfig};

/// Rewrites every relative file reference of `config` to an absolute path, using each
/// entry's `location_of_origin`; entries without an origin are left alone (client-go's
/// `ResolveLocalPaths`).
pub(crate) fn resolve_local_paths(config: &mut Kubeconfig) -> Result<()> {
    for cluster in config.clusters.values_mut() {
        if let Some(base) = origin_dir(&cluster.location_of_origin)? {
            resolve_cluster_paths(cluster, &base);
        }
    }
    for user in config.auth_infos.values_mut() {
        if let Some(base) = origin_dir(&user.location_of_origin)? {
            resolve_user_paths(user, &base);
        }
    }
    Ok(())
}

pub(crate) fn resolve_cluster_paths(cluster: &mut Cluster, base: &Path) {
    resolve_in_place(&mut cluster.certificate_authority, base);
}

pub(crate) fn resolve_user_paths(user: &mut AuthInfo, base: &Path) {
    resolve_in_place(&mut user.client_certificate, base);
    resolve_in_place(&mut user.client_key, base);
    resolve_in_place(&mut user.token_file, base);
    if let Some(exec) = user.exec.as_mut()
        && exec.command.contains(std::path::MAIN_SEPARATOR)
    {
        exec.command = resolve_path(Path::new(&exec.command), base)
            .to_string_lossy()
            .into_owned();
    }
}

/// The reverse of [`resolve_cluster_paths`] for writing an entry back to its file
/// (client-go's `RelativizeClusterLocalPaths`).
pub(crate) fn relativize_cluster_paths(cluster: &mut Cluster, base: &Path) {
    relativize_in_place(&mut cluster.certificate_authority, base);
}

/// The reverse of [`resolve_user_paths`] for writing an entry back to its file (client-go's
/// `RelativizeAuthInfoLocalPaths`).
pub(crate) fn relativize_user_paths(user: &mut AuthInfo, base: &Path) {
    relativize_in_place(&mut user.client_certificate, base);
    relativize_in_place(&mut user.client_key, base);
    relativize_in_place(&mut user.token_file, base);
    if let Some(exec) = user.exec.as_mut()
        && exec.command.contains(std::path::MAIN_SEPARATOR)
    {
        let mut command = PathBuf::from(&exec.command);
        relativize_in_place(&mut command, base);
        exec.command = command.to_string_lossy().into_owned();
    }
}

/// `path` relative to `base` when it lies inside it; a path that would need `..` stays
/// absolute, as client-go's `RelativizePathWithNoBacksteps` leaves it.
fn relativize_in_place(path: &mut PathBuf, base: &Path) {
    if path.as_os_str().is_empty() {
        return;
    }
    let absolute = resolve_path(path, base);
    *path = match absolute.strip_prefix(base) {
        Ok(inside) if inside.as_os_str().is_empty() => PathBuf::from("."),
        Ok(inside) => inside.to_path_buf(),
        Err(_) => absolute,
    };
}

/// The absolute folder of the file an entry came from; `None` for entries made in
/// memory.
pub(crate) fn origin_dir(origin: &Path) -> Result<Option<PathBuf>> {
    if origin.as_os_str().is_empty() {
        return Ok(None);
    }
    let dir = match origin.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let absolute = std::path::absolute(dir).map_err(|source| Error::Io {
        action: "determining the absolute path of the folder of",
        path: origin.to_path_buf(),
        source,
    })?;
    Ok(Some(clean(&absolute)))
}

fn resolve_in_place(path: &mut PathBuf, base: &Path) {
    *path = resolve_path(path, base);
}

/// `path` made absolute against `base`: empty stays empty, absolute stays as is.
pub(crate) fn resolve_path(path: &Path, base: &Path) -> PathBuf {
    if path.as_os_str().is_empty() || path.is_absolute() {
        return path.to_path_buf();
    }
    clean(&base.join(path))
}

/// Lexically removes `.` components and folds `..` into the preceding component (never
/// above the root).
pub(crate) fn clean(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ExecConfig;

    #[test]
    fn clean_folds_dots_lexically() {
        assert_eq!(clean(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(clean(Path::new("/../x")), PathBuf::from("/x"));
        assert_eq!(clean(Path::new("a/../..")), PathBuf::from(".."));
        assert_eq!(clean(Path::new("./")), PathBuf::from("."));
    }

    fn config_from(origin: &Path) -> Kubeconfig {
        let mut config = Kubeconfig::default();
        config.clusters.insert(
            "c".into(),
            Cluster {
                location_of_origin: origin.to_path_buf(),
                certificate_authority: "ca/ca.crt".into(),
                ..Cluster::default()
            },
        );
        let user = |exec_command: &str| AuthInfo {
            location_of_origin: origin.to_path_buf(),
            client_certificate: "./certs/../certs/u.crt".into(),
            client_key: "/abs/u.key".into(),
            token_file: "token".into(),
            exec: Some(ExecConfig {
                command: exec_command.into(),
                ..ExecConfig::default()
            }),
            ..AuthInfo::default()
        };
        config.auth_infos.insert("bare".into(), user("kubelogin"));
        config
            .auth_infos
            .insert("pathed".into(), user("bin/plugin"));
        config.auth_infos.insert(
            "in-memory".into(),
            AuthInfo {
                token_file: "relative".into(),
                ..AuthInfo::default()
            },
        );
        config
    }

    #[test]
    fn relative_references_resolve_against_the_folder_of_their_file() {
        let mut config = config_from(Path::new("/home/me/.kube/config"));
        resolve_local_paths(&mut config).unwrap();
        assert_eq!(
            config.clusters["c"].certificate_authority,
            PathBuf::from("/home/me/.kube/ca/ca.crt")
        );
        let pathed = &config.auth_infos["pathed"];
        assert_eq!(
            pathed.client_certificate,
            PathBuf::from("/home/me/.kube/certs/u.crt")
        );
        assert_eq!(pathed.client_key, PathBuf::from("/abs/u.key"));
        assert_eq!(pathed.token_file, PathBuf::from("/home/me/.kube/token"));
        assert_eq!(
            pathed.exec.as_ref().unwrap().command,
            "/home/me/.kube/bin/plugin"
        );
    }

    #[test]
    fn a_bare_exec_command_is_left_for_the_path_lookup() {
        let mut config = config_from(Path::new("/home/me/.kube/config"));
        resolve_local_paths(&mut config).unwrap();
        assert_eq!(
            config.auth_infos["bare"].exec.as_ref().unwrap().command,
            "kubelogin"
        );
    }

    #[test]
    fn entries_without_origin_and_empty_paths_are_unchanged() {
        let mut config = config_from(Path::new("/k/config"));
        resolve_local_paths(&mut config).unwrap();
        let memory = &config.auth_infos["in-memory"];
        assert_eq!(memory.token_file, PathBuf::from("relative"));
        assert_eq!(memory.client_key, PathBuf::new());
    }

    #[test]
    fn a_file_name_without_folder_resolves_against_the_working_directory() {
        let mut config = config_from(Path::new("config"));
        resolve_local_paths(&mut config).unwrap();
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            config.clusters["c"].certificate_authority,
            clean(&cwd.join("ca/ca.crt"))
        );
    }
}
