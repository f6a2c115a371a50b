//! `Doc`: the view of a host value (a JSON tree natively, a JS value in
//! WebAssembly) that the core reads states, params and responses through,
//! and builds returned states with.
//!
//! The core never converts a whole state into Rust types: it reads the
//! fields it checks and keeps handles to the records, so unknown fields —
//! whatever they hold — come back untouched, and a deep or odd extra field
//! costs nothing.

use crate::prelude::*;

/// What kind of value a [`Doc`] is, the way `typeof` and `Array.isArray`
/// would see it.
///
/// ```
/// use whmcs_permissions::{Doc, Kind};
/// assert_eq!(serde_json::json!([1]).kind(), Kind::Array);
/// assert_eq!(Kind::Null.article(), "null");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `undefined` (an absent value).
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number (any `f64`, `NaN` included).
    Number,
    /// A JavaScript `BigInt`.
    BigInt,
    /// A string.
    String,
    /// An array (`Array.isArray`).
    Array,
    /// A non-array object (a plain object, a class instance, a proxy).
    Object,
    /// Functions and symbols.
    Other,
}

impl Kind {
    /// How messages name the kind: `got null`, `got an array`.
    ///
    /// ```
    /// assert_eq!(whmcs_permissions::Kind::Array.article(), "an array");
    /// ```
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

/// Reading a host value failed: a getter or a proxy trap threw. It holds
/// what the host said.
///
/// ```
/// let e = whmcs_permissions::HostError("boom".into());
/// assert_eq!(e.to_string(), "boom");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError(pub String);

impl crate::text::Message for HostError {
    fn write_to(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}
crate::text::display_message!(HostError);

impl core::error::Error for HostError {}

/// A host value the core can read and build.
///
/// Reading methods take `&self`; building methods make new values and never
/// modify one the caller passed in.
///
/// ```
/// use whmcs_permissions::{Doc, Kind};
/// let v = serde_json::json!({"id": 7, "tags": ["a"]});
/// assert_eq!(Doc::get(&v, "id").unwrap().unwrap().as_f64(), Some(7.0));
/// assert_eq!(Doc::keys(&v).unwrap(), ["id", "tags"]);
/// ```
pub trait Doc: Sized + Clone {
    /// The kind of value this is.
    fn kind(&self) -> Kind;
    /// The number, for `Kind::Number`.
    fn as_f64(&self) -> Option<f64>;
    /// The boolean, for `Kind::Bool`.
    fn as_bool(&self) -> Option<bool>;
    /// The string, for `Kind::String`.
    fn as_string(&self) -> Option<String>;
    /// `Some(i)` when this is a string equal to `words[i]`. The default
    /// copies the string out; a host may compare it in place (the JS one
    /// asks `indexOf` of an array of the words, made once).
    ///
    /// ```
    /// use whmcs_permissions::{Doc, PERMISSIONS};
    /// use serde_json::json;
    /// assert_eq!(Doc::word_index(&json!("invoices"), &PERMISSIONS), Some(7));
    /// assert_eq!(Doc::word_index(&json!("Invoices"), &PERMISSIONS), None);
    /// assert_eq!(Doc::word_index(&json!(["invoices"]), &PERMISSIONS), None);
    /// ```
    fn word_index(&self, words: &'static [&'static str]) -> Option<usize> {
        if self.kind() != Kind::String {
            return None;
        }
        let s = self.as_string()?;
        words.iter().position(|w| **w == *s)
    }
    /// The length, for `Kind::Array`.
    fn array_len(&self) -> Result<usize, HostError>;
    /// Element `i` of an array (a hole reads as undefined).
    fn array_get(&self, i: usize) -> Result<Self, HostError>;
    /// Property `key` of an object; `None` when absent or undefined.
    fn get(&self, key: &str) -> Result<Option<Self>, HostError>;
    /// An object's own enumerable string keys, in order.
    fn keys(&self) -> Result<Vec<String>, HostError>;

    /// A new plain object with this object's own enumerable properties, in
    /// order, as data properties (a `__proto__` key stays a plain key).
    fn copy_object(&self) -> Result<Self, HostError>;
    /// Sets `key` on an object made by this crate: replaces the value in
    /// place when the key exists, appends it otherwise.
    fn set(&mut self, key: &str, value: Self);
    /// A new empty object.
    fn new_object() -> Self;
    /// The host's absent value (`undefined`; `null` in JSON).
    fn undefined() -> Self;
    /// A new array of these items.
    fn new_array(items: Vec<Self>) -> Self;
    /// A new string.
    fn from_str(s: &str) -> Self;
    /// An id (at most 2^53-1, so exact as a JS number).
    fn from_id(id: u64) -> Self;
    /// How the host writes a number (JavaScript's `String(n)`).
    fn number_text(n: f64) -> String {
        crate::render::js_number(n)
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
        fn as_bool(&self) -> Option<bool> {
            self.as_bool()
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
        fn keys(&self) -> Result<Vec<String>, HostError> {
            Ok(self
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default())
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
        fn undefined() -> Self {
            Value::Null
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
