//! A small least-recently-used map (the correlator's caches are bounded like client-go's).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// A map keeping at most `capacity` entries, evicting the least recently used.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    capacity: usize,
    entries: HashMap<K, (V, u64)>,
    order: BTreeMap<u64, K>,
    clock: u64,
}

impl<K: Eq + Hash + Clone, V> Lru<K, V> {
    /// An empty map holding up to `capacity` entries (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: HashMap::new(),
            order: BTreeMap::new(),
            clock: 0,
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The value of `key`, marking it used.
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let stamp = self.tick();
        let (_, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = stamp;
        self.order.insert(stamp, key.clone());
        self.entries.get_mut(key).map(|(value, _)| value)
    }

    /// Sets the value of `key`, evicting the least recently used entry when full.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        let stamp = self.tick();
        if let Some((_, used)) = self.entries.insert(key.clone(), (value, stamp)) {
            self.order.remove(&used);
        }
        self.order.insert(stamp, key);
        while self.entries.len() > self.capacity {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
    }

    /// Removes `key`.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let (value, used) = self.entries.remove(key)?;
        self.order.remove(&used);
        Some(value)
    }

    /// Number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut lru = Lru::new(2);
        lru.insert("a", 1);
        lru.insert("b", 2);
        assert_eq!(lru.get_mut(&"a"), Some(&mut 1));
        lru.insert("c", 3);
        assert_eq!(lru.len(), 2);
        assert!(lru.get_mut(&"b").is_none());
        assert_eq!(lru.remove(&"a"), Some(1));
        assert_eq!(lru.len(), 1);
    }
}
