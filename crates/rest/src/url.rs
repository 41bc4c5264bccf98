//! The server's base URL and request paths.

use url::Url;

use crate::error::{Error, Result};

/// The base URL of `host` (client-go's `DefaultServerURL`): `host`, `host:port` or a
/// URL. Without a scheme, `https://` is assumed when `tls_implied` (a CA, client
/// certificate or insecure flag is configured), else `http://`; such a host may not carry
/// a path. A URL's path is kept as a prefix; query and fragment are dropped.
pub(crate) fn base_url(host: &str, tls_implied: bool) -> Result<Url> {
    let invalid = |detail: &str| Error::Config(format!("host {host:?} {detail}"));
    if host.is_empty() {
        return Err(Error::Config(
            "host must be a URL or a host:port pair".into(),
        ));
    }
    let mut url = match Url::parse(host) {
        Ok(url) if url.has_host() && matches!(url.scheme(), "http" | "https") => url,
        _ => {
            if host.starts_with("//") {
                return Err(invalid("must be a URL or a host:port pair"));
            }
            let scheme = if tls_implied { "https" } else { "http" };
            let url = Url::parse(&format!("{scheme}://{host}"))
                .map_err(|_| invalid("must be a URL or a host:port pair"))?;
            if !matches!(url.path(), "" | "/") {
                return Err(invalid(
                    "must be a URL or a host:port pair (a path needs a scheme)",
                ));
            }
            url
        }
    };
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Checks one path segment (resource, name, namespace, subresource).
pub(crate) fn check_segment(kind: &str, value: &str) -> Result<()> {
    if value == "." || value == ".." {
        return Err(Error::Request(format!(
            "invalid {kind} {value:?}: may not be '{value}'"
        )));
    }
    for forbidden in ['/', '%'] {
        if value.contains(forbidden) {
            return Err(Error::Request(format!(
                "invalid {kind} {value:?}: may not contain '{forbidden}'"
            )));
        }
    }
    Ok(())
}

/// Formats a duration as Go's `time.Duration.String()` does (the server parses it):
/// `10s`, `1m0s`, `1h2m3s`, `1.5s`, `500ms`, `0s`.
pub(crate) fn go_duration(duration: std::time::Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    if nanos < 1_000_000_000 {
        let (unit, scale) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", trim_fraction(nanos, scale));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = (nanos / 60_000_000_000) % 60;
    let seconds = trim_fraction(nanos % 60_000_000_000, 1_000_000_000);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, m) => format!("{m}m{seconds}s"),
        (h, m) => format!("{h}h{m}m{seconds}s"),
    }
}

/// `value / scale` with the fraction's trailing zeros removed.
fn trim_fraction(value: u128, scale: u128) -> String {
    let whole = value / scale;
    let fraction = value % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = scale.to_string().len() - 1;
    let text = format!("{whole}.{fraction:0digits$}");
    text.trim_end_matches('0').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn validates_and_normalises_hosts() {
        let ok = [
            ("127.0.0.1", false, "http://127.0.0.1/"),
            ("127.0.0.1:8080", false, "http://127.0.0.1:8080/"),
            ("foo.bar.com", true, "https://foo.bar.com/"),
            (
                "http://host/server/prefix",
                true,
                "http://host/server/prefix/",
            ),
            ("https://host?x=1#y", false, "https://host/"),
            // The scheme is lower-cased, as Go's url.Parse does; so are host names
            // (Go keeps their case) and a default port is dropped: the same server.
            ("HTTPS://Host:6443", false, "https://host:6443/"),
            ("Https://h/prefix", false, "https://h/prefix/"),
            ("HTTP://h:80", true, "http://h/"),
        ];
        for (host, tls, expected) in ok {
            assert_eq!(base_url(host, tls).unwrap().as_str(), expected, "{host}");
        }
        for bad in ["", "//host", "host/server"] {
            assert!(base_url(bad, false).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn rejects_segments_that_escape_the_path() {
        assert!(check_segment("name", "web-1").is_ok());
        for bad in [".", "..", "a/b", "50%"] {
            assert!(check_segment("name", bad).is_err(), "{bad:?}");
        }
        let message = check_segment("resource", "a/b").unwrap_err().to_string();
        assert!(message.contains("may not contain '/'"), "{message}");
    }

    #[test]
    fn formats_durations_like_go() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_secs(10), "10s"),
            (Duration::from_secs(60), "1m0s"),
            (Duration::from_secs(3723), "1h2m3s"),
            (Duration::from_millis(1500), "1.5s"),
            (Duration::from_millis(500), "500ms"),
            (Duration::from_micros(1), "1µs"),
        ];
        for (duration, expected) in cases {
            assert_eq!(go_duration(duration), expected);
        }
    }
}
