//! Release versions (`MAJOR.MINOR.PATCH`, no pre-release or build parts) and the kind of
//! bump between two of them under Cargo's rules: the left-most non-zero component is the
//! one that breaks compatibility, so while the major version is 0 a minor bump may break
//! and a patch bump may add; from 1.0 on, major breaks, minor adds, patch fixes.

use std::fmt;
use std::str::FromStr;

/// A release version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    major: u64,
    minor: u64,
    patch: u64,
}

impl FromStr for Version {
    type Err = String;

    /// Reads `X.Y.Z`, or the tag form `vX.Y.Z`.
    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || format!("{text:?} is not a version of the form X.Y.Z");
        let digits = text.strip_prefix('v').unwrap_or(text);
        let mut parts = digits.split('.').map(|part| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(invalid());
            }
            part.parse::<u64>().map_err(|_| invalid())
        });
        let mut next = || parts.next().unwrap_or_else(|| Err(invalid()));
        let version = Version {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        if parts.next().is_some() {
            return Err(invalid());
        }
        Ok(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// What a release may change in the public API, by Cargo's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bump {
    /// Anything, including breaking changes.
    Breaking,
    /// Additions that keep every existing use compiling.
    Additive,
    /// Nothing in the API: fixes only.
    Fix,
}

impl Bump {
    /// The bump from `previous` to `next`. `next` must be greater, and the components
    /// right of the one that changed must be 0 (`0.2.0` follows `0.1.3`, `0.2.1` does not).
    pub(crate) fn between(previous: Version, next: Version) -> Result<Bump, String> {
        // The versions that may follow `previous`, by the index of the component bumped.
        let following = [
            Version {
                major: previous.major + 1,
                minor: 0,
                patch: 0,
            },
            Version {
                minor: previous.minor + 1,
                patch: 0,
                ..previous
            },
            Version {
                patch: previous.patch + 1,
                ..previous
            },
        ];
        let Some(changed) = following.iter().position(|candidate| *candidate == next) else {
            let [major, minor, patch] = following;
            return Err(format!(
                "{next} does not follow {previous}: the next version is {major}, {minor} or {patch}"
            ));
        };
        // Cargo's compatibility boundary: the left-most non-zero component of `previous`.
        let boundary = [previous.major, previous.minor]
            .iter()
            .position(|component| *component != 0)
            .unwrap_or(2);
        Ok(if changed <= boundary {
            Bump::Breaking
        } else if changed == boundary + 1 {
            Bump::Additive
        } else {
            Bump::Fix
        })
    }

    /// The `--release-type` of `cargo semver-checks` that allows exactly this bump.
    pub(crate) fn release_type(self) -> &'static str {
        match self {
            Bump::Breaking => "major",
            Bump::Additive => "minor",
            Bump::Fix => "patch",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Bump, Version};

    fn v(text: &str) -> Version {
        text.parse().expect("valid version")
    }

    #[test]
    fn parses_plain_and_tag_forms() {
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(v("0.10.0").to_string(), "0.10.0");
        for bad in ["1.2", "1.2.3.4", "1.2.x", "01.2.3", "1.2.3-rc.1", "", "v"] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    #[test]
    fn bumps_follow_cargo_rules() {
        let cases = [
            ("0.1.0", "0.2.0", Bump::Breaking),
            ("0.1.0", "0.1.1", Bump::Additive),
            ("0.1.3", "1.0.0", Bump::Breaking),
            ("0.0.1", "0.0.2", Bump::Breaking),
            ("0.0.1", "0.1.0", Bump::Breaking),
            ("1.2.3", "2.0.0", Bump::Breaking),
            ("1.2.3", "1.3.0", Bump::Additive),
            ("1.2.3", "1.2.4", Bump::Fix),
        ];
        for (previous, next, bump) in cases {
            assert_eq!(
                Bump::between(v(previous), v(next)),
                Ok(bump),
                "{previous} -> {next}"
            );
        }
    }

    #[test]
    fn refuses_versions_that_do_not_follow() {
        for (previous, next) in [
            ("0.1.0", "0.1.0"),
            ("0.2.0", "0.1.0"),
            ("0.1.0", "0.3.0"),
            ("0.1.0", "0.2.1"),
            ("1.2.3", "2.1.0"),
        ] {
            assert!(
                Bump::between(v(previous), v(next)).is_err(),
                "{previous} -> {next}"
            );
        }
    }
}
