//! Command-line overrides (client-go's `ConfigOverrides`): what `--context`,
//! `--namespace`, `--server`, `--token`, `--request-timeout` ... change on top of the
//! kubeconfig.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::model::{AuthInfo, Cluster, Context};

/// Values that take precedence over the kubeconfig (usually from command-line flags).
/// Empty fields override nothing.
///
/// ```
/// use clientgo_clientcmd::ConfigOverrides;
///
/// let mut overrides = ConfigOverrides::default();
/// overrides.current_context = "staging".into();
/// overrides.set_namespace("ns/web"); // kubectl accepts `-n ns/web`
/// assert_eq!(overrides.context.namespace, "web");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigOverrides {
    /// User fields (`--token`, `--client-certificate`, `--as`, `--username`, ...).
    pub auth_info: AuthInfo,
    /// Cluster values used where neither the kubeconfig nor `cluster_info` sets one
    /// (kubectl: [`cluster_defaults`]).
    pub cluster_defaults: Cluster,
    /// Cluster fields (`--server`, `--certificate-authority`,
    /// `--insecure-skip-tls-verify`, `--tls-server-name`, `--proxy-url`, ...).
    pub cluster_info: Cluster,
    /// Context fields: `--cluster`, `--user`, `--namespace`.
    pub context: Context,
    /// `--context`: the context to use instead of `current-context`; it must exist.
    pub current_context: String,
    /// `--request-timeout`: seconds (`"30"`) or a duration (`"1m30s"`); `"0"` means none.
    pub timeout: String,
}

impl ConfigOverrides {
    /// Sets the namespace override the way kubectl's `--namespace` does, dropping a
    /// leading `namespaces/`, `namespace/` or `ns/`.
    pub fn set_namespace(&mut self, value: &str) {
        self.context.namespace = strip_namespace_prefix(value).to_string();
    }

    /// The parsed request timeout (`None` when unset or zero).
    pub fn parsed_timeout(&self) -> Result<Option<Duration>> {
        if self.timeout.is_empty() {
            return Ok(None);
        }
        let timeout = parse_timeout(&self.timeout)?;
        Ok((!timeout.is_zero()).then_some(timeout))
    }
}

/// kubectl's cluster defaults: server from `KUBERNETES_MASTER`, else
/// `http://localhost:8080`. Only used when put into
/// [`ConfigOverrides::cluster_defaults`].
pub fn cluster_defaults() -> Cluster {
    let server = std::env::var("KUBERNETES_MASTER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "http://localhost:8080".into());
    Cluster {
        server,
        ..Cluster::default()
    }
}

/// Drops one leading `namespaces/`, `namespace/` or `ns/` (any case) when something
/// follows it.
///
/// ```
/// use clientgo_clientcmd::strip_namespace_prefix;
///
/// assert_eq!(strip_namespace_prefix("NS/kube-system"), "kube-system");
/// assert_eq!(strip_namespace_prefix("ns/"), "ns/");
/// assert_eq!(strip_namespace_prefix("web"), "web");
/// ```
pub fn strip_namespace_prefix(value: &str) -> &str {
    for prefix in ["namespaces/", "namespace/", "ns/"] {
        if value.len() > prefix.len()
            && let Some(head) = value.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            return &value[prefix.len()..];
        }
    }
    value
}

/// Parses a request timeout: a non-negative integer is seconds; otherwise a duration
/// like `500ms`, `2m` or `1h30m` (units `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`).
///
/// ```
/// use std::time::Duration;
/// use clientgo_clientcmd::parse_timeout;
///
/// assert_eq!(parse_timeout("30").unwrap(), Duration::from_secs(30));
/// assert_eq!(parse_timeout("1m30s").unwrap(), Duration::from_secs(90));
/// assert!(parse_timeout("soon").is_err());
/// ```
pub fn parse_timeout(value: &str) -> Result<Duration> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value
            .parse::<u64>()
            .ok()
            .filter(|&seconds| seconds <= i64::MAX as u64 / 1_000_000_000)
            .map(Duration::from_secs)
            .ok_or(Error::InvalidTimeout);
    }
    parse_duration(value).ok_or(Error::InvalidTimeout)
}

/// A Go-style duration; negative and out-of-range (beyond ~292 years) values are
/// refused.
fn parse_duration(text: &str) -> Option<Duration> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        rest = after;
        let mut fraction = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            fraction = &after_dot[..len];
            rest = &after_dot[len..];
        }
        if int_part.is_empty() && fraction.is_empty() {
            return None;
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (unit, after) = rest.split_at(unit_len);
        rest = after;
        let nanos_per_unit: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        total = total.checked_add(whole.checked_mul(nanos_per_unit)?)?;
        let mut scale = nanos_per_unit;
        for digit in fraction.bytes().take(20) {
            scale /= 10;
            total += u128::from(digit - b'0') * scale;
        }
        if total > i64::MAX as u128 {
            return None;
        }
    }
    if negative && total > 0 {
        return None;
    }
    Some(Duration::from_nanos(u64::try_from(total).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_prefixes_are_stripped_case_insensitively_when_a_value_follows() {
        for (input, expected) in [
            ("ns/foo", "foo"),
            ("namespace/foo", "foo"),
            ("namespaces/foo", "foo"),
            ("NameSpaces/foo", "foo"),
            ("NS/foo", "foo"),
            ("ns/", "ns/"),
            ("namespaces/", "namespaces/"),
            ("foo", "foo"),
            ("nsfoo", "nsfoo"),
            ("ns/ns/foo", "ns/foo"),
            ("é", "é"),
            ("", ""),
        ] {
            assert_eq!(strip_namespace_prefix(input), expected, "{input}");
        }
        let mut overrides = ConfigOverrides::default();
        overrides.set_namespace("namespace/kube-system");
        assert_eq!(overrides.context.namespace, "kube-system");
    }

    #[test]
    fn a_bare_integer_timeout_is_seconds() {
        assert_eq!(parse_timeout("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_timeout("15").unwrap(), Duration::from_secs(15));
    }

    #[test]
    fn duration_timeouts_use_go_units() {
        assert_eq!(parse_timeout("1s").unwrap(), Duration::from_secs(1));
        assert_eq!(parse_timeout("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_timeout("3h").unwrap(), Duration::from_secs(10_800));
        assert_eq!(parse_timeout("1h2m3s").unwrap(), Duration::from_secs(3723));
        assert_eq!(parse_timeout("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_timeout("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_timeout("7µs").unwrap(), Duration::from_micros(7));
        assert_eq!(parse_timeout("+5ns").unwrap(), Duration::from_nanos(5));
        assert_eq!(parse_timeout("-0s").unwrap(), Duration::ZERO);
    }

    #[test]
    fn other_timeouts_are_rejected_with_the_kubectl_message() {
        for bad in [
            "",
            "-1",
            "1.5",
            "abc",
            "1x",
            "s",
            ".s",
            "1s2",
            "-5s",
            "99999999999h",
            "99999999999999999999999",
        ] {
            let error = parse_timeout(bad).unwrap_err();
            assert_eq!(
                error.to_string(),
                "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_zero_timeout_override_means_no_timeout() {
        let mut overrides = ConfigOverrides::default();
        assert_eq!(overrides.parsed_timeout().unwrap(), None);
        overrides.timeout = "0".into();
        assert_eq!(overrides.parsed_timeout().unwrap(), None);
        overrides.timeout = "10".into();
        assert_eq!(
            overrides.parsed_timeout().unwrap(),
            Some(Duration::from_secs(10))
        );
    }
}
