//! client-go v0.37.2's loader tables (`tools/clientcmd/loader_test.go`) run against
//! [`LoadingRules`] and [`Kubeconfig`]: which files are read, how they merge (the first
//! file that defines an entry or the current context wins), how relative paths
//! resolve, migration, duplicate names and encoding. Expected values are client-go's.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when something is off

use std::path::{Path, PathBuf};

use clientgo_clientcmd::{
    AuthInfo, Cluster, Context, ExecConfig, Kubeconfig, LoadingRules, RECOMMENDED_FILE_NAME,
    RECOMMENDED_HOME_DIR, modify_config, recommended_home_file,
};
use clientgo_transport::Secret;

fn cluster(server: &str) -> Cluster {
    Cluster {
        server: server.into(),
        ..Cluster::default()
    }
}

fn token(value: &str) -> AuthInfo {
    AuthInfo {
        token: Secret::new(value),
        ..AuthInfo::default()
    }
}

fn context(cluster: &str, user: &str, namespace: &str) -> Context {
    Context {
        cluster: cluster.into(),
        auth_info: user.into(),
        namespace: namespace.into(),
        ..Context::default()
    }
}

/// One of the loader test's small configurations: one user, cluster and context.
fn simple(
    user: &str,
    server: &str,
    cluster_name: &str,
    context_name: &str,
    ns: &str,
) -> Kubeconfig {
    let mut config = Kubeconfig::default();
    let user_name = format!("{user}-user");
    config
        .auth_infos
        .insert(user_name.clone(), token(&format!("{user}-token")));
    config.clusters.insert(cluster_name.into(), cluster(server));
    config
        .contexts
        .insert(context_name.into(), context(cluster_name, &user_name, ns));
    config
}

fn alfa() -> Kubeconfig {
    simple(
        "red",
        "http://cow.org:8080",
        "cow-cluster",
        "federal-context",
        "hammer-ns",
    )
}

fn bravo() -> Kubeconfig {
    simple(
        "black",
        "http://pig.org:8080",
        "pig-cluster",
        "queen-anne-context",
        "saw-ns",
    )
}

fn charlie() -> Kubeconfig {
    simple(
        "green",
        "http://horse.org:8080",
        "horse-cluster",
        "shaker-context",
        "chisel-ns",
    )
}

fn delta() -> Kubeconfig {
    simple(
        "blue",
        "http://chicken.org:8080",
        "chicken-cluster",
        "gothic-context",
        "plane-ns",
    )
}

fn conflict_alfa() -> Kubeconfig {
    let mut config = Kubeconfig {
        current_context: "federal-context".into(),
        ..Kubeconfig::default()
    };
    config
        .auth_infos
        .insert("red-user".into(), token("a-different-red-token"));
    config
        .auth_infos
        .insert("yellow-user".into(), token("yellow-token"));
    for (name, server) in [
        ("cow-cluster", "http://a-different-cow.org:8080"),
        ("donkey-cluster", "http://donkey.org:8080"),
    ] {
        config.clusters.insert(
            name.into(),
            Cluster {
                insecure_skip_tls_verify: true,
                disable_compression: true,
                ..cluster(server)
            },
        );
    }
    config
}

fn write(dir: &Path, name: &str, config: &Kubeconfig) -> PathBuf {
    let path = dir.join(name);
    config.write_to_file(&path).unwrap();
    path
}

/// The merged config without the bookkeeping of where each entry came from, as an
/// encoded kubeconfig shows it.
fn without_origins(mut config: Kubeconfig) -> Kubeconfig {
    for entry in config.clusters.values_mut() {
        entry.location_of_origin = PathBuf::new();
    }
    for entry in config.auth_infos.values_mut() {
        entry.location_of_origin = PathBuf::new();
    }
    for entry in config.contexts.values_mut() {
        entry.location_of_origin = PathBuf::new();
    }
    config
}

/// `TestNilOutMap`: a user with a bare `auth-provider` decodes.
#[test]
fn an_auth_provider_without_config_decodes() {
    let config = Kubeconfig::load(
        b"apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: UEhPTlkK
    server: https://1.1.1.1
  name: production
contexts:
- context:
    cluster: production
    user: production
  name: production
current-context: production
users:
- name: production
  user:
    auth-provider:
      name: gcp",
    )
    .unwrap();
    let provider = config.auth_infos["production"].auth_provider.as_ref();
    assert_eq!(provider.unwrap().name, "gcp");
}

