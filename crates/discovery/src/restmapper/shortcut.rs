//! [`ShortcutExpander`]: short names (`po`, `deploy`) expanded to full resources before
//! a REST mapper looks them up.

use std::sync::Arc;

use clientgo_apimachinery::schema::{
    GroupKind, GroupResource, GroupVersion, GroupVersionKind, GroupVersionResource,
};
use futures_util::future::BoxFuture;

use super::{RestMapper, RestMapping};
use crate::error::Result;
use crate::interface::DiscoveryInterface;

/// Receives warnings about ambiguous short names.
pub type WarningHandler = Arc<dyn Fn(&str) + Send + Sync>;

/// A REST mapper that first expands short names from discovery (client-go's
/// `shortcutExpander`):
///
/// 1. a name that is some resource's plural or singular name (in the requested group,
///    if any) is left as is;
/// 2. else the first resource (in discovery order, in the requested group if any) with
///    that short name replaces it, group and plural name, version cleared; every other
///    resource with the same short name is reported to the warning handler;
/// 3. else, with a group given, a short name of a group starting with it is accepted.
pub struct ShortcutExpander<M, D> {
    delegate: M,
    discovery: D,
    warnings: Option<WarningHandler>,
}

impl<M, D> std::fmt::Debug for ShortcutExpander<M, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShortcutExpander").finish_non_exhaustive()
    }
}

struct Shortcut {
    short: GroupResource,
    long: GroupResource,
}

impl<M: RestMapper, D: DiscoveryInterface> ShortcutExpander<M, D> {
    /// Expands with `discovery`'s short names, then asks `delegate`; ambiguous short
    /// names are reported to `warnings`.
    pub fn new(delegate: M, discovery: D, warnings: Option<WarningHandler>) -> Self {
        Self {
            delegate,
            discovery,
            warnings,
        }
    }

    /// The mapper lookups go to after expansion.
    pub fn delegate(&self) -> &M {
        &self.delegate
    }

    /// `resource` with its short name expanded (unchanged when discovery fails or
    /// nothing matches).
    pub async fn expand_resource_shortcut(
        &self,
        resource: &GroupVersionResource,
    ) -> GroupVersionResource {
        let Ok(discovery) = self.discovery.server_groups_and_resources().await else {
            return resource.clone();
        };
        let mut shortcuts = Vec::new();
        for list in &discovery.resources {
            let Ok(gv) = GroupVersion::parse(&list.group_version) else {
                continue;
            };
            let group_matches = resource.group.is_empty() || resource.group == gv.group;
            for api_resource in &list.resources {
                if group_matches
                    && (resource.resource == api_resource.name
                        || resource.resource == api_resource.singular_name)
                {
                    return resource.clone();
                }
                for short in &api_resource.short_names {
                    shortcuts.push(Shortcut {
                        short: GroupResource::new(gv.group.clone(), short.clone()),
                        long: GroupResource::new(gv.group.clone(), api_resource.name.clone()),
                    });
                }
            }
        }
        let mut found: Option<GroupVersionResource> = None;
        let mut warned: Vec<&GroupResource> = Vec::new();
        for shortcut in &shortcuts {
            if (!resource.group.is_empty() && resource.group != shortcut.short.group)
                || resource.resource != shortcut.short.resource
            {
                continue;
            }
            match &found {
                None => {
                    found = Some(GroupVersionResource::new(
                        shortcut.long.group.clone(),
                        "",
                        shortcut.long.resource.clone(),
                    ));
                }
                Some(chosen)
                    if chosen.group == shortcut.long.group
                        && chosen.resource == shortcut.long.resource => {}
                Some(_) => {
                    if !warned.contains(&&shortcut.long) {
                        if let Some(warn) = &self.warnings {
                            warn(&format!(
                                "short name {:?} could also match lower priority resource {}",
                                resource.resource, shortcut.long
                            ));
                        }
                        warned.push(&shortcut.long);
                    }
                }
            }
        }
        if let Some(found) = found {
            return found;
        }
        if resource.group.is_empty() {
            return resource.clone();
        }
        // `autoscal` matches the group `autoscaling`.
        shortcuts
            .iter()
            .find(|s| {
                s.short.group.starts_with(&resource.group) && s.short.resource == resource.resource
            })
            .map(|s| GroupVersionResource {
                group: s.long.group.clone(),
                version: resource.version.clone(),
                resource: s.long.resource.clone(),
            })
            .unwrap_or_else(|| resource.clone())
    }
}

impl<M: RestMapper, D: DiscoveryInterface> RestMapper for ShortcutExpander<M, D> {
    fn kind_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionKind>> {
        Box::pin(async move {
            let expanded = self.expand_resource_shortcut(resource).await;
            match self.delegate.kind_for(&expanded).await {
                // The delegate may have refreshed discovery (new CRDs): expand again.
                Err(error) if error.is_no_match() => {
                    let expanded = self.expand_resource_shortcut(resource).await;
                    self.delegate.kind_for(&expanded).await
                }
                other => other,
            }
        })
    }

    fn kinds_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionKind>>> {
        Box::pin(async move {
            let expanded = self.expand_resource_shortcut(resource).await;
            self.delegate.kinds_for(&expanded).await
        })
    }

    fn resource_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionResource>> {
        Box::pin(async move {
            let expanded = self.expand_resource_shortcut(resource).await;
            self.delegate.resource_for(&expanded).await
        })
    }

    fn resources_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionResource>>> {
        Box::pin(async move {
            let expanded = self.expand_resource_shortcut(resource).await;
            self.delegate.resources_for(&expanded).await
        })
    }

    fn rest_mapping<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<RestMapping>> {
        self.delegate.rest_mapping(group_kind, versions)
    }

    fn rest_mappings<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RestMapping>>> {
        self.delegate.rest_mappings(group_kind, versions)
    }

    fn resource_singularizer<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            let expanded = self
                .expand_resource_shortcut(&GroupVersionResource::new("", "", resource))
                .await;
            self.delegate
                .resource_singularizer(&expanded.resource)
                .await
        })
    }

    fn reset(&self) {
        self.delegate.reset();
    }
}
