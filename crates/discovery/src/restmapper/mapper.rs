//! [`DiscoveryRestMapper`]: kinds and resources of discovery data, looked up with
//! client-go's priorities (core `v1`, then each group's preferred version, then its
//! other versions, then any version of each group).

use std::collections::{BTreeMap, HashMap};

use clientgo_apimachinery::Scope;
use clientgo_apimachinery::meta::{APIGroup, APIResource};
use clientgo_apimachinery::schema::{
    GroupKind, GroupVersion, GroupVersionKind, GroupVersionResource, unsafe_guess_kind_to_resource,
};
use futures_util::future::BoxFuture;

use super::{RestMapper, RestMapping};
use crate::error::{Error, Result};
use crate::interface::DiscoveryInterface;

/// One group and the resources of each of its versions (client-go's
/// `APIGroupResources`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct APIGroupResources {
    /// The group, its versions in server order and its preferred version.
    pub group: APIGroup,
    /// Version → its resources (subresources included, as discovered).
    pub versioned_resources: BTreeMap<String, Vec<APIResource>>,
}

/// Every group and the resources of every version that could be discovered: group
/// versions that failed are left out (client-go ignores partial discovery failures).
pub async fn get_api_group_resources(
    discovery: &(impl DiscoveryInterface + ?Sized),
) -> Result<Vec<APIGroupResources>> {
    let discovery = discovery.server_groups_and_resources().await?;
    if !discovery.failed.is_empty() {
        tracing::debug!(failed = ?discovery.failed.keys().collect::<Vec<_>>(), "ignoring group versions that could not be discovered");
    }
    Ok(discovery
        .groups
        .iter()
        .map(|group| APIGroupResources {
            group: group.clone(),
            versioned_resources: group
                .versions
                .iter()
                .filter_map(|v| {
                    let list = discovery.resources_for(&v.group_version)?;
                    Some((v.version.clone(), list.resources.clone()))
                })
                .collect(),
        })
        .collect())
}

/// A priority pattern: `None` matches anything.
#[derive(Clone, Debug)]
struct Pattern {
    group: Option<String>,
    version: Option<String>,
}

impl Pattern {
    fn matches(&self, group: &str, version: &str) -> bool {
        self.group.as_deref().is_none_or(|g| g == group)
            && self.version.as_deref().is_none_or(|v| v == version)
    }
}

/// The mappings of one group version (apimachinery's `DefaultRESTMapper` with one
/// default group version).
#[derive(Clone, Debug)]
struct VersionMapper {
    group_version: GroupVersion,
    /// plural → singular, in registration order.
    plurals: Vec<(GroupVersionResource, GroupVersionResource)>,
    resource_to_kind: HashMap<GroupVersionResource, GroupVersionKind>,
    kind_to_plural: HashMap<GroupVersionKind, GroupVersionResource>,
    kind_to_scope: HashMap<GroupVersionKind, Scope>,
}

impl VersionMapper {
    fn new(group_version: GroupVersion) -> Self {
        Self {
            group_version,
            plurals: Vec::new(),
            resource_to_kind: HashMap::new(),
            kind_to_plural: HashMap::new(),
            kind_to_scope: HashMap::new(),
        }
    }

    fn add_specific(
        &mut self,
        kind: GroupVersionKind,
        plural: GroupVersionResource,
        singular: GroupVersionResource,
        scope: Scope,
    ) {
        match self.plurals.iter_mut().find(|(p, _)| *p == plural) {
            Some(entry) => entry.1 = singular.clone(),
            None => self.plurals.push((plural.clone(), singular.clone())),
        }
        self.resource_to_kind.insert(singular, kind.clone());
        self.resource_to_kind.insert(plural.clone(), kind.clone());
        self.kind_to_plural.insert(kind.clone(), plural);
        self.kind_to_scope.insert(kind, scope);
    }

    /// Registers a kind with guessed resource names.
    fn add_guessed(&mut self, kind: GroupVersionKind, scope: Scope) {
        let (plural, singular) = unsafe_guess_kind_to_resource(&kind);
        self.add_specific(kind, plural, singular, scope);
    }

    /// Whether `candidate` (a plural or singular resource) matches the partial
    /// `input`; `prefix` accepts groups that start with the input's group.
    fn matches(
        input: &GroupVersionResource,
        candidate: &GroupVersionResource,
        prefix: bool,
    ) -> bool {
        if candidate.resource != input.resource {
            return false;
        }
        let group_ok = input.group.is_empty()
            || if prefix {
                candidate.group.starts_with(&input.group)
            } else {
                candidate.group == input.group
            };
        group_ok && (input.version.is_empty() || candidate.version == input.version)
    }

