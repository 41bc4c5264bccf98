//! Bearer tokens read from a file that something else rotates (e.g. a projected
//! service-account token): re-read once a token is a minute old, and the last good
//! token kept when a read fails.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long a token read from the file is used before the file is read again.
const TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// A token is refreshed this long before its lifetime ends.
const LEEWAY: Duration = Duration::from_secs(10);

/// A cached token file.
#[derive(Debug)]
pub(crate) struct TokenFile {
    path: PathBuf,
    cached: Mutex<Option<(Secret, Instant)>>,
}

impl TokenFile {
    /// Reads the file once, so a missing or empty file fails at construction.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let token = read_token(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            cached: Mutex::new(Some((token, Instant::now()))),
        })
    }

    /// The current token, re-reading the file when the cached one is old.
    pub(crate) fn token(&self) -> Result<Secret> {
        let mut cached = self.cached.lock();
        if let Some((token, read_at)) = cached.as_ref()
            && read_at.elapsed() + LEEWAY < TOKEN_LIFETIME
        {
            return Ok(token.clone());
        }
        match read_token(&self.path) {
            Ok(token) => {
                *cached = Some((token.clone(), Instant::now()));
                Ok(token)
            }
            Err(error) => match cached.as_ref() {
                Some((token, _)) => {
                    tracing::warn!(%error, "keeping the previous bearer token");
                    Ok(token.clone())
                }
                None => Err(error),
            },
        }
    }

    #[cfg(test)]
    fn expire(&self) {
        if let Some((_, read_at)) = self.cached.lock().as_mut() {
            *read_at -= TOKEN_LIFETIME;
        }
    }
}

fn read_token(path: &Path) -> Result<Secret> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::Token(format!(
            "failed to read token file {:?}: {e}",
            path.display().to_string()
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Error::Token(format!(
            "read empty token from file {:?}",
            path.display().to_string()
        )));
    }
    Ok(Secret::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rereads_old_tokens_and_keeps_the_last_good_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "first\n").unwrap();
        let source = TokenFile::open(&path).unwrap();
        assert_eq!(source.token().unwrap().expose(), "first");

        std::fs::write(&path, "second").unwrap();
        assert_eq!(
            source.token().unwrap().expose(),
            "first",
            "re-read too early"
        );
        source.expire();
        assert_eq!(source.token().unwrap().expose(), "second");

        std::fs::remove_file(&path).unwrap();
        source.expire();
        assert_eq!(
            source.token().unwrap().expose(),
            "second",
            "lost the last good token"
        );
    }

    #[test]
    fn a_missing_or_empty_file_fails_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        let missing = TokenFile::open(&path).unwrap_err().to_string();
        assert!(missing.contains("failed to read token file"), "{missing}");
        std::fs::write(&path, "  \n").unwrap();
        let empty = TokenFile::open(&path).unwrap_err().to_string();
        assert!(empty.contains("read empty token from file"), "{empty}");
    }
}
