//! Indexes from keys to record slots.
//!
//! Each index is a hash table of `u32` slots into the model's record
//! vectors; the key of a slot is read from its record, so a million links
//! cost 5 bytes of table each instead of a stored key. Keys are 64-bit
//! integers hashed with a splitmix64 finaliser (a bijection with full
//! avalanche), which spreads any id pattern over the table.
//!
//! [`HashMulti`] keeps several slots per hashed text key (emails), and
//! [`Groups`] lists the slots that belong to each user (their links, the
//! clients they own) for GetUsers.

use crate::prelude::*;

use hashbrown::HashTable;

/// A hash of an integer key.
pub(crate) fn hash(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The hash a (user id, client id) link is filed under.
pub(crate) fn link_hash(user_id: u64, client_id: u64) -> u64 {
    hash(hash(user_id) ^ client_id)
}

/// Slots keyed by a `u64` that `key_of(slot)` recomputes from the record.
#[derive(Clone, Debug, Default)]
pub(crate) struct SlotIndex {
    table: HashTable<u32>,
}

impl SlotIndex {
    pub fn with_capacity(n: usize) -> SlotIndex {
        SlotIndex {
            table: HashTable::with_capacity(n),
        }
    }

    /// The slot holding `key`.
    pub fn get(&self, key: u64, key_of: impl Fn(u32) -> u64) -> Option<u32> {
        self.find(key, &key_of)
    }

    /// Adds `slot` under `key`, or returns the slot that already holds it.
    pub fn insert(&mut self, key: u64, slot: u32, key_of: impl Fn(u32) -> u64) -> Result<(), u32> {
        self.add(key, slot, &key_of)
    }

    /// Removes the slot holding `key`.
    pub fn remove(&mut self, key: u64, key_of: impl Fn(u32) -> u64) {
        self.take(key, &key_of)
    }

    // The methods above take any closure; the table's code is compiled once,
    // here, for a `dyn` one (each closure type would get its own copy of
    // hashbrown's probing and resizing: ~0.8 KB of .wasm each).

    #[inline(never)]
    fn find(&self, key: u64, key_of: &dyn Fn(u32) -> u64) -> Option<u32> {
        self.table
            .find(hash(key), |&slot| key_of(slot) == key)
            .copied()
    }

    #[inline(never)]
    fn add(&mut self, key: u64, slot: u32, key_of: &dyn Fn(u32) -> u64) -> Result<(), u32> {
        match self
            .table
            .entry(hash(key), |&s| key_of(s) == key, |&s| hash(key_of(s)))
        {
            hashbrown::hash_table::Entry::Occupied(e) => Err(*e.get()),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(slot);
                Ok(())
            }
        }
    }

    #[inline(never)]
    fn take(&mut self, key: u64, key_of: &dyn Fn(u32) -> u64) {
        if let Ok(e) = self
            .table
            .find_entry(hash(key), |&slot| key_of(slot) == key)
        {
            e.remove();
        }
    }

    // For keys wider than a word (a link's two ids), which the caller hashes
    // and matches against the records.

    /// The slot filed under `hash` whose record `is` the key sought. Generic,
    /// for its one caller (the link index): no indirect call per probe.
    pub fn get_hashed(&self, hash: u64, is: impl Fn(u32) -> bool) -> Option<u32> {
        self.table.find(hash, |&slot| is(slot)).copied()
    }

    /// Files `slot` under `hash`, for a key the caller found absent;
    /// `hash_of` rehashes a slot's record when the table grows.
    #[inline(never)]
    pub fn insert_new(&mut self, hash: u64, slot: u32, hash_of: &dyn Fn(u32) -> u64) {
        self.table.insert_unique(hash, slot, |&s| hash_of(s));
    }

    /// Removes `slot`, filed under `hash`.
    pub fn remove_slot(&mut self, hash: u64, slot: u32) {
        if let Ok(e) = self.table.find_entry(hash, |&s| s == slot) {
            e.remove();
        }
    }
}

/// Sorts `(key, slot)` pairs: every sort in the crate is this one.
///
/// A heapsort (O(n log n) in every case) in a few hundred bytes of .wasm,
/// where each instantiation of the standard library's sort costs about 6 KB;
/// input already in order (ids usually are) is seen in one pass.
pub(crate) fn sort_keyed(pairs: &mut [(u64, u32)]) {
    if pairs.is_sorted() {
        return;
    }
    let n = pairs.len();
    for root in (0..n / 2).rev() {
        sift_down(pairs, root, n);
    }
    for end in (1..n).rev() {
        pairs.swap(0, end);
        sift_down(pairs, 0, end);
    }
}

/// Moves `pairs[root]` down the max-heap held in `pairs[..end]`.
fn sift_down(pairs: &mut [(u64, u32)], mut root: usize, end: usize) {
    // Always `end <= len`; said here, the indexing below has no bounds checks.
    let end = end.min(pairs.len());
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && pairs[child] < pairs[child + 1] {
            child += 1;
        }
        if pairs[root] >= pairs[child] {
            return;
        }
        pairs.swap(root, child);
        root = child;
    }
}

