//! `Doc`: the view of a host value (a JSON tree natively, a JS value in
//! WebAssembly) that the core reads states and params through and builds
//! returned states with.
//!
//! The core never converts a whole state into Rust types: it reads the
//! fields it checks and keeps handles to the records, so unknown fields —
//! whatever they hold — come back untouched, and a deep or odd extra field
//! costs nothing.

/// What kind of value a [`Doc`] is, the way `typeof` and `Array.isArray`
/// would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Bool,
    Number,
    BigInt,
    String,
    Array,
    /// A non-array object (a plain object, a class instance, a proxy).
    Object,
    /// Functions and symbols.
    Other,
}

impl Kind {
    /// How messages name the kind: `got null`, `got an array`.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Undefined => "undefined",
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::BigInt => "a bigint",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
            Kind::Other => "a function or symbol",
        }
    }
}

use crate::vocabulary::{Permission, PermissionSet};

/// Reading a host value failed: a getter or a proxy trap threw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError(pub String);

/// A host value the core can read and build.
///
/// Reading methods take `&self`; building methods make new values and never
/// modify one the caller passed in.
pub trait Doc: Sized + Clone {
    fn kind(&self) -> Kind;
    /// The number, for `Kind::Number`.
    fn as_f64(&self) -> Option<f64>;
    /// The string, for `Kind::String`.
    fn as_string(&self) -> Option<String>;
    /// The length, for `Kind::Array`.
    fn array_len(&self) -> Result<usize, HostError>;
    /// Element `i` of an array (a hole reads as undefined).
    fn array_get(&self, i: usize) -> Result<Self, HostError>;
    /// Property `key` of an object; `None` when absent or undefined.
    fn get(&self, key: &str) -> Result<Option<Self>, HostError>;

    /// A new plain object with this object's own enumerable properties, in
    /// order, as data properties (a `__proto__` key stays a plain key).
    fn copy_object(&self) -> Result<Self, HostError>;
    /// Sets `key` on an object made by this crate: replaces the value in
    /// place when the key exists, appends it otherwise.
    fn set(&mut self, key: &str, value: Self);
    fn new_object() -> Self;
    fn new_array(items: Vec<Self>) -> Self;
    fn from_str(s: &str) -> Self;
    /// An id (at most 2^53-1, so exact as a JS number).
    fn from_id(id: u64) -> Self;
    /// The permission this string names exactly, if any (for `Kind::String`).
    fn as_permission(&self) -> Option<Permission> {
        self.as_string().and_then(|s| Permission::from_name(&s))
    }
    /// How the host writes a number (JavaScript's `String(n)`).
    fn number_text(n: f64) -> String {
        crate::render::js_number(n)
    }
    /// A new array of permission names in canonical order.
    fn from_permissions(set: PermissionSet) -> Self {
        Self::new_array(set.names().map(Self::from_str).collect())
    }
}

#[cfg(feature = "json")]
mod json {
    use super::{Doc, HostError, Kind};
    use serde_json::{Map, Value};

    /// The native host: serde_json values (with `preserve_order`, so key
    /// order round-trips as it does in JavaScript).
    impl Doc for Value {
        fn kind(&self) -> Kind {
            match self {
                Value::Null => Kind::Null,
                Value::Bool(_) => Kind::Bool,
                Value::Number(_) => Kind::Number,
                Value::String(_) => Kind::String,
                Value::Array(_) => Kind::Array,
                Value::Object(_) => Kind::Object,
            }
        }
        fn as_f64(&self) -> Option<f64> {
            self.as_f64()
        }
        fn as_string(&self) -> Option<String> {
            self.as_str().map(str::to_owned)
        }
        fn array_len(&self) -> Result<usize, HostError> {
            Ok(self.as_array().map_or(0, Vec::len))
        }
        fn array_get(&self, i: usize) -> Result<Self, HostError> {
            Ok(self.get(i).cloned().unwrap_or(Value::Null))
        }
        fn get(&self, key: &str) -> Result<Option<Self>, HostError> {
            Ok(self.as_object().and_then(|m| m.get(key)).cloned())
        }
        fn copy_object(&self) -> Result<Self, HostError> {
            Ok(Value::Object(self.as_object().cloned().unwrap_or_default()))
        }
        fn set(&mut self, key: &str, value: Self) {
            if let Value::Object(map) = self {
                map.insert(key.to_owned(), value);
            }
        }
        fn new_object() -> Self {
            Value::Object(Map::new())
        }
        fn new_array(items: Vec<Self>) -> Self {
            Value::Array(items)
        }
        fn from_str(s: &str) -> Self {
            Value::String(s.to_owned())
        }
        fn from_id(id: u64) -> Self {
            Value::from(id)
        }
    }
}
