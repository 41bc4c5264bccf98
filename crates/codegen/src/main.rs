//! `clientgo-codegen`: Rust types for a custom resource from its
//! CustomResourceDefinition, read from a file or from a cluster.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_apimachinery::meta::GetOptions;
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_codegen::{Options, generate};
use clientgo_kubernetes::Clientset;
use serde::Deserialize as _;

const USAGE: &str = "\
usage: clientgo-codegen crd FILE [--crd NAME] [options]
       clientgo-codegen crd --from-cluster [KUBECONFIG] --crd NAME [--context NAME] [options]

Prints Rust types for a custom resource, written as #[derive(CustomResource)] code.

FILE is YAML or JSON, one or more documents (`-` reads standard input); --crd picks a
definition when it holds several. --from-cluster reads the definition from the cluster
of KUBECONFIG (kubectl's rules when omitted).

options:
  --version V   only version V (repeatable; default: every served version)
  --facade      use the client-go facade crate's paths (client_go::...)
  -o FILE       write to FILE instead of standard output";

/// Where the definition is read from.
enum Source {
    /// A file, or standard input for `-`.
    File(String),
    /// A cluster, through this kubeconfig (kubectl's rules when `None`).
    Cluster(Option<String>),
}

/// The parsed command line.
struct Args {
    source: Source,
    crd: Option<String>,
    context: Option<String>,
    output: Option<String>,
    options: Options,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    if args.next().as_deref() != Some("crd") {
        return Err("the first argument is the subcommand `crd`".into());
    }
    let (mut file, mut from_cluster) = (None, None);
    let mut parsed = Args {
        source: Source::Cluster(None),
        crd: None,
        context: None,
        output: None,
        options: Options::default(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--crd" => parsed.crd = Some(value("--crd")?),
            "--context" => parsed.context = Some(value("--context")?),
            "--version" => parsed.options.versions.push(value("--version")?),
            "-o" | "--output" => parsed.output = Some(value("-o")?),
            "--facade" => parsed.options.facade = true,
            "--from-cluster" => {
                let path = args.next_if(|next| !next.starts_with("--"));
                from_cluster = Some(path);
            }
            "-h" | "--help" => return Err(String::new()),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}")),
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    parsed.source = match (file, from_cluster) {
        (Some(_), Some(_)) => return Err("give FILE or --from-cluster, not both".into()),
        (None, None) => return Err("give FILE or --from-cluster".into()),
        (None, Some(_)) if parsed.crd.is_none() => {
            return Err("--from-cluster needs --crd NAME".into());
        }
        (Some(path), None) => Source::File(path),
        (None, Some(kubeconfig)) => Source::Cluster(kubeconfig),
    };
    Ok(parsed)
}

/// The definitions in a YAML or JSON text (every document of kind
/// CustomResourceDefinition).
fn definitions_in(text: &str) -> Result<Vec<CustomResourceDefinition>, String> {
    let mut found = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).map_err(|e| e.to_string())?;
        if value.get("kind").and_then(serde_yaml::Value::as_str) != Some("CustomResourceDefinition")
        {
            continue;
        }
        found.push(serde_yaml::from_value(value).map_err(|e| e.to_string())?);
    }
    Ok(found)
}

fn from_file(path: &str, name: Option<&str>) -> Result<CustomResourceDefinition, String> {
    let mut text = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading standard input: {e}"))?;
    } else {
        text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    }
    let mut found = definitions_in(&text).map_err(|e| format!("{path}: {e}"))?;
    let names: Vec<String> = found
        .iter()
        .map(|crd| crd.metadata.name.as_deref().unwrap_or_default().to_owned())
        .collect();
    match name {
        Some(name) => match names.iter().position(|n| n == name) {
            Some(index) => Ok(found.swap_remove(index)),
            None => Err(format!(
                "{path} has no definition {name} (it has: {})",
                names.join(", ")
            )),
        },
        None if found.len() == 1 => Ok(found.swap_remove(0)),
        None if found.is_empty() => Err(format!("{path} holds no CustomResourceDefinition")),
        None => Err(format!(
            "{path} holds several definitions; pick one with --crd ({})",
            names.join(", ")
        )),
    }
}

fn from_cluster(
    kubeconfig: Option<&str>,
    context: Option<&str>,
    name: &str,
) -> Result<CustomResourceDefinition, String> {
    let rules = kubeconfig.map_or_else(LoadingRules::default, LoadingRules::explicit);
    let mut overrides = ConfigOverrides::default();
    if let Some(context) = context {
        overrides.current_context = context.into();
    }
    let config = ClientConfig::new(rules, overrides)
        .rest_config()
        .map_err(|e| format!("loading the kubeconfig: {e}"))?;
    let clientset = Clientset::new(&config).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime
        .block_on(
            clientset
                .apiextensions_v1()
                .custom_resource_definitions()
                .get(name, &GetOptions::default()),
        )
        .map_err(|e| format!("reading {name}: {e}"))
}

fn run(args: Args) -> Result<(), String> {
    let crd = match &args.source {
        Source::File(path) => from_file(path, args.crd.as_deref())?,
        Source::Cluster(kubeconfig) => from_cluster(
            kubeconfig.as_deref(),
            args.context.as_deref(),
            args.crd.as_deref().unwrap_or_default(),
        )?,
    };
    let code = generate(&crd, &args.options).map_err(|e| e.to_string())?;
    match &args.output {
        Some(path) => std::fs::write(path, code).map_err(|e| format!("writing {path}: {e}")),
        None => std::io::stdout()
            .write_all(code.as_bytes())
            .map_err(|e| format!("writing: {e}")),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("clientgo-codegen: {message}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clientgo-codegen: {message}");
            ExitCode::FAILURE
        }
    }
}