/// `TestNonExistentCommandLineFile`, `TestErrorReadingFile`, `TestErrorReadingNonFile`:
/// an explicit file that is missing, not a kubeconfig or a folder is an error naming it.
#[test]
fn explicit_file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bogus_value = dir.path().join("bogus-value");
    std::fs::write(&bogus_value, "bogus value").unwrap();
    let rows = [
        ("missing", dir.path().join("bogus_file"), true),
        ("not a kubeconfig", bogus_value, false),
        ("a folder", dir.path().to_path_buf(), false),
    ];
    for (name, path, not_found) in rows {
        let error = LoadingRules::explicit(&path).load().unwrap_err();
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{name}: {error}"
        );
        assert_eq!(error.is_not_found(), not_found, "{name}: {error}");
    }
}

/// `TestToleratingMissingFiles`, `TestWarningMissingFiles`: missing files of the list are
/// skipped (and reported for the warning), not errors.
#[test]
fn missing_precedence_files_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let bogus: Vec<PathBuf> = ["bogus1", "bogus2", "bogus3"]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    let mut rules = LoadingRules::from_precedence(bogus.clone());
    rules.warn_if_all_missing = true;
    let loaded = rules.load_all().unwrap();
    assert!(loaded.errors.is_empty());
    assert_eq!(loaded.missing_files, bogus);
    assert!(rules.load().unwrap().is_empty());

    let from_env = LoadingRules::from_path_list(dir.path().join("bogus"));
    assert!(from_env.warn_if_all_missing);
    assert_eq!(
        from_env.load_all().unwrap().missing_files,
        [dir.path().join("bogus")]
    );
}

/// `TestConflictingCurrentContext`: the explicit file is used alone.
#[test]
fn the_explicit_file_wins_the_current_context() {
    let dir = tempfile::tempdir().unwrap();
    let command_line = write(
        dir.path(),
        "command-line",
        &Kubeconfig {
            current_context: "any-context-value".into(),
            ..Kubeconfig::default()
        },
    );
    let env = write(
        dir.path(),
        "env",
        &Kubeconfig {
            current_context: "a-different-context".into(),
            ..Kubeconfig::default()
        },
    );
    let mut rules = LoadingRules::explicit(command_line);
    rules.precedence = vec![env];
    assert_eq!(rules.load().unwrap().current_context, "any-context-value");
}

/// `TestEncodeYAML`: client-go writes names that look like numbers quoted, so they read
/// back as the same strings. (The bytes differ in style only: this crate writes
/// `'0'`, `users: []` and `preferences: {}` where client-go writes `"0"`, `users: null`
/// and nothing; both decode to the same configuration.)
#[test]
fn encoding_keeps_numeric_names_strings() {
    let mut config = Kubeconfig {
        current_context: "any-context-value".into(),
        ..Kubeconfig::default()
    };
    config
        .contexts
        .insert("433e40".into(), context("433e40", "", ""));
    for name in ["0", "1", "433e40"] {
        config
            .clusters
            .insert(name.into(), cluster("https://localhost:1234"));
    }
    let go_bytes = r#"apiVersion: v1
clusters:
- cluster:
    server: https://localhost:1234
  name: "0"
- cluster:
    server: https://localhost:1234
  name: "1"
- cluster:
    server: https://localhost:1234
  name: "433e40"
contexts:
- context:
    cluster: "433e40"
    user: ""
  name: "433e40"
current-context: any-context-value
kind: Config
users: null
"#;
    assert_eq!(Kubeconfig::load(go_bytes.as_bytes()).unwrap(), config);
    let ours = config.to_yaml().unwrap();
    assert_eq!(Kubeconfig::load(ours.as_bytes()).unwrap(), config);
    let value: serde_yaml::Value = serde_yaml::from_str(&ours).unwrap();
    for entry in value["clusters"].as_sequence().unwrap() {
        assert!(entry["name"].is_string(), "{ours}");
    }
}

/// `TestLoadingEmptyMaps`: a file with only a current context loads with empty maps.
#[test]
fn a_file_with_only_a_current_context_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "config",
        &Kubeconfig {
            current_context: "any-context-value".into(),
            ..Kubeconfig::default()
        },
    );
    let config = Kubeconfig::load_from_file(path).unwrap();
    assert_eq!(config.current_context, "any-context-value");
    assert!(config.clusters.is_empty() && config.auth_infos.is_empty());
    assert!(config.contexts.is_empty());
}

