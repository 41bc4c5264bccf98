//! Command-line flags of a component, where a later setting of a flag replaces an
//! earlier one (so users can override any default).

/// An ordered set of `--name=value` flags.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flags(Vec<(String, String)>);

impl Flags {
    /// Sets `--name=value`, replacing an earlier value of the same flag.
    pub(crate) fn set(&mut self, name: &str, value: impl Into<String>) {
        let name = name.trim_start_matches('-').to_string();
        let value = value.into();
        match self.0.iter_mut().find(|(existing, _)| *existing == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// Applies every flag of `overrides` on top of these.
    pub(crate) fn merge(&mut self, overrides: &Flags) {
        for (name, value) in &overrides.0 {
            self.set(name, value.clone());
        }
    }

    /// The flags as arguments.
    pub(crate) fn to_args(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(name, value)| format!("--{name}={value}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Flags;

    #[test]
    fn later_values_replace_earlier_ones_in_place() {
        let mut flags = Flags::default();
        flags.set("authorization-mode", "RBAC");
        flags.set("--secure-port", "6443");
        let mut overrides = Flags::default();
        overrides.set("--authorization-mode", "AlwaysAllow");
        overrides.set("v", "4");
        flags.merge(&overrides);
        assert_eq!(
            flags.to_args(),
            [
                "--authorization-mode=AlwaysAllow",
                "--secure-port=6443",
                "--v=4"
            ]
        );
    }
}
