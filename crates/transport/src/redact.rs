//! Hiding the secret parts of values that are otherwise fine to print.
//!
//! Rules: a URL's password becomes `xxxxx` (what Go's `url.URL.Redacted` prints); the
//! user name stays, as in client-go's messages. Text that does not parse as a URL is
//! returned unchanged unless it holds a `user:password@` part, which is cut out.

/// `url` with its password replaced by `xxxxx`: `https://admin:xxxxx@host/`.
///
/// ```
/// use clientgo_transport::redact_url;
///
/// assert_eq!(redact_url("https://admin:hunter2@10.0.0.1:6443"), "https://admin:xxxxx@10.0.0.1:6443");
/// assert_eq!(redact_url("https://10.0.0.1:6443"), "https://10.0.0.1:6443");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return redact_authority(url, 0);
    };
    redact_authority(url, scheme_end + 3)
}

/// Replaces the password of the authority starting at `start` (`user:password@host`).
fn redact_authority(url: &str, start: usize) -> String {
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return url.to_string();
    };
    format!(
        "{}{}:xxxxx{}",
        &url[..start],
        &userinfo[..colon],
        &url[start + at..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_replaced_and_the_rest_kept() {
        let cases = [
            ("https://u:p@h:1/x?y#z", "https://u:xxxxx@h:1/x?y#z"),
            ("http://u@h/", "http://u@h/"),
            ("socks5://u:p%40ss@h:1080", "socks5://u:xxxxx@h:1080"),
            ("u:p@h:8080", "u:xxxxx@h:8080"),
            ("https://h/a@b", "https://h/a@b"),
            ("https://u:p:q@h", "https://u:xxxxx@h"),
            ("", ""),
            ("not a url", "not a url"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_url(input), expected, "{input}");
        }
    }
}