    fn resources_for(&self, input: &GroupVersionResource) -> Vec<GroupVersionResource> {
        let find = |prefix: bool| -> Vec<GroupVersionResource> {
            self.plurals
                .iter()
                .filter(|(plural, singular)| {
                    Self::matches(input, plural, prefix) || Self::matches(input, singular, prefix)
                })
                .map(|(plural, _)| plural.clone())
                .collect()
        };
        let exact = find(false);
        if exact.is_empty() && !input.group.is_empty() && input.version.is_empty() {
            // `storageclass.storage` finds `storageclasses.storage.k8s.io`.
            return find(true);
        }
        exact
    }

    fn kinds_for(&self, input: &GroupVersionResource) -> Vec<GroupVersionKind> {
        let find = |prefix: bool| -> Vec<GroupVersionKind> {
            let mut kinds: Vec<GroupVersionKind> = Vec::new();
            for (plural, singular) in &self.plurals {
                for resource in [plural, singular] {
                    if Self::matches(input, resource, prefix)
                        && let Some(kind) = self.resource_to_kind.get(resource)
                        && !kinds.contains(kind)
                    {
                        kinds.push(kind.clone());
                    }
                }
            }
            kinds
        };
        let exact = find(false);
        if exact.is_empty() && !input.group.is_empty() && input.version.is_empty() {
            return find(true);
        }
        exact
    }

    fn rest_mappings(
        &self,
        group_kind: &GroupKind,
        versions: &[String],
    ) -> Result<Vec<RestMapping>> {
        let mut candidates = Vec::new();
        let mut had_version = false;
        for version in versions.iter().filter(|v| !v.is_empty()) {
            had_version = true;
            let gvk = group_kind.with_version(version.clone());
            if self.kind_to_plural.contains_key(&gvk) {
                candidates.push(gvk);
                break;
            }
        }
        if !had_version && candidates.is_empty() && self.group_version.group == group_kind.group {
            candidates.push(group_kind.with_version(self.group_version.version.clone()));
        }
        if candidates.is_empty() {
            return Err(Error::NoKindMatch {
                group_kind: group_kind.clone(),
                searched_versions: versions.to_vec(),
            });
        }
        let mappings: Vec<RestMapping> = candidates
            .into_iter()
            .filter_map(|gvk| {
                let resource = self.kind_to_plural.get(&gvk)?.clone();
                let scope = *self.kind_to_scope.get(&gvk)?;
                Some(RestMapping {
                    resource,
                    group_version_kind: gvk,
                    scope,
                })
            })
            .collect();
        if mappings.is_empty() {
            return Err(Error::NoResourceMatch(GroupVersionResource::new(
                group_kind.group.clone(),
                "",
                group_kind.kind.clone(),
            )));
        }
        Ok(mappings)
    }
}

/// A REST mapper made from discovery data (client-go's `NewDiscoveryRESTMapper`: a
/// priority mapper over one mapper per group version). Every lookup is pure and
/// synchronous; [`RestMapper`] is implemented too.
#[derive(Clone, Debug, Default)]
pub struct DiscoveryRestMapper {
    mappers: Vec<VersionMapper>,
    priorities: Vec<Pattern>,
}

impl DiscoveryRestMapper {
    /// The mapper of `groups` (e.g. from [`get_api_group_resources`]).
    ///
    /// Every resource that is not a subresource maps its kind (and the lower-cased
    /// kind) to its plural and singular names (guessed from the kind when discovery
    /// gives none) and scope; `<Kind>List` and `List` are registered too.
    pub fn new(groups: &[APIGroupResources]) -> Self {
        let mut mappers = Vec::new();
        let mut priorities = Vec::new();
        // The core group first, then the others in discovery order.
        let mut ordered: Vec<&APIGroupResources> = groups.iter().collect();
        ordered.sort_by_key(|g| !g.group.name.is_empty());
        for group in &ordered {
            let name = &group.group.name;
            let preferred = group
                .group
                .preferred_version
                .as_ref()
                .map(|v| v.version.as_str())
                .unwrap_or_default();
            if !preferred.is_empty() && group.versioned_resources.contains_key(preferred) {
                priorities.push(Pattern {
                    group: Some(name.clone()),
                    version: Some(preferred.to_string()),
                });
            }
            for version in &group.group.versions {
                let Some(resources) = group.versioned_resources.get(&version.version) else {
                    continue;
                };
                if version.version != preferred {
                    priorities.push(Pattern {
                        group: Some(name.clone()),
                        version: Some(version.version.clone()),
                    });
                }
                let gv = GroupVersion::new(name.clone(), version.version.clone());
                mappers.push(version_mapper(gv, resources));
            }
        }
        for group in &ordered {
            priorities.push(Pattern {
                group: Some(group.group.name.clone()),
                version: None,
            });
        }
        Self {
            mappers,
            priorities,
        }
    }

