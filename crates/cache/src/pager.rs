//! [`ListPager`]: lists in pages (`limit`/`continue`) and merges them (client-go's
//! `tools/pager`).

use clientgo_apimachinery::ObjectList;
use clientgo_apimachinery::errors::ApiStatus;
use clientgo_apimachinery::meta::ListOptions;

use crate::listwatch::ListerWatcher;

/// The default page size.
pub const DEFAULT_PAGE_SIZE: i64 = 500;

/// Lists in pages of `page_size`, following `continue` tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPager {
    /// Items per page when the options do not set a limit (default 500).
    pub page_size: i64,
    /// When a continuation page fails with `410 Expired`, list everything in one
    /// unpaginated request instead (default true).
    pub full_list_if_expired: bool,
}

impl Default for ListPager {
    fn default() -> Self {
        Self {
            page_size: DEFAULT_PAGE_SIZE,
            full_list_if_expired: true,
        }
    }
}

impl ListPager {
    /// A pager with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// A pager with `page_size` items per page.
    pub fn with_page_size(page_size: i64) -> Self {
        Self {
            page_size,
            ..Self::default()
        }
    }

    /// Lists everything `options` selects. Returns the (merged) list, whose resource
    /// version is the first page's, and whether it took more than one page.
    pub async fn list<K>(
        &self,
        lw: &(dyn ListerWatcher<K> + '_),
        options: ListOptions,
    ) -> clientgo_rest::Result<(ObjectList<K>, bool)> {
        let original = options.clone();
        let mut options = options;
        if options.limit.unwrap_or(0) == 0 {
            options.limit = Some(self.page_size).filter(|l| *l > 0);
        }
        let mut merged: Option<ObjectList<K>> = None;
        loop {
            let page = match lw.list(options.clone()).await {
                Ok(page) => page,
                Err(e)
                    if merged.is_some()
                        && self.full_list_if_expired
                        && (e.is_resource_expired() || e.is_gone()) =>
                {
                    tracing::debug!(error = %e, "continue token expired; listing everything at once");
                    let mut full = original;
                    full.limit = None;
                    full.continue_ = None;
                    return Ok((lw.list(full).await?, false));
                }
                Err(e) => return Err(e),
            };
            let next = page.continue_token().map(str::to_owned);
            match (&mut merged, next) {
                (None, None) => return Ok((page, false)),
                (None, Some(token)) => {
                    merged = Some(page);
                    options.continue_ = Some(token);
                }
                (Some(m), next) => {
                    m.items.extend(page.items);
                    match next {
                        Some(token) => options.continue_ = Some(token),
                        None => {
                            let mut list = merged.unwrap_or_default();
                            list.metadata.continue_ = None;
                            list.metadata.remaining_item_count = None;
                            return Ok((list, true));
                        }
                    }
                }
            }
            // Pages after the first are served from the continue token's snapshot.
            options.resource_version = None;
            options.resource_version_match = None;
        }
    }

    /// Calls `f` for each item of the list, page by page, stopping at the first error:
    /// errors of the list come back as [`EachItemError::List`], errors of `f` as
    /// [`EachItemError::Item`].
    pub async fn each_list_item<K, E>(
        &self,
        lw: &(dyn ListerWatcher<K> + '_),
        options: ListOptions,
        mut f: impl FnMut(K) -> Result<(), E>,
    ) -> Result<(), EachItemError<E>> {
        let mut options = options;
        if options.limit.unwrap_or(0) == 0 {
            options.limit = Some(self.page_size).filter(|l| *l > 0);
        }
        loop {
            let page = lw
                .list(options.clone())
                .await
                .map_err(EachItemError::List)?;
            let next = page.continue_token().map(str::to_owned);
            for item in page.items {
                f(item).map_err(EachItemError::Item)?;
            }
            match next {
                Some(token) => options.continue_ = Some(token),
                None => return Ok(()),
            }
            options.resource_version = None;
            options.resource_version_match = None;
        }
    }
}

/// The failure of [`ListPager::each_list_item`].
#[derive(Debug)]
pub enum EachItemError<E> {
    /// Listing failed.
    List(clientgo_rest::Error),
    /// The item function failed.
    Item(E),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{ScriptedListWatch, cm, expired, list_of};

    #[tokio::test]
    async fn single_page_is_returned_as_is() {
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("7", None, vec![cm("a", "1")])));
        let (list, paginated) = ListPager::new()
            .list(&lw, ListOptions::default())
            .await
            .unwrap();
        assert!(!paginated);
        assert_eq!(list.items.len(), 1);
        assert_eq!(lw.list_calls()[0].limit, Some(500));
    }

