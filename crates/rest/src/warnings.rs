//! `Warning` response headers (deprecated APIs, validation warnings) and where they go.

use std::collections::HashSet;

use parking_lot::Mutex;

/// Receives the warnings of responses.
pub trait WarningHandler: Send + Sync {
    /// One warning: its code (299 for Kubernetes), agent and text.
    fn handle_warning(&self, code: u16, agent: &str, text: &str);
}

/// The default handler: logs each distinct warning text once (code 299 only).
#[derive(Debug, Default)]
pub struct LogWarningsOnce {
    seen: Mutex<HashSet<String>>,
}

impl WarningHandler for LogWarningsOnce {
    fn handle_warning(&self, code: u16, _agent: &str, text: &str) {
        if code == 299 && !text.is_empty() && self.seen.lock().insert(text.to_string()) {
            tracing::warn!("Warning: {text}");
        }
    }
}

/// Drops every warning.
#[derive(Debug, Default)]
pub struct NoWarnings;

impl WarningHandler for NoWarnings {
    fn handle_warning(&self, _code: u16, _agent: &str, _text: &str) {}
}

/// Collects warnings, for callers (and tests) that want to inspect them.
#[derive(Debug, Default)]
pub struct CollectWarnings {
    warnings: Mutex<Vec<String>>,
}

impl CollectWarnings {
    /// The texts received so far.
    pub fn texts(&self) -> Vec<String> {
        self.warnings.lock().clone()
    }
}

impl WarningHandler for CollectWarnings {
    fn handle_warning(&self, _code: u16, _agent: &str, text: &str) {
        self.warnings.lock().push(text.to_string());
    }
}

/// One parsed `Warning` header: `code agent "text" ["date"]` (RFC 7234).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The three-digit code.
    pub code: u16,
    /// The agent (`-` when unknown).
    pub agent: String,
    /// The text, unquoted.
    pub text: String,
}

/// Parses one `Warning` header value, which may hold several comma-separated warnings.
/// Malformed entries are skipped.
pub fn parse_warning_header(value: &str) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        match parse_one(rest) {
            Some((warning, remaining)) => {
                warnings.push(warning);
                rest = remaining.trim_start().trim_start_matches(',').trim_start();
            }
            None => {
                tracing::debug!(header = value, "skipping a malformed Warning header");
                break;
            }
        }
    }
    warnings
}

fn parse_one(input: &str) -> Option<(Warning, &str)> {
    let (code, rest) = input.split_once(' ')?;
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (agent, rest) = rest.trim_start().split_once(' ')?;
    let (text, mut rest) = quoted(rest.trim_start())?;
    // An optional quoted date follows.
    if let Some(after) = rest.trim_start().strip_prefix('"')
        && let Some(end) = after.find('"')
    {
        rest = &after[end + 1..];
    }
    let warning = Warning {
        code: code.parse().ok()?,
        agent: agent.to_string(),
        text,
    };
    Some((warning, rest))
}

/// A quoted string with backslash escapes, and what follows it.
fn quoted(input: &str) -> Option<(String, &str)> {
    let body = input.strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = body.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' => text.push(chars.next()?.1),
            '"' => return Some((text, &body[index + 1..])),
            _ => text.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubernetes_warnings() {
        let parsed =
            parse_warning_header(r#"299 - "policy/v1beta1 PodSecurityPolicy is deprecated""#);
        assert_eq!(
            parsed,
            vec![Warning {
                code: 299,
                agent: "-".into(),
                text: "policy/v1beta1 PodSecurityPolicy is deprecated".into()
            }]
        );
    }

    #[test]
    fn parses_several_escaped_and_dated_warnings() {
        let header =
            r#"299 - "a \"quoted\" word", 299 agent "second" "Sat, 01 Jan 2000 00:00:00 GMT""#;
        let texts: Vec<String> = parse_warning_header(header)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(texts, ["a \"quoted\" word", "second"]);
    }

    #[test]
    fn skips_malformed_warnings() {
        for bad in ["", "29 - \"x\"", "299 - unquoted", "299 - \"unterminated"] {
            assert!(parse_warning_header(bad).is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn the_default_handler_logs_each_text_once() {
        let handler = LogWarningsOnce::default();
        handler.handle_warning(299, "-", "x");
        handler.handle_warning(299, "-", "x");
        handler.handle_warning(199, "-", "y");
        assert_eq!(handler.seen.lock().len(), 1);
    }
}
