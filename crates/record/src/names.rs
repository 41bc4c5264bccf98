//! Event names: `<object name>.<unix nanoseconds in lowercase hex>`, as client-go makes
//! them, or a random UUID when that is not a valid name.

use std::time::{SystemTime, UNIX_EPOCH};

use clientgo_apimachinery::Str;
use clientgo_apimachinery::validation::is_dns1123_subdomain;

/// The name of an event about object `object_name` created at `now`.
pub(crate) fn event_name(object_name: &str, now: SystemTime) -> Str {
    let nanos = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let name = format!("{object_name}.{nanos:x}");
    if is_dns1123_subdomain(&name).is_empty() {
        name.into()
    } else {
        random_uuid().into()
    }
}

/// A random (version 4) UUID.
fn random_uuid() -> String {
    let high = fastrand::u64(..);
    let low = fastrand::u64(..);
    let time_hi = ((high & 0x0fff) | 0x4000) as u16;
    let clock = (((low >> 48) & 0x3fff) | 0x8000) as u16;
    format!(
        "{:08x}-{:04x}-{time_hi:04x}-{clock:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        low & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn names_are_object_name_dot_hex_nanos() {
        let at = UNIX_EPOCH + Duration::from_nanos(0x1234_abcd);
        assert_eq!(event_name("web", at), "web.1234abcd");
    }

    #[test]
    fn invalid_names_become_uuids() {
        let name = event_name("Not_Valid", SystemTime::now());
        assert_eq!(name.len(), 36);
        assert_eq!(name.as_bytes()[14], b'4');
        assert!(is_dns1123_subdomain(&name).is_empty());
    }
}
