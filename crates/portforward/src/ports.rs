//! Port and address specifications (client-go's `parsePorts` and `parseAddresses`).
//!
//! Rules, with client-go's messages:
//! - `"5000"` forwards local 5000 to remote 5000; `"8888:5000"` local 8888 to remote
//!   5000; `":5000"` and `"0:5000"` a free local port to remote 5000. More colons:
//!   "invalid port format"; not a 16-bit number: "error parsing local/remote port";
//!   remote 0: "remote port must be > 0".
//! - `localhost` listens on `127.0.0.1` and `::1` and succeeds when at least one of
//!   them does ("all" failure mode); an explicit IP must listen ("any" failure mode).
//!   Anything else is "`<x>` is not a valid IP". Addresses are de-duplicated (an explicit
//!   entry wins over `localhost`'s) and sorted as strings.

use std::net::IpAddr;

use crate::error::{Error, Result};

/// One forwarded port: local → remote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ForwardedPort {
    /// The local port (0 until a free one has been picked).
    pub local: u16,
    /// The pod's port.
    pub remote: u16,
}

/// How the failure of one listener counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureMode {
    /// The port works if any listener of this mode works (`localhost`'s two).
    All,
    /// The port fails if any listener of this mode fails (explicit addresses).
    Any,
}

/// Where to listen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListenAddress {
    /// The address as given (or expanded from `localhost`).
    pub(crate) address: String,
    /// The IP to bind.
    pub(crate) ip: IpAddr,
    /// How its failure counts.
    pub(crate) failure_mode: FailureMode,
}

/// Parses port specifications.
pub fn parse_ports<S: AsRef<str>>(specs: &[S]) -> Result<Vec<ForwardedPort>> {
    specs.iter().map(|spec| parse_port(spec.as_ref())).collect()
}

fn parse_port(spec: &str) -> Result<ForwardedPort> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (local, remote) = match parts.as_slice() {
        [both] => (*both, *both),
        ["", remote] => ("0", *remote),
        [local, remote] => (*local, *remote),
        _ => return Err(Error::Spec(format!("invalid port format '{spec}'"))),
    };
    let local = parse_number(local)
        .map_err(|e| Error::Spec(format!("error parsing local port '{local}': {e}")))?;
    let remote = parse_number(remote)
        .map_err(|e| Error::Spec(format!("error parsing remote port '{remote}': {e}")))?;
    if remote == 0 {
        return Err(Error::Spec("remote port must be > 0".into()));
    }
    Ok(ForwardedPort { local, remote })
}

/// A port number as Go's `strconv.ParseUint(s, 10, 16)` reads it, with its messages.
fn parse_number(text: &str) -> std::result::Result<u16, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {text:?}: invalid syntax"
        ));
    }
    text.parse::<u16>()
        .map_err(|_| format!("strconv.ParseUint: parsing {text:?}: value out of range"))
}

/// Parses listen addresses.
pub(crate) fn parse_addresses<S: AsRef<str>>(addresses: &[S]) -> Result<Vec<ListenAddress>> {
    let mut parsed: Vec<ListenAddress> = Vec::new();
    let mut add = |entry: ListenAddress, replace: bool| match parsed
        .iter_mut()
        .find(|p| p.address == entry.address)
    {
        Some(existing) if replace => *existing = entry,
        Some(_) => {}
        None => parsed.push(entry),
    };
    for address in addresses {
        let address = address.as_ref();
        if address == "localhost" {
            for ip in ["127.0.0.1", "::1"] {
                let entry = ListenAddress {
                    address: ip.to_owned(),
                    ip: ip.parse().expect("a literal IP"),
                    failure_mode: FailureMode::All,
                };
                add(entry, false);
            }
            continue;
        }
        let ip: IpAddr = address
            .parse()
            .map_err(|_| Error::Spec(format!("{address} is not a valid IP")))?;
        // Go listens on IPv4-mapped IPv6 addresses as IPv4.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let entry = ListenAddress {
            address: address.to_owned(),
            ip,
            failure_mode: FailureMode::Any,
        };
        add(entry, true);
    }
    parsed.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(local: u16, remote: u16) -> ForwardedPort {
        ForwardedPort { local, remote }
    }

    /// The port rows of client-go's `TestParsePortsAndNew`, with the messages.
    #[test]
    fn port_specs() {
        let errors: &[(&str, &str)] = &[
            (
                "a",
                "error parsing local port 'a': strconv.ParseUint: parsing \"a\": invalid syntax",
            ),
            (
                ":a",
                "error parsing remote port 'a': strconv.ParseUint: parsing \"a\": invalid syntax",
            ),
            (
                "-1",
                "error parsing local port '-1': strconv.ParseUint: parsing \"-1\": invalid syntax",
            ),
            (
                "65536",
                "error parsing local port '65536': strconv.ParseUint: parsing \"65536\": value out of range",
            ),
            ("0", "remote port must be > 0"),
            ("0:0", "remote port must be > 0"),
            ("a:5000", "error parsing local port 'a'"),
            ("5000:a", "error parsing remote port 'a'"),
            ("1:2:3", "invalid port format '1:2:3'"),
        ];
        for (spec, want) in errors {
            let error = parse_ports(&[spec]).unwrap_err().to_string();
            assert!(error.contains(want), "{spec}: {error}");
        }
        assert_eq!(
            parse_ports(&[
                "5000",
                "5000:5000",
                "8888:5000",
                "5000:8888",
                ":5000",
                "0:5000"
            ])
            .unwrap(),
            vec![
                port(5000, 5000),
                port(5000, 5000),
                port(8888, 5000),
                port(5000, 8888),
                port(0, 5000),
                port(0, 5000)
            ]
        );
    }

    fn modes(addresses: &[&str]) -> Vec<(String, FailureMode)> {
        parse_addresses(addresses)
            .unwrap()
            .into_iter()
            .map(|a| (a.address, a.failure_mode))
            .collect()
    }

    /// The address rows of client-go's `TestParsePortsAndNew`.
    #[test]
    fn addresses() {
        use FailureMode::{All, Any};
        let s = |a: &str, m| (a.to_owned(), m);
        for bad in ["127.0.0.257", "::g", "domain.invalid"] {
            assert_eq!(
                parse_addresses(&[bad]).unwrap_err().to_string(),
                format!("{bad} is not a valid IP")
            );
        }
        assert_eq!(
            modes(&["localhost"]),
            vec![s("127.0.0.1", All), s("::1", All)]
        );
        assert_eq!(
            modes(&["localhost", "127.0.0.1"]),
            vec![s("127.0.0.1", Any), s("::1", All)]
        );
        assert_eq!(
            modes(&["localhost", "::1"]),
            vec![s("127.0.0.1", All), s("::1", Any)]
        );
        assert_eq!(
            modes(&["localhost", "127.0.0.1", "::1"]),
            vec![s("127.0.0.1", Any), s("::1", Any)]
        );
        assert_eq!(
            modes(&["localhost", "127.0.0.1", "10.10.10.1"]),
            vec![s("10.10.10.1", Any), s("127.0.0.1", Any), s("::1", All)]
        );
        assert_eq!(
            modes(&["127.0.0.1", "::1", "localhost"]),
            vec![s("127.0.0.1", Any), s("::1", Any)]
        );
        assert_eq!(
            modes(&["10.0.0.1", "127.0.0.1"]),
            vec![s("10.0.0.1", Any), s("127.0.0.1", Any)]
        );
        let mapped = parse_addresses(&["::ffff:127.0.0.1"]).unwrap();
        assert_eq!(mapped[0].ip, "127.0.0.1".parse::<IpAddr>().unwrap());
    }
}