    #[tokio::test]
    async fn pages_are_merged_with_the_first_rv() {
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("7", Some("c1"), vec![cm("a", "1")])));
        lw.push_list(Ok(list_of("8", Some("c2"), vec![cm("b", "2")])));
        lw.push_list(Ok(list_of("9", None, vec![cm("c", "3")])));
        let options = ListOptions::default().with_resource_version("0");
        let (list, paginated) = ListPager::with_page_size(1)
            .list(&lw, options)
            .await
            .unwrap();
        assert!(paginated);
        assert_eq!(list.resource_version(), Some("7"));
        assert_eq!(list.items.len(), 3);
        assert!(list.continue_token().is_none());
        let calls = lw.list_calls();
        assert_eq!(calls[0].resource_version.as_deref(), Some("0"));
        assert_eq!(calls[1].resource_version, None);
        assert_eq!(calls[1].continue_.as_deref(), Some("c1"));
        assert_eq!(calls[2].continue_.as_deref(), Some("c2"));
    }

    #[tokio::test]
    async fn expired_continuation_falls_back_to_a_full_list() {
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("7", Some("c1"), vec![cm("a", "1")])));
        lw.push_list(Err(expired()));
        lw.push_list(Ok(list_of("10", None, vec![cm("a", "1"), cm("b", "2")])));
        let options = ListOptions::default().with_resource_version("5");
        let (list, paginated) = ListPager::new().list(&lw, options).await.unwrap();
        assert!(!paginated);
        assert_eq!(list.items.len(), 2);
        let calls = lw.list_calls();
        assert_eq!(calls[2].limit, None);
        assert_eq!(calls[2].resource_version.as_deref(), Some("5"));

        // Without the fallback, or on the first page, the error is returned.
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("7", Some("c1"), vec![cm("a", "1")])));
        lw.push_list(Err(expired()));
        let pager = ListPager {
            full_list_if_expired: false,
            ..ListPager::new()
        };
        assert!(
            pager
                .list(&lw, ListOptions::default())
                .await
                .unwrap_err()
                .is_resource_expired()
        );
        let lw = ScriptedListWatch::new();
        lw.push_list(Err(expired()));
        assert!(
            ListPager::new()
                .list(&lw, ListOptions::default())
                .await
                .is_err()
        );
        assert_eq!(lw.list_calls().len(), 1);
    }

    #[tokio::test]
    async fn each_list_item_stops_at_the_first_error() {
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of(
            "7",
            Some("c1"),
            vec![cm("a", "1"), cm("b", "1")],
        )));
        lw.push_list(Ok(list_of("7", None, vec![cm("c", "1")])));
        let mut seen = Vec::new();
        let result = ListPager::new()
            .each_list_item(&lw, ListOptions::default(), |item| {
                let name = item.metadata.name.clone().unwrap();
                seen.push(name.clone());
                if name == "b" { Err("stop") } else { Ok(()) }
            })
            .await;
        assert!(matches!(result, Err(EachItemError::Item("stop"))));
        assert_eq!(seen, ["a", "b"]);
        assert_eq!(lw.list_calls().len(), 1);
    }
}