/// A 64-bit hash of a text key (FNV-1a over the bytes, then the splitmix
/// finaliser). Not keyed: a host that lets strangers choose many colliding
/// emails makes lookups of those emails slower, never wrong.
pub(crate) fn hash_text(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    hash(h)
}

/// Slots by a hashed text key, several per key. Lookups return candidate
/// slots whose key hashes the same; the caller compares the real keys.
#[derive(Clone, Debug, Default)]
pub(crate) struct HashMulti {
    table: HashTable<(u64, u32)>,
}

impl HashMulti {
    pub fn with_capacity(n: usize) -> HashMulti {
        HashMulti {
            table: HashTable::with_capacity(n),
        }
    }

    pub fn insert(&mut self, key_hash: u64, slot: u32) {
        self.table
            .insert_unique(key_hash, (key_hash, slot), |e| e.0);
    }

    pub fn remove(&mut self, key_hash: u64, slot: u32) {
        if let Ok(e) = self.table.find_entry(key_hash, |e| *e == (key_hash, slot)) {
            e.remove();
        }
    }

    /// The slots under this hash, in ascending slot order.
    pub fn candidates(&self, key_hash: u64) -> Vec<u32> {
        let mut slots: Vec<(u64, u32)> = self
            .table
            .iter_hash(key_hash)
            .filter(|e| e.0 == key_hash)
            .map(|e| (u64::from(e.1), 0))
            .collect();
        sort_keyed(&mut slots);
        slots.into_iter().map(|(slot, _)| slot as u32).collect()
    }
}

/// For each user slot, a list of other slots (compressed rows: one offsets
/// array and one items array, so a million links cost 4 bytes each).
/// Users added after it was built have empty lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct Groups {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups `(user slot, item slot)` pairs for `users` user slots.
    pub fn build(users: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Groups {
        // Read and written with `get`: every slot is in range, and no
        // bounds check (with its panic location) is compiled in.
        let mut counts = vec![0u32; users + 1];
        for (user, _) in pairs.clone() {
            if let Some(count) = counts.get_mut(user as usize + 1) {
                *count += 1;
            }
        }
        let mut sum = 0;
        for count in &mut counts {
            sum += *count;
            *count = sum;
        }
        let mut next = counts.clone();
        let mut items = vec![0u32; sum as usize];
        for (user, item) in pairs {
            if let Some(at) = next.get_mut(user as usize) {
                if let Some(slot) = items.get_mut(*at as usize) {
                    *slot = item;
                }
                *at += 1;
            }
        }
        Groups {
            offsets: counts,
            items,
        }
    }

    /// The items of one user slot, in the order they were given.
    pub fn of(&self, user: u32) -> &[u32] {
        let u = user as usize;
        match (self.offsets.get(u), self.offsets.get(u + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_sharing_a_client_spread_over_buckets() {
        let mut low_bits = std::collections::HashSet::new();
        for user in 0..1024u32 {
            low_bits.insert(link_hash(u64::from(user), 7) & 1023);
        }
        assert!(low_bits.len() > 500, "{}", low_bits.len());
    }

    #[test]
    fn insert_get_remove() {
        let keys = [10u64, 20, 30];
        let mut index = SlotIndex::with_capacity(3);
        for (slot, key) in keys.iter().enumerate() {
            index
                .insert(*key, slot as u32, |s| keys[s as usize])
                .unwrap();
        }
        assert_eq!(index.insert(20, 9, |s| keys[s as usize]), Err(1));
        assert_eq!(index.get(30, |s| keys[s as usize]), Some(2));
        index.remove(30, |s| keys[s as usize]);
        assert_eq!(index.get(30, |s| keys[s as usize]), None);
    }

    #[test]
    fn sort_keyed_sorts_any_input() {
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 8, 100, 1000] {
            let mut v: Vec<(u64, u32)> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 60, i as u32)
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            sort_keyed(&mut v);
            assert_eq!(v, want);
            v.reverse();
            sort_keyed(&mut v);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn multi_keeps_every_slot_of_a_key() {
        let mut m = HashMulti::with_capacity(4);
        let (a, b) = (hash_text("a@x.io"), hash_text("b@x.io"));
        m.insert(a, 3);
        m.insert(b, 1);
        m.insert(a, 0);
        assert_eq!(m.candidates(a), [0, 3]);
        m.remove(a, 3);
        assert_eq!(m.candidates(a), [0]);
        assert_eq!(m.candidates(hash_text("c@x.io")), Vec::<u32>::new());
    }

    #[test]
    fn groups_list_items_per_user() {
        let pairs = [(1u32, 10u32), (0, 11), (1, 12)];
        let g = Groups::build(3, pairs.iter().copied());
        assert_eq!(g.of(0), [11]);
        assert_eq!(g.of(1), [10, 12]);
        assert_eq!(g.of(2), [] as [u32; 0]);
        assert_eq!(g.of(9), [] as [u32; 0]);
    }
}
