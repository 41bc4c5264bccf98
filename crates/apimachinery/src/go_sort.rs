//! The unstable sort of Go's `sort.Sort` (pattern-defeating quicksort), reproduced step
//! by step so that elements comparing equal end up in the same order as in Go.
//!
//! Go renders label selectors in the order this sort leaves their requirements; with more
//! than twelve requirements and repeated keys that order differs from a stable sort.

/// Sorts `v` in place exactly as Go's `sort.Sort` would with the same `less`.
pub(crate) fn sort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let mut sorter = Sorter { v, less };
    sorter.pdqsort(0, n, bit_length(n));
}

/// Slices this short are finished with an insertion sort.
const MAX_INSERTION: usize = 12;

/// Number of bits needed to write `n` (0 for 0).
fn bit_length(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

struct Sorter<'a, T, F> {
    v: &'a mut [T],
    less: F,
}

impl<T, F: Fn(&T, &T) -> bool> Sorter<'_, T, F> {
    fn less(&self, i: usize, j: usize) -> bool {
        (self.less)(&self.v[i], &self.v[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.v.swap(i, j);
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let hi = b - a;
        for i in (0..=(hi - 1) / 2).rev() {
            self.sift_down(i, hi, a);
        }
        for i in (0..hi).rev() {
            self.swap(a, a + i);
            self.sift_down(0, i, a);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: u32) {
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.less(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }
            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;
            let (left, right) = (mid - a, b - mid);
            let threshold = length / 8;
            if left < right {
                was_balanced = left >= threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right >= threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    /// Moves the pivot to `a`, then everything less than it before everything else;
    /// returns the pivot's final place and whether nothing had to move.
    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        // `i` and `j` bound the unpartitioned middle (both inclusive); `j` may reach
        // `a`, so it is kept one above its Go counterpart to stay unsigned.
        let mut i = a + 1;
        let mut j = b;
        while i < j && self.less(i, a) {
            i += 1;
        }
        while i < j && !self.less(j - 1, a) {
            j -= 1;
        }
        if i >= j {
            self.swap(j - 1, a);
            return (j - 1, true);
        }
        self.swap(i, j - 1);
        i += 1;
        j -= 1;
        loop {
            while i < j && self.less(i, a) {
                i += 1;
            }
            while i < j && !self.less(j - 1, a) {
                j -= 1;
            }
            if i >= j {
                break;
            }
            self.swap(i, j - 1);
            i += 1;
            j -= 1;
        }
        self.swap(j - 1, a);
        (j - 1, false)
    }

    /// Moves the elements equal to the pivot (none can be less) to the front; returns
    /// where the greater ones start.
    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let mut i = a + 1;
        let mut j = b;
        loop {
            while i < j && !self.less(a, i) {
                i += 1;
            }
            while i < j && self.less(a, j - 1) {
                j -= 1;
            }
            if i >= j {
                return i;
            }
            self.swap(i, j - 1);
            i += 1;
            j -= 1;
        }
    }

    /// Fixes up to five misplaced neighbours of a nearly sorted slice; true if the
    /// slice ends up sorted.
    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 && self.less(j, j - 1) {
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            if b - i >= 2 {
                let mut j = i + 1;
                while j < b && self.less(j, j - 1) {
                    self.swap(j, j - 1);
                    j += 1;
                }
            }
        }
        false
    }

    /// Swaps three elements around the middle with pseudo-random partners seeded by the
    /// length.
    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length < 8 {
            return;
        }
        let mut random = length as u64;
        let modulus = 1usize << bit_length(length);
        let middle = a + (length / 4) * 2;
        for idx in middle - 1..=middle + 1 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            self.swap(idx, a + other);
        }
    }

    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, Hint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median(i - 1, i, i + 1, &mut swaps);
                j = self.median(j - 1, j, j + 1, &mut swaps);
                k = self.median(k - 1, k, k + 1, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        let hint = match swaps {
            0 => Hint::Increasing,
            MAX_SWAPS => Hint::Decreasing,
            _ => Hint::Unknown,
        };
        (j, hint)
    }

    fn order2(&self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.less(b, a) {
            *swaps += 1;
            (b, a)
        } else {
            (a, b)
        }
    }

    fn median(&self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, _) = self.order2(b, c, swaps);
        let (_, b) = self.order2(a, b, swaps);
        b
    }

    fn reverse_range(&mut self, a: usize, b: usize) {
        self.v[a..b].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random keys with many duplicates.
    fn keys(n: usize, seed: u64) -> Vec<(u8, usize)> {
        let mut state = seed;
        (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                ((state >> 60) as u8 % 4, i)
            })
            .collect()
    }

    #[test]
    fn sorts_by_key_for_every_length() {
        for n in 0..300 {
            for seed in 0..4 {
                let mut v = keys(n, seed);
                sort_by(&mut v, |a, b| a.0 < b.0);
                assert!(v.windows(2).all(|w| w[0].0 <= w[1].0), "n={n}");
                let mut ids: Vec<usize> = v.iter().map(|k| k.1).collect();
                ids.sort_unstable();
                assert_eq!(ids, (0..n).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn short_slices_keep_equal_elements_in_order() {
        let mut v = keys(12, 7);
        let mut stable = v.clone();
        stable.sort_by_key(|k| k.0);
        sort_by(&mut v, |a, b| a.0 < b.0);
        assert_eq!(v, stable);
    }

    #[test]
    fn descending_and_sorted_inputs_take_the_fast_paths() {
        let mut v: Vec<u32> = (0..1000).rev().collect();
        sort_by(&mut v, |a, b| a < b);
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
        sort_by(&mut v, |a, b| a < b);
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
    }
}
