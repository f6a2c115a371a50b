//! Indexes from ids to record slots.
//!
//! Each index is a hash table of `u32` slots into the model's record
//! vectors; the key of a slot is read from its record, so a million links
//! cost 5 bytes of table each instead of a stored key. Keys are 64-bit
//! integers hashed with a splitmix64 finaliser (a bijection with full
//! avalanche), which spreads any id pattern over the table.

use hashbrown::HashTable;

/// A hash of an integer key.
pub fn hash(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of a (user, client) link: both dense record indexes in one word.
pub fn pair(user: u32, client: u32) -> u64 {
    (u64::from(user) << 32) | u64::from(client)
}

/// Slots keyed by a `u64` that `key_of(slot)` recomputes from the record.
#[derive(Clone, Debug, Default)]
pub struct SlotIndex {
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
        self.table
            .find(hash(key), |&slot| key_of(slot) == key)
            .copied()
    }

    /// Adds `slot` under `key`, or returns the slot that already holds it.
    pub fn insert(&mut self, key: u64, slot: u32, key_of: impl Fn(u32) -> u64) -> Result<(), u32> {
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

    /// Removes the slot holding `key`.
    pub fn remove(&mut self, key: u64, key_of: impl Fn(u32) -> u64) {
        if let Ok(e) = self
            .table
            .find_entry(hash(key), |&slot| key_of(slot) == key)
        {
            e.remove();
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
            low_bits.insert(hash(pair(user, 7)) & 1023);
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
}
