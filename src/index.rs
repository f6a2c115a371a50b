//! Hash maps keyed by ids, with a cheap, well-mixing hasher.
//!
//! Lookups by id are the hot path of `PermissionStore`; std's SipHash costs
//! more than the rest of a lookup. Keys are 64-bit integers, so a
//! splitmix64 finaliser (a bijection with full avalanche) spreads them over
//! the table whatever their pattern.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for integer keys (`u64`, `(u64, u64)` via two writes).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(29) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A map from an integer key to `V`.
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A new map with room for `n` entries.
pub fn id_map<K, V>(n: usize) -> IdMap<K, V> {
    HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default())
}

/// The key of a (user, client) link: both dense record indexes in one word.
pub fn pair(user: u32, client: u32) -> u64 {
    (u64::from(user) << 32) | u64::from(client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, BuildHasherDefault};

    #[test]
    fn pairs_sharing_a_client_spread_over_buckets() {
        let b = BuildHasherDefault::<IdHasher>::default();
        let mut low_bits = std::collections::HashSet::new();
        for user in 0..1024u32 {
            low_bits.insert(b.hash_one(pair(user, 7)) & 1023);
        }
        assert!(low_bits.len() > 500, "{}", low_bits.len());
    }
}
