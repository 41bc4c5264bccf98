//! Category expansion (`kubectl get all`): a category name to the group resources in
//! it.

use std::collections::HashMap;
use std::sync::Arc;

use clientgo_apimachinery::schema::{GroupResource, GroupVersion};
use futures_util::future::BoxFuture;

use crate::interface::DiscoveryInterface;

/// Expands a category (e.g. `all`) to the group resources in it; `None` when the
/// category is unknown.
pub trait CategoryExpander: Send + Sync {
    /// The group resources of `category`, or `None` if it is unknown.
    fn expand<'a>(&'a self, category: &'a str) -> BoxFuture<'a, Option<Vec<GroupResource>>>;
}

/// A fixed map of categories.
#[derive(Clone, Debug, Default)]
pub struct SimpleCategoryExpander {
    /// Category → its group resources.
    pub expansions: HashMap<String, Vec<GroupResource>>,
}

impl CategoryExpander for SimpleCategoryExpander {
    fn expand<'a>(&'a self, category: &'a str) -> BoxFuture<'a, Option<Vec<GroupResource>>> {
        Box::pin(async move { self.expansions.get(category).cloned() })
    }
}

/// Categories as discovery lists them: every resource whose `categories` contain the
/// category, in discovery order, once per group resource.
#[derive(Clone, Debug)]
pub struct DiscoveryCategoryExpander<D> {
    discovery: D,
}

impl<D: DiscoveryInterface> DiscoveryCategoryExpander<D> {
    /// An expander reading `discovery` (partial failures are ignored).
    pub fn new(discovery: D) -> Self {
        Self { discovery }
    }
}

impl<D: DiscoveryInterface> CategoryExpander for DiscoveryCategoryExpander<D> {
    fn expand<'a>(&'a self, category: &'a str) -> BoxFuture<'a, Option<Vec<GroupResource>>> {
        Box::pin(async move {
            let discovery = self.discovery.server_groups_and_resources().await.ok()?;
            let mut found: Option<Vec<GroupResource>> = None;
            for list in &discovery.resources {
                let Ok(gv) = GroupVersion::parse(&list.group_version) else {
                    continue;
                };
                for resource in &list.resources {
                    if resource.categories.iter().any(|c| c == category) {
                        let group_resource =
                            GroupResource::new(gv.group.clone(), resource.name.clone());
                        let entries = found.get_or_insert_with(Vec::new);
                        if !entries.contains(&group_resource) {
                            entries.push(group_resource);
                        }
                    }
                }
            }
            found
        })
    }
}

/// The union of several expanders, deduplicated; found if any of them found it.
#[derive(Clone, Default)]
pub struct UnionCategoryExpander(pub Vec<Arc<dyn CategoryExpander>>);

impl std::fmt::Debug for UnionCategoryExpander {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("UnionCategoryExpander")
            .field(&self.0.len())
            .finish()
    }
}

impl CategoryExpander for UnionCategoryExpander {
    fn expand<'a>(&'a self, category: &'a str) -> BoxFuture<'a, Option<Vec<GroupResource>>> {
        Box::pin(async move {
            let mut found: Option<Vec<GroupResource>> = None;
            for expander in &self.0 {
                if let Some(resources) = expander.expand(category).await {
                    let entries = found.get_or_insert_with(Vec::new);
                    for resource in resources {
                        if !entries.contains(&resource) {
                            entries.push(resource);
                        }
                    }
                }
            }
            found
        })
    }
}
