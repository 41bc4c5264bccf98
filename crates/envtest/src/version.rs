//! Kubernetes release versions and the releases this crate knows how to build.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A Kubernetes release, e.g. `1.37.2`.
///
/// Parses `X.Y.Z` with or without a leading `v`; displays without it.
///
/// ```
/// use clientgo_envtest::KubeVersion;
///
/// let version: KubeVersion = "v1.37.2".parse().unwrap();
/// assert_eq!(version.to_string(), "1.37.2");
/// assert_eq!(version.tag(), "v1.37.2");
/// assert_eq!(version.staging_tag(), "v0.37.2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    /// Major version (always 1 today).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl KubeVersion {
    /// The Git tag of the release, e.g. `v1.37.2`.
    pub fn tag(&self) -> String {
        format!("v{self}")
    }

    /// The tag of the release's staging modules (`k8s.io/api` and friends), e.g. `v0.37.2`.
    pub fn staging_tag(&self) -> String {
        format!("v0.{}.{}", self.minor, self.patch)
    }

    /// The minor release this version belongs to, e.g. `1.37`.
    pub fn minor_name(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for KubeVersion {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidVersion(text.to_string());
        let digits = text.strip_prefix('v').unwrap_or(text);
        let mut parts = digits.split('.');
        let mut next = || -> Result<u32, Error> {
            let part = parts.next().ok_or_else(invalid)?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let version = KubeVersion {
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

/// A release whose wrapper Go module (`go.mod` and `go.sum`) ships with this crate, so
/// its binaries build from the Go module proxy without resolving anything.
#[derive(Debug)]
pub(crate) struct PinnedRelease {
    /// The release, e.g. "1.37.2".
    pub version: &'static str,
    /// The wrapper module's `go.mod`.
    pub go_mod: &'static str,
    /// The wrapper module's `go.sum`.
    pub go_sum: &'static str,
}

macro_rules! pinned {
    ($version:literal, $dir:literal) => {
        PinnedRelease {
            version: $version,
            go_mod: include_str!(concat!("../wrappers/", $dir, "/go.mod")),
            go_sum: include_str!(concat!("../wrappers/", $dir, "/go.sum")),
        }
    };
}

/// One pinned release per supported minor, newest first. The first is the default.
///
/// The patch releases are the newest of each minor whose modules the Go checksum
/// database could verify when the wrappers were generated.
pub(crate) const PINNED_RELEASES: &[PinnedRelease] = &[
    pinned!("1.37.2", "v1.37"),
    pinned!("1.36.4", "v1.36"),
    pinned!("1.35.8", "v1.35"),
    pinned!("1.34.10", "v1.34"),
];

/// The release started when none is asked for: the newest GA release of the newest
/// supported minor.
pub fn default_version() -> KubeVersion {
    pinned_versions()[0]
}

/// The releases whose wrapper modules ship with this crate, newest first: one per
/// supported minor. Other patch releases can be built too, but need the Go module proxy
/// and checksum database to resolve their wrapper first.
pub fn pinned_versions() -> Vec<KubeVersion> {
    PINNED_RELEASES
        .iter()
        .map(|release| {
            release
                .version
                .parse()
                .expect("pinned release versions are valid")
        })
        .collect()
}

/// The shipped wrapper for exactly `version`, if there is one.
pub(crate) fn pinned_release(version: &KubeVersion) -> Option<&'static PinnedRelease> {
    PINNED_RELEASES
        .iter()
        .find(|release| release.version == version.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_v() {
        let expected = KubeVersion {
            major: 1,
            minor: 37,
            patch: 2,
        };
        assert_eq!("1.37.2".parse::<KubeVersion>().unwrap(), expected);
        assert_eq!("v1.37.2".parse::<KubeVersion>().unwrap(), expected);
    }

    #[test]
    fn rejects_malformed_versions() {
        for bad in [
            "",
            "1.37",
            "1.37.2.1",
            "1.x.2",
            "v",
            "1..2",
            "1.37.-2",
            "1.37.2-rc.0",
        ] {
            assert!(bad.parse::<KubeVersion>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn orders_numerically() {
        let a: KubeVersion = "1.9.0".parse().unwrap();
        let b: KubeVersion = "1.10.0".parse().unwrap();
        assert!(a < b);
    }

    #[test]
    fn every_pinned_wrapper_requires_its_own_release() {
        for release in PINNED_RELEASES {
            let version: KubeVersion = release.version.parse().unwrap();
            let require = format!("require k8s.io/kubernetes {}", version.tag());
            assert!(
                release.go_mod.contains(&require),
                "wrapper for {} does not contain {require:?}",
                release.version
            );
            let staging = format!("k8s.io/api => k8s.io/api {}", version.staging_tag());
            assert!(
                release.go_mod.contains(&staging),
                "wrapper for {} lacks {staging:?}",
                release.version
            );
            assert!(
                release.go_sum.contains("k8s.io/kubernetes "),
                "go.sum of {} is empty",
                release.version
            );
        }
    }

    #[test]
    fn pinned_releases_are_newest_first_one_per_minor() {
        let versions = pinned_versions();
        for pair in versions.windows(2) {
            assert!(
                pair[0].minor > pair[1].minor,
                "{} before {}",
                pair[0],
                pair[1]
            );
        }
        assert_eq!(default_version(), versions[0]);
    }
}
