//! The 13 WHMCS permission names, their canonical order, and sets of them.
//!
//! The order is the one WHMCS's `GetPermissionsList` returns; every list this
//! crate hands back (responses, changes, states) is in this order.

use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::doc::Doc;

/// Every permission name, in canonical order.
///
/// ```
/// assert_eq!(whmcs_permissions::PERMISSIONS[0], "profile");
/// assert_eq!(whmcs_permissions::PERMISSIONS.len(), 13);
/// ```
pub const PERMISSIONS: [&str; 13] = [
    "profile",
    "contacts",
    "products",
    "manageproducts",
    "productsso",
    "domains",
    "managedomains",
    "invoices",
    "quotes",
    "tickets",
    "affiliates",
    "emails",
    "orders",
];

/// One of the 13 permissions, by its index in [`PERMISSIONS`].
///
/// ```
/// use whmcs_permissions::{Permission, PERMISSIONS};
/// let p = Permission::from_name(PERMISSIONS[2]).unwrap();
/// assert_eq!(p.name(), PERMISSIONS[2]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permission(u8);

impl Permission {
    /// The permission with this exact (case-sensitive) name.
    ///
    /// ```
    /// use whmcs_permissions::Permission;
    /// assert_eq!(Permission::from_name("invoices").unwrap().name(), "invoices");
    /// assert!(Permission::from_name("Invoices").is_none());
    /// ```
    pub fn from_name(name: &str) -> Option<Permission> {
        PERMISSIONS
            .iter()
            .position(|p| *p == name)
            .map(|i| Permission(i as u8))
    }

    /// The permission a host value names: a string equal to one of the 13
    /// (through [`Doc::word_index`], which the JS host answers without
    /// copying the string).
    pub(crate) fn from_doc<D: Doc>(value: &D) -> Option<Permission> {
        value
            .word_index(&PERMISSIONS)
            .and_then(Permission::from_index)
    }

    /// The permission at `index` in canonical order, if `index < 13`.
    pub fn from_index(index: usize) -> Option<Permission> {
        (index < PERMISSIONS.len()).then_some(Permission(index as u8))
    }

    /// The WHMCS name.
    pub fn name(self) -> &'static str {
        PERMISSIONS[self.0 as usize]
    }

    /// The position in canonical order (0..13).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A set of permissions; iterates and serialises in canonical order.
///
/// ```
/// use whmcs_permissions::{Permission, PermissionSet};
/// let mut set = PermissionSet::EMPTY;
/// set.insert(Permission::from_name("orders").unwrap());
/// set.insert(Permission::from_name("profile").unwrap());
/// assert_eq!(set.names().collect::<Vec<_>>(), ["profile", "orders"]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PermissionSet(u16);

impl PermissionSet {
    /// No permission.
    pub const EMPTY: PermissionSet = PermissionSet(0);
    /// All 13 permissions: what a client's owner holds.
    pub const ALL: PermissionSet = PermissionSet((1 << PERMISSIONS.len()) - 1);

    /// The set whose bit `i` stands for `PERMISSIONS[i]`; bits above 12 are dropped.
    pub fn from_bits(bits: u16) -> PermissionSet {
        PermissionSet(bits & Self::ALL.0)
    }

    /// Bit `i` is set when `PERMISSIONS[i]` is in the set.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// Adds a permission.
    pub fn insert(&mut self, p: Permission) {
        self.0 |= 1 << p.0;
    }

    /// Whether the set holds `p`.
    pub fn contains(self, p: Permission) -> bool {
        self.0 & (1 << p.0) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many permissions the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The members, in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        (0..PERMISSIONS.len() as u8)
            .map(Permission)
            .filter(move |p| self.contains(*p))
    }

    /// The members' names, in canonical order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        self.iter().map(Permission::name)
    }
}

impl Serialize for PermissionSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for name in self.names() {
            seq.serialize_element(name)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_holds_the_thirteen_in_order() {
        assert_eq!(PermissionSet::ALL.names().collect::<Vec<_>>(), PERMISSIONS);
    }

    #[test]
    fn names_are_case_sensitive() {
        assert!(Permission::from_name("PROFILE").is_none());
        assert!(Permission::from_name(" profile").is_none());
        assert_eq!(
            Permission::from_name("orders").map(Permission::index),
            Some(12)
        );
    }

    #[test]
    fn from_bits_drops_unknown_bits() {
        assert_eq!(PermissionSet::from_bits(u16::MAX), PermissionSet::ALL);
    }
}