    /// The group versions this mapper knows, in priority order of registration.
    pub fn group_versions(&self) -> Vec<GroupVersion> {
        self.mappers
            .iter()
            .map(|m| m.group_version.clone())
            .collect()
    }

    fn rank(&self, group: &str, version: &str) -> usize {
        self.priorities
            .iter()
            .position(|p| p.matches(group, version))
            .unwrap_or(usize::MAX)
    }

    /// Narrows `candidates` pattern by pattern until one is left.
    fn pick<T: Clone>(&self, candidates: &[T], key: impl Fn(&T) -> (&str, &str)) -> Option<T> {
        if let [one] = candidates {
            return Some(one.clone());
        }
        let mut remaining: Vec<&T> = candidates.iter().collect();
        for pattern in &self.priorities {
            let matching: Vec<&T> = remaining
                .iter()
                .copied()
                .filter(|c| {
                    let (g, v) = key(c);
                    pattern.matches(g, v)
                })
                .collect();
            match matching.len() {
                0 => continue,
                1 => return matching.first().map(|c| (*c).clone()),
                _ => remaining = matching,
            }
        }
        None
    }

    /// Every full resource `input` may mean (plural or singular name; empty group and
    /// version match any), highest priority first.
    pub fn resources_for(&self, input: &GroupVersionResource) -> Result<Vec<GroupVersionResource>> {
        let input = normalize(input)?;
        let mut found: Vec<GroupVersionResource> = Vec::new();
        for mapper in &self.mappers {
            for resource in mapper.resources_for(&input) {
                if !found.contains(&resource) {
                    found.push(resource);
                }
            }
        }
        if found.is_empty() {
            return Err(Error::NoResourceMatch(input));
        }
        found.sort_by_key(|r| self.rank(&r.group, &r.version));
        Ok(found)
    }

    /// The one full resource `input` means.
    pub fn resource_for(&self, input: &GroupVersionResource) -> Result<GroupVersionResource> {
        let all = self.resources_for(input)?;
        self.pick(&all, |r| (r.group.as_str(), r.version.as_str()))
            .ok_or_else(|| Error::AmbiguousResource {
                partial: input.clone(),
                matching: all.clone(),
            })
    }

    /// Every kind `input` may mean, highest priority first.
    pub fn kinds_for(&self, input: &GroupVersionResource) -> Result<Vec<GroupVersionKind>> {
        let input = normalize(input)?;
        let mut found: Vec<GroupVersionKind> = Vec::new();
        for mapper in &self.mappers {
            for kind in mapper.kinds_for(&input) {
                if !found.contains(&kind) {
                    found.push(kind);
                }
            }
        }
        if found.is_empty() {
            return Err(Error::NoResourceMatch(input));
        }
        found.sort_by_key(|k| self.rank(&k.group, &k.version));
        Ok(found)
    }

    /// The one kind `input` means.
    pub fn kind_for(&self, input: &GroupVersionResource) -> Result<GroupVersionKind> {
        let all = self.kinds_for(input)?;
        self.pick(&all, |k| (k.group.as_str(), k.version.as_str()))
            .ok_or_else(|| Error::AmbiguousKind {
                partial: input.to_string(),
                matching: all.clone(),
            })
    }

    /// Every mapping of `group_kind` (kinds are case-sensitive, the lower-cased kind is
    /// known too): in the first of `versions` each group version has, or in every
    /// version of the group when no version is given.
    pub fn rest_mappings(
        &self,
        group_kind: &GroupKind,
        versions: &[String],
    ) -> Result<Vec<RestMapping>> {
        let mut mappings: Vec<RestMapping> = Vec::new();
        let mut errors = Vec::new();
        for mapper in &self.mappers {
            match mapper.rest_mappings(group_kind, versions) {
                Ok(found) => {
                    for mapping in found {
                        if !mappings.contains(&mapping) {
                            mappings.push(mapping);
                        }
                    }
                }
                Err(error) => errors.push(error),
            }
        }
        if mappings.is_empty() {
            return Err(match errors.into_iter().find(|e| !e.is_no_match()) {
                Some(error) => error,
                None => Error::NoKindMatch {
                    group_kind: group_kind.clone(),
                    searched_versions: versions.to_vec(),
                },
            });
        }
        mappings
            .sort_by_key(|m| self.rank(&m.group_version_kind.group, &m.group_version_kind.version));
        Ok(mappings)
    }