/// `TestDuplicateClusterName`, `TestDuplicateContextName`, `TestDuplicateUserName`,
/// `TestDuplicateExtensionName`: a name twice in one list is an error. (client-go's text
/// is `error converting *[]NamedCluster into *map[string]*api.Cluster: duplicate name
/// "kubeconfig-cluster" in list`; this crate names the list instead of Go types.)
#[test]
fn duplicate_names_are_errors() {
    let head = "kind: Config
apiVersion: v1
clusters:
- cluster:
    server: https://kubernetes.default.svc:443
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
  name: kubeconfig-cluster
";
    let context = "contexts:
- context:
    cluster: kubeconfig-cluster
    namespace: default
    user: kubeconfig-user
  name: kubeconfig-context
";
    let user = "current-context: kubeconfig-context
users:
- name: kubeconfig-user
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
";
    let rows = [
        (
            "kubeconfig-cluster",
            format!(
                "{head}- cluster:\n    server: https://test.example.server:443\n  name: kubeconfig-cluster\n{context}{user}"
            ),
        ),
        (
            "kubeconfig-context",
            format!(
                "{head}{context}- context:\n    cluster: test-example-cluster\n    user: test-example-user\n  name: kubeconfig-context\n{user}"
            ),
        ),
        (
            "kubeconfig-user",
            format!(
                "{head}{context}{user}- name: kubeconfig-user\n  user:\n    tokenFile: /var/run/secrets/test.example.com/serviceaccount/token\n"
            ),
        ),
        (
            "test-extension",
            format!(
                "{head}{context}{user}extensions:\n- extension:\n    bytes: test\n  name: test-extension\n- extension:\n    bytes: some-example\n  name: test-extension\n"
            ),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in rows {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let error = Kubeconfig::load_from_file(&path).unwrap_err().to_string();
        assert!(
            error.contains(&format!("duplicate name {name:?} in list")),
            "{name}: {error}"
        );
    }
}

/// `TestRelativizePathWithNoBacksteps`, through writing back with `modify_config(..,
/// true)`: a file reference inside the folder of the kubeconfig is written relative to
/// it, one that would need `..` stays absolute, an empty one stays empty.
#[test]
fn written_back_paths_are_relative_without_backsteps() {
    let root = tempfile::tempdir().unwrap();
    let base = root.path().join("base");
    std::fs::create_dir(&base).unwrap();
    let other = root.path().join("other");
    let kubeconfig = base.join("config");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\n").unwrap();
    let rows: Vec<(&str, PathBuf, PathBuf)> = vec![
        (
            "path in subdirectory",
            base.join("subdir").join("file.txt"),
            Path::new("subdir").join("file.txt"),
        ),
        (
            "path in same directory",
            base.join("file.txt"),
            "file.txt".into(),
        ),
        (
            "absolute path requiring backsteps",
            other.join("dir").join("file.txt"),
            other.join("dir").join("file.txt"),
        ),
        ("empty path", PathBuf::new(), PathBuf::new()),
    ];
    let rules = LoadingRules::explicit(&kubeconfig);
    let mut updated = rules.load().unwrap();
    for (index, (_, input, _)) in rows.iter().enumerate() {
        updated.clusters.insert(
            format!("c{index}"),
            Cluster {
                location_of_origin: kubeconfig.clone(),
                certificate_authority: input.clone(),
                ..cluster("https://x")
            },
        );
    }
    modify_config(&rules, &updated, true).unwrap();
    let mut raw = LoadingRules::explicit(&kubeconfig);
    raw.do_not_resolve_paths = true;
    let written = raw.load().unwrap();
    for (index, (name, _, expected)) in rows.iter().enumerate() {
        assert_eq!(
            &written.clusters[&format!("c{index}")].certificate_authority,
            expected,
            "{name}"
        );
    }
}

/// `TestResolveRelativePaths`: relative references resolve against the folder of the
/// file that defined the entry; absolute ones and bare exec commands are kept.
#[test]
fn relative_paths_resolve_against_their_own_file() {
    let absolute_dir = tempfile::tempdir().unwrap();
    let absolute = absolute_dir.path().join("absolute");
    let rel = |parts: &[&str]| parts.iter().collect::<PathBuf>();
    let cert_user = |cert: PathBuf, key: PathBuf| AuthInfo {
        client_certificate: cert,
        client_key: key,
        ..AuthInfo::default()
    };
    let exec_user = |command: String| AuthInfo {
        exec: Some(ExecConfig {
            command,
            ..ExecConfig::default()
        }),
        ..AuthInfo::default()
    };
    let ca = |path: PathBuf| Cluster {
        certificate_authority: path,
        ..Cluster::default()
    };

    let mut first = Kubeconfig::default();
    first.auth_infos.insert(
        "relative-user-1".into(),
        cert_user(
            rel(&["relative", "client", "cert"]),
            rel(&["..", "relative", "client", "key"]),
        ),
    );
    first.auth_infos.insert(
        "absolute-user-1".into(),
        cert_user(absolute.join("client/cert"), absolute.join("client/key")),
    );
    let relative_cmd = rel(&["..", "relative", "client", "cmd"]);
    first.auth_infos.insert(
        "relative-cmd-1".into(),
        exec_user(relative_cmd.to_string_lossy().into_owned()),
    );
    let absolute_cmd = absolute.join("client/cmd");
    first.auth_infos.insert(
        "absolute-cmd-1".into(),
        exec_user(absolute_cmd.to_string_lossy().into_owned()),
    );
    first
        .auth_infos
        .insert("PATH-cmd-1".into(), exec_user("cmd".into()));
    first.clusters.insert(
        "relative-server-1".into(),
        ca(rel(&["..", "relative", "ca"])),
    );
    first
        .clusters
        .insert("absolute-server-1".into(), ca(absolute.join("ca")));

    let mut second = Kubeconfig::default();
    second.auth_infos.insert(
        "relative-user-2".into(),
        cert_user(
            rel(&["relative", "client", "cert2"]),
            rel(&["..", "relative", "client", "key2"]),
        ),
    );
    second.auth_infos.insert(
        "absolute-user-2".into(),
        cert_user(absolute.join("client/cert2"), absolute.join("client/key2")),
    );
    second.clusters.insert(
        "relative-server-2".into(),
        ca(rel(&["..", "relative", "ca2"])),
    );
    second
        .clusters
        .insert("absolute-server-2".into(), ca(absolute.join("ca2")));

    let dir1 = tempfile::tempdir().unwrap();
    let dir2_parent = tempfile::tempdir().unwrap();
    let dir2 = dir2_parent.path().join("nested");
    std::fs::create_dir(&dir2).unwrap();
    let file1 = write(dir1.path(), ".kubeconfig", &first);
    let file2 = write(&dir2, ".kubeconfig", &second);

    let merged = LoadingRules::from_precedence([file1, file2])
        .load()
        .unwrap();
    // Go's filepath.Join cleans the result: `dir/../relative/ca` is `parent/relative/ca`.
    let join = |dir: &Path, path: &Path| {
        let mut out = dir.to_path_buf();
        for component in path.components() {
            match component {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    };
    let d1 = std::path::absolute(dir1.path()).unwrap();
    let d2 = std::path::absolute(&dir2).unwrap();
    let clusters = &merged.clusters;
    assert_eq!(clusters.len(), 4);
    assert_eq!(
        clusters["relative-server-1"].certificate_authority,
        join(&d1, &rel(&["..", "relative", "ca"]))
    );
    assert_eq!(
        clusters["relative-server-2"].certificate_authority,
        join(&d2, &rel(&["..", "relative", "ca2"]))
    );
    assert_eq!(
        clusters["absolute-server-1"].certificate_authority,
        absolute.join("ca")
    );
    assert_eq!(
        clusters["absolute-server-2"].certificate_authority,
        absolute.join("ca2")
    );
    let users = &merged.auth_infos;
    assert_eq!(users.len(), 7);
    for (name, dir, cert, key) in [
        (
            "relative-user-1",
            &d1,
            rel(&["relative", "client", "cert"]),
            rel(&["..", "relative", "client", "key"]),
        ),
        (
            "relative-user-2",
            &d2,
            rel(&["relative", "client", "cert2"]),
            rel(&["..", "relative", "client", "key2"]),
        ),
    ] {
        assert_eq!(users[name].client_certificate, join(dir, &cert), "{name}");
        assert_eq!(users[name].client_key, join(dir, &key), "{name}");
    }
    assert_eq!(
        users["absolute-user-1"].client_certificate,
        absolute.join("client/cert")
    );
    assert_eq!(
        users["absolute-user-2"].client_key,
        absolute.join("client/key2")
    );
    let command = |name: &str| users[name].exec.as_ref().unwrap().command.clone();
    assert_eq!(
        command("relative-cmd-1"),
        join(&d1, &relative_cmd).to_string_lossy()
    );
    assert_eq!(command("absolute-cmd-1"), absolute_cmd.to_string_lossy());
    assert_eq!(command("PATH-cmd-1"), "cmd");
}

/// `TestMigratingFile`, `TestMigratingFileLeaveExistingFileAlone`,
/// `TestMigratingFileSourceMissingSkip`.
#[cfg(unix)]
#[test]
fn migration_rules() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();

    let source = write(dir.path(), "source", &alfa());
    let destination = dir.path().join("destination");
    let mut rules = LoadingRules::empty();
    rules
        .migration_rules
        .insert(destination.clone(), source.clone());
    rules.load().unwrap();
    assert_eq!(
        std::fs::read(&source).unwrap(),
        std::fs::read(&destination).unwrap()
    );
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&destination), mode(&source));

    let existing = dir.path().join("existing");
    std::fs::write(&existing, "").unwrap();
    let mut rules = LoadingRules::empty();
    rules
        .migration_rules
        .insert(existing.clone(), source.clone());
    rules.load().unwrap();
    assert!(std::fs::read(&existing).unwrap().is_empty());

    let absent = dir.path().join("absent");
    let mut rules = LoadingRules::empty();
    rules
        .migration_rules
        .insert(absent.clone(), dir.path().join("some-missing-file"));
    rules.load().unwrap();
    assert!(!absent.exists());
}

/// `Example_noMergingOnExplicitPaths`, `Example_mergingSomeWithConflict`,
/// `Example_mergingEverythingNoConflicts`: the merged configurations client-go prints.
#[test]
fn merge_examples() {
    let dir = tempfile::tempdir().unwrap();
    let command_line = write(dir.path(), "command-line", &alfa());
    let env = write(dir.path(), "env", &conflict_alfa());

    let mut explicit = LoadingRules::explicit(&command_line);
    explicit.precedence = vec![env.clone()];
    assert_eq!(without_origins(explicit.load().unwrap()), alfa());

    let merged = LoadingRules::from_precedence([command_line.clone(), env])
        .load()
        .unwrap();
    let mut expected = alfa();
    expected.current_context = "federal-context".into();
    expected.clusters.insert(
        "donkey-cluster".into(),
        conflict_alfa().clusters["donkey-cluster"].clone(),
    );
    expected
        .auth_infos
        .insert("yellow-user".into(), token("yellow-token"));
    assert_eq!(without_origins(merged), expected);

    let files = [
        command_line,
        write(dir.path(), "bravo", &bravo()),
        write(dir.path(), "charlie", &charlie()),
        write(dir.path(), "delta", &delta()),
    ];
    let merged = LoadingRules::from_precedence(files).load().unwrap();
    let mut expected = Kubeconfig::default();
    for part in [alfa(), bravo(), charlie(), delta()] {
        expected.clusters.extend(part.clusters);
        expected.auth_infos.extend(part.auth_infos);
        expected.contexts.extend(part.contexts);
    }
    assert_eq!(without_origins(merged), expected);
}

/// `TestDeduplicate`: a `KUBECONFIG` list keeps the first occurrence of each file.
#[test]
fn kubeconfig_lists_are_deduplicated() {
    let rows: [(&[&str], &[&str]); 3] = [
        (
            &["a", "b", "c", "d", "e", "f"],
            &["a", "b", "c", "d", "e", "f"],
        ),
        (&["a", "b", "c", "b", "e", "f"], &["a", "b", "c", "e", "f"]),
        (&["a", "a", "b", "b", "c", "b"], &["a", "b", "c"]),
    ];
    for (list, expected) in rows {
        let joined = std::env::join_paths(list).unwrap();
        let rules = LoadingRules::from_path_list(joined);
        let expected: Vec<PathBuf> = expected.iter().map(PathBuf::from).collect();
        assert_eq!(rules.precedence, expected, "{list:?}");
    }
}

/// `TestLoadingGetLoadingPrecedence`.
#[test]
fn loading_precedence() {
    let explicit = LoadingRules::explicit("/explicit/kubeconfig");
    assert_eq!(
        explicit.loading_precedence(),
        [PathBuf::from("/explicit/kubeconfig")]
    );
    let single = LoadingRules::from_path_list("/env/kubeconfig");
    assert_eq!(
        single.loading_precedence(),
        [PathBuf::from("/env/kubeconfig")]
    );
    let list = std::env::join_paths(["/env/kubeconfig", "/other/kubeconfig"]).unwrap();
    assert_eq!(
        LoadingRules::from_path_list(list).loading_precedence(),
        [
            PathBuf::from("/env/kubeconfig"),
            PathBuf::from("/other/kubeconfig")
        ]
    );
    let expected = recommended_home_file().unwrap();
    assert!(expected.ends_with(Path::new(RECOMMENDED_HOME_DIR).join(RECOMMENDED_FILE_NAME)));
    if std::env::var_os("KUBECONFIG").is_none_or(|v| v.is_empty()) {
        assert_eq!(LoadingRules::default().loading_precedence(), [expected]);
    }
}
