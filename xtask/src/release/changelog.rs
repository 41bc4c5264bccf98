//! CHANGELOG.md in the Keep a Changelog layout: a release turns the `## [Unreleased]`
//! section into `## [X.Y.Z] - YYYY-MM-DD` under a fresh, empty `## [Unreleased]`, and,
//! when the file ends with compare links (`[Unreleased]: <repo>/compare/vA...HEAD`), moves
//! the Unreleased link to the new tag and adds one for the release.

use std::time::{SystemTime, UNIX_EPOCH};

use super::version::Version;

const UNRELEASED: &str = "## [Unreleased]";
const UNRELEASED_LINK: &str = "[Unreleased]: ";

/// `changelog` with its Unreleased entries released as `version` on `date`. Refuses a
/// changelog without an Unreleased section or with an empty one.
pub(crate) fn release(changelog: &str, version: Version, date: &str) -> Result<String, String> {
    let heading = changelog
        .match_indices(UNRELEASED)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || changelog[..at].ends_with('\n'))
        .ok_or("CHANGELOG.md has no \"## [Unreleased]\" section")?;
    let body_start = heading + UNRELEASED.len();
    let body_end = changelog[body_start..]
        .find("\n## ")
        .map_or(changelog.len(), |at| body_start + at + 1);
    let body = &changelog[body_start..body_end];
    let entries = body
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("### "))
        .count();
    if entries == 0 {
        return Err("CHANGELOG.md's [Unreleased] section is empty: nothing to release".into());
    }
    let mut released = format!(
        "{}{UNRELEASED}\n\n## [{version}] - {date}{body}{}",
        &changelog[..heading],
        &changelog[body_end..]
    );
    if let Some(links) = compare_links(&released, version) {
        released = links;
    }
    Ok(released)
}

/// `changelog` with its `[Unreleased]: <repo>/compare/<previous>...HEAD` link moved to
/// the tag of `version` and a link for `version` added below it; `None` without one.
fn compare_links(changelog: &str, version: Version) -> Option<String> {
    let line_start = changelog
        .match_indices(UNRELEASED_LINK)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || changelog[..at].ends_with('\n'))?;
    let line_end = changelog[line_start..]
        .find('\n')
        .map_or(changelog.len(), |at| line_start + at);
    let url = changelog[line_start + UNRELEASED_LINK.len()..line_end].trim();
    let (repo, range) = url.split_once("/compare/")?;
    let previous = range.strip_suffix("...HEAD")?;
    Some(format!(
        "{}{UNRELEASED_LINK}{repo}/compare/v{version}...HEAD\n[{version}]: {repo}/compare/{previous}...v{version}{}",
        &changelog[..line_start],
        &changelog[line_end..]
    ))
}

/// Today's date in UTC, as `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    civil_date(seconds / 86_400)
}

/// The proleptic Gregorian date `days` after 1970-01-01, as `YYYY-MM-DD`.
fn civil_date(days: u64) -> String {
    // Days since 0000-03-01, in 400-year eras of 146097 days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::{civil_date, release};

    const CHANGELOG: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- A thing.\n\n## [0.1.0] - 2026-01-02\n\n### Added\n- First.\n";

    #[test]
    fn releases_the_unreleased_section_under_a_fresh_one() {
        let version = "0.2.0".parse().expect("version");
        let released = release(CHANGELOG, version, "2026-03-04").expect("release");
        assert_eq!(
            released,
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.2.0] - 2026-03-04\n\n### Added\n- A thing.\n\n## [0.1.0] - 2026-01-02\n\n### Added\n- First.\n"
        );
    }

    #[test]
    fn moves_compare_links() {
        let changelog = format!(
            "{CHANGELOG}\n[Unreleased]: https://example.com/r/compare/v0.1.0...HEAD\n[0.1.0]: https://example.com/r/releases/tag/v0.1.0\n"
        );
        let version = "0.2.0".parse().expect("version");
        let released = release(&changelog, version, "2026-03-04").expect("release");
        assert!(released.ends_with(
            "\n[Unreleased]: https://example.com/r/compare/v0.2.0...HEAD\n[0.2.0]: https://example.com/r/compare/v0.1.0...v0.2.0\n[0.1.0]: https://example.com/r/releases/tag/v0.1.0\n"
        ));
    }

    #[test]
    fn refuses_an_empty_or_missing_unreleased_section() {
        let version = "0.2.0".parse().expect("version");
        let empty =
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n## [0.1.0] - 2026-01-02\n- First.\n";
        assert!(release(empty, version, "2026-03-04").is_err());
        assert!(release("# Changelog\n", version, "2026-03-04").is_err());
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(20_818), "2026-12-31");
    }
}