    /// The mapping of `group_kind`: the requested versions first (in order), then the
    /// usual priorities.
    pub fn rest_mapping(&self, group_kind: &GroupKind, versions: &[String]) -> Result<RestMapping> {
        let mappings = self.rest_mappings(group_kind, versions)?;
        if let [one] = mappings.as_slice() {
            return Ok(one.clone());
        }
        let mut remaining: Vec<&RestMapping> = mappings.iter().collect();
        let requested = versions.iter().filter(|v| !v.is_empty()).map(|v| Pattern {
            group: Some(group_kind.group.clone()),
            version: Some(v.clone()),
        });
        for pattern in requested.chain(self.priorities.iter().cloned()) {
            let matching: Vec<&RestMapping> = remaining
                .iter()
                .copied()
                .filter(|m| {
                    pattern.matches(&m.group_version_kind.group, &m.group_version_kind.version)
                })
                .collect();
            match matching.len() {
                0 => continue,
                1 => return Ok(matching[0].clone()),
                _ => remaining = matching,
            }
        }
        if let [one] = remaining.as_slice() {
            return Ok((*one).clone());
        }
        Err(Error::AmbiguousKind {
            partial: group_kind.to_string(),
            matching: mappings.into_iter().map(|m| m.group_version_kind).collect(),
        })
    }

    /// The singular name of `resource` (`pods` → `pod`).
    pub fn resource_singularizer(&self, resource: &str) -> Result<String> {
        let input = GroupVersionResource::new("", "", resource);
        let plurals = self.resources_for(&input)?;
        let mut singular: Option<&str> = None;
        for mapper in &self.mappers {
            for (plural, current) in &mapper.plurals {
                if !plurals.contains(plural) {
                    continue;
                }
                match singular {
                    None => singular = Some(&current.resource),
                    Some(seen) if seen != current.resource => {
                        return Err(Error::AmbiguousResource {
                            partial: input,
                            matching: plurals,
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        singular
            .map(str::to_string)
            .ok_or(Error::NoResourceMatch(input))
    }
}

fn normalize(input: &GroupVersionResource) -> Result<GroupVersionResource> {
    if input.resource.is_empty() {
        return Err(Error::MissingResource(input.clone()));
    }
    let mut input = input.clone();
    input.resource = input.resource.to_lowercase();
    Ok(input)
}

fn version_mapper(gv: GroupVersion, resources: &[APIResource]) -> VersionMapper {
    let mut mapper = VersionMapper::new(gv.clone());
    for resource in resources.iter().filter(|r| !r.name.contains('/')) {
        let scope = if resource.namespaced {
            Scope::Namespaced
        } else {
            Scope::Cluster
        };
        let plural = gv.with_resource(resource.name.clone());
        let singular = if resource.singular_name.is_empty() {
            unsafe_guess_kind_to_resource(&gv.with_kind(resource.kind.clone())).1
        } else {
            gv.with_resource(resource.singular_name.clone())
        };
        mapper.add_specific(
            gv.with_kind(resource.kind.to_lowercase()),
            plural.clone(),
            singular.clone(),
            scope,
        );
        mapper.add_specific(gv.with_kind(resource.kind.clone()), plural, singular, scope);
        mapper.add_guessed(gv.with_kind(format!("{}List", resource.kind)), scope);
    }
    mapper.add_guessed(gv.with_kind("List"), Scope::Cluster);
    mapper
}

impl RestMapper for DiscoveryRestMapper {
    fn kind_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionKind>> {
        Box::pin(async move { DiscoveryRestMapper::kind_for(self, resource) })
    }

    fn kinds_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionKind>>> {
        Box::pin(async move { DiscoveryRestMapper::kinds_for(self, resource) })
    }

    fn resource_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionResource>> {
        Box::pin(async move { DiscoveryRestMapper::resource_for(self, resource) })
    }

    fn resources_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionResource>>> {
        Box::pin(async move { DiscoveryRestMapper::resources_for(self, resource) })
    }

    fn rest_mapping<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<RestMapping>> {
        Box::pin(async move { DiscoveryRestMapper::rest_mapping(self, group_kind, versions) })
    }

    fn rest_mappings<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RestMapping>>> {
        Box::pin(async move { DiscoveryRestMapper::rest_mappings(self, group_kind, versions) })
    }

    fn resource_singularizer<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move { DiscoveryRestMapper::resource_singularizer(self, resource) })
    }
}
