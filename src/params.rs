//! Reading ids and permission lists the way WHMCS receives them: from a form
//! post (strings) or JSON (numbers, arrays).

use crate::prelude::*;

use crate::doc::{Doc, HostError, Kind};
use crate::text::{display_message, push_all, Message};
use crate::vocabulary::{Permission, PermissionSet};

/// The largest id: 2^53-1, the largest integer a JS number holds exactly.
///
/// ```
/// use whmcs_permissions::{parse_id_str, MAX_ID};
/// assert_eq!(parse_id_str("9007199254740991"), Some(MAX_ID));
/// assert_eq!(parse_id_str("9007199254740992"), None);
/// ```
pub const MAX_ID: u64 = (1 << 53) - 1;

/// How many code points of an unknown name a message shows before `...`.
pub const SHOWN_NAME_CHARS: usize = 64;

/// PHP's `trim()` default set: space, `\t`, `\n`, `\r`, `\0`, `\x0B`.
///
/// ```
/// assert_eq!(whmcs_permissions::php_trim("\t\0 7\x0B\n"), "7");
/// assert_eq!(whmcs_permissions::php_trim("\u{a0}7"), "\u{a0}7"); // NBSP stays
/// ```
pub fn php_trim(s: &str) -> &str {
    // On bytes: the six are ASCII, and an ASCII byte in UTF-8 is always a
    // whole char, so no char is decoded and every cut is a char boundary.
    let trimmed = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0B');
    let bytes = s.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !trimmed(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !trimmed(b))
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// An id from a number (`7`, `7.0`) or a digit string (`" 0007 "`).
///
/// ```
/// use whmcs_permissions::parse_id_number;
/// assert_eq!(parse_id_number(7.0), Some(7));
/// assert_eq!(parse_id_number(-0.0), None);
/// assert_eq!(parse_id_number(1.5), None);
/// ```
pub fn parse_id_number(n: f64) -> Option<u64> {
    whole_number(n, 1.0)
}

/// `n` when it is an integer in `min ..= 2^53-1` (NaN is not; `-0` is 0).
/// Within that range the conversion to `u64` is exact for integers, so it
/// tells integers apart without std's `f64::fract` (the .wasm is `no_std`).
pub(crate) fn whole_number(n: f64, min: f64) -> Option<u64> {
    (n >= min && n <= MAX_ID as f64 && n as u64 as f64 == n).then_some(n as u64)
}

/// An id from a string: PHP-trimmed, then one or more ASCII digits whose
/// value is in 1 ..= 2^53-1 (leading zeros are fine).
///
/// ```
/// use whmcs_permissions::parse_id_str;
/// assert_eq!(parse_id_str(" 0042\n"), Some(42));
/// assert_eq!(parse_id_str("1e3"), None);
/// assert_eq!(parse_id_str("+1"), None);
/// ```
pub fn parse_id_str(s: &str) -> Option<u64> {
    parse_digits(php_trim(s)).filter(|v| *v >= 1)
}

/// An id param (`user_id`, `client_id`): `None` when it is invalid.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::parse_id;
/// assert_eq!(parse_id(Some(&json!(" 7"))), Some(7));
/// assert_eq!(parse_id(Some(&json!(7.0))), Some(7));
/// assert_eq!(parse_id(Some(&json!([7]))), None);
/// assert_eq!(parse_id::<serde_json::Value>(None), None);
/// ```
pub fn parse_id<D: Doc>(value: Option<&D>) -> Option<u64> {
    let value = value?;
    match value.kind() {
        Kind::Number => value.as_f64().and_then(parse_id_number),
        Kind::String => value.as_string().as_deref().and_then(parse_id_str),
        _ => None,
    }
}

/// A permissions param, parsed.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::PermissionsParam;
/// assert_eq!(PermissionsParam::parse(&json!(" , ,")), PermissionsParam::Missing);
/// let PermissionsParam::Given { first_unknown, .. } = PermissionsParam::parse(&json!("tickets,nope,x"))
/// else { panic!() };
/// assert_eq!(first_unknown.as_deref(), Some("nope"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PermissionsParam {
    /// Absent, of the wrong type, or nothing left after dropping empty
    /// segments.
    Missing,
    /// One or more segments were given.
    Given {
        /// The known names, deduplicated.
        known: PermissionSet,
        /// The first segment (PHP-trimmed) that is not one of the 13.
        first_unknown: Option<String>,
    },
}

impl PermissionsParam {
    /// Parses a comma-separated string, or an array of such strings.
    ///
    /// ```
    /// use whmcs_permissions::{PermissionsParam, PermissionSet};
    /// let p = PermissionsParam::parse(&serde_json::json!(["invoices, profile", ""]));
    /// let PermissionsParam::Given { known, first_unknown } = p else { panic!() };
    /// assert_eq!(known.names().collect::<Vec<_>>(), ["profile", "invoices"]);
    /// assert_eq!(first_unknown, None);
    /// ```
    pub fn parse<D: Doc>(value: &D) -> PermissionsParam {
        let mut list = SegmentList::default();
        match value.kind() {
            Kind::String => list.add(&value.as_string().unwrap_or_default()),
            Kind::Array => {
                let Ok(len) = value.array_len() else {
                    return PermissionsParam::Missing;
                };
                for i in 0..len {
                    match value.array_get(i) {
                        Ok(item) if item.kind() == Kind::String => {
                            list.add(&item.as_string().unwrap_or_default())
                        }
                        _ => return PermissionsParam::Missing,
                    }
                }
            }
            _ => return PermissionsParam::Missing,
        }
        list.finish()
    }

    /// Reads `params[key]`, treating an absent key as missing.
    ///
    /// ```
    /// use whmcs_permissions::PermissionsParam;
    /// assert_eq!(PermissionsParam::from_param::<serde_json::Value>(None), PermissionsParam::Missing);
    /// ```
    pub fn from_param<D: Doc>(value: Option<&D>) -> PermissionsParam {
        value.map_or(PermissionsParam::Missing, PermissionsParam::parse)
    }
}

/// Segments gathered from one or more comma strings.
#[derive(Default)]
struct SegmentList {
    any: bool,
    known: PermissionSet,
    first_unknown: Option<String>,
}

impl SegmentList {
    fn add(&mut self, s: &str) {
        for segment in s.split(',').map(php_trim).filter(|s| !s.is_empty()) {
            self.any = true;
            match Permission::from_name(segment) {
                Some(p) => self.known.insert(p),
                None if self.first_unknown.is_none() => {
                    self.first_unknown = Some(segment.to_owned())
                }
                None => {}
            }
        }
    }

    fn finish(self) -> PermissionsParam {
        if !self.any {
            return PermissionsParam::Missing;
        }
        PermissionsParam::Given {
            known: self.known,
            first_unknown: self.first_unknown,
        }
    }
}

/// How a name appears in a message: at most 64 code points, then `...`.
///
/// ```
/// use whmcs_permissions::shown_name;
/// assert_eq!(shown_name(&"é".repeat(64)), "é".repeat(64));
/// assert_eq!(shown_name(&"é".repeat(65)), format!("{}...", "é".repeat(64)));
/// ```
pub fn shown_name(name: &str) -> String {
    match name.char_indices().nth(SHOWN_NAME_CHARS) {
        Some((cut, _)) => crate::text::concat(&[name.get(..cut).unwrap_or(name), "..."]),
        None => name.to_owned(),
    }
}

/// Why params could not be read at all (thrown as a `TypeError`).
///
/// ```
/// use whmcs_permissions::{Kind, ParamsError};
/// assert_eq!(ParamsError::NotAnObject(Kind::Array).to_string(), "params must be an object, got an array");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamsError {
    /// The params value is not a (non-array) object.
    NotAnObject(Kind),
    /// Reading `params[key]` threw (a getter or a proxy trap).
    Unreadable {
        /// The param.
        key: String,
        /// What the host threw.
        reason: HostError,
    },
}

impl Message for ParamsError {
    fn write_to(&self, out: &mut String) {
        match self {
            ParamsError::NotAnObject(kind) => {
                push_all(out, &["params must be an object, got ", kind.article()])
            }
            ParamsError::Unreadable { key, reason } => {
                push_all(out, &["params.", key, " could not be read: "]);
                reason.write_to(out);
            }
        }
    }
}
display_message!(ParamsError);

impl core::error::Error for ParamsError {}

/// A [`ParamsError`] on its way out of the params readers, boxed: each `?`
/// then moves a pointer, not the error.
pub(crate) type ParamsFault = Box<ParamsError>;

/// Checks that params is an object (not an array, not null).
pub(crate) fn expect_params_object<D: Doc>(params: &D) -> Result<(), ParamsFault> {
    match params.kind() {
        Kind::Object => Ok(()),
        other => Err(Box::new(ParamsError::NotAnObject(other))),
    }
}

/// Reads `params[key]`; a throwing getter becomes a [`ParamsError`].
pub(crate) fn param<D: Doc>(params: &D, key: &str) -> Result<Option<D>, ParamsFault> {
    params.get(key).map_err(|reason| {
        Box::new(ParamsError::Unreadable {
            key: key.to_owned(),
            reason,
        })
    })
}

/// A text param as SPEC section 8 reads it: *given* when it is a string
/// that is not empty after PHP-trim, and then trimmed; anything else
/// (missing, null, a number, an array) is not given.
pub(crate) fn text_param<D: Doc>(params: &D, key: &str) -> Result<Option<String>, ParamsFault> {
    Ok(param(params, key)?.and_then(|v| given_text(&v)))
}

/// A value as a given text: a string, PHP-trimmed, not empty.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::given_text;
/// assert_eq!(given_text(&json!(" Ana\n")).as_deref(), Some("Ana"));
/// assert_eq!(given_text(&json!(" \t")), None);
/// assert_eq!(given_text(&json!(7)), None);
/// ```
pub fn given_text<D: Doc>(value: &D) -> Option<String> {
    if value.kind() != Kind::String {
        return None;
    }
    let text = value.as_string()?;
    let trimmed = php_trim(&text);
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A count param (`limitstart`, `limitnum`): a number that is an integer in
/// `min ..= 2^53-1`, or a PHP-trimmed ASCII digit string with such a value.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::parse_count;
/// assert_eq!(parse_count(Some(&json!(" 007 ")), 0), Some(7));
/// assert_eq!(parse_count(Some(&json!(0)), 0), Some(0));
/// assert_eq!(parse_count(Some(&json!(0)), 1), None);
/// assert_eq!(parse_count(Some(&json!("-1")), 0), None);
/// ```
pub fn parse_count<D: Doc>(value: Option<&D>, min: u64) -> Option<u64> {
    let value = value?;
    let n = match value.kind() {
        Kind::Number => {
            let n = value.as_f64()?;
            whole_number(n, 0.0)
        }
        Kind::String => parse_digits(php_trim(&value.as_string()?)),
        _ => None,
    }?;
    (n >= min).then_some(n)
}

/// One or more ASCII digits with a value of at most 2^53-1.
fn parse_digits(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: u64 = 0;
    for b in digits.bytes() {
        value = value * 10 + u64::from(b - b'0');
        if value > MAX_ID {
            return None;
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn id_strings() {
        assert_eq!(parse_id_str("9007199254740991"), Some(MAX_ID));
        assert_eq!(parse_id_str("9007199254740992"), None);
        assert_eq!(parse_id_str("99999999999999999999999999"), None);
        assert_eq!(parse_id_str("000"), None);
        assert_eq!(parse_id_str(""), None);
        assert_eq!(parse_id_str("\u{0661}"), None);
        assert_eq!(parse_id_str("\x0c1"), None);
    }

    #[test]
    fn id_numbers() {
        assert_eq!(parse_id_number(MAX_ID as f64), Some(MAX_ID));
        assert_eq!(parse_id_number(9007199254740992.0), None);
        assert_eq!(parse_id_number(f64::NAN), None);
        assert_eq!(parse_id_number(f64::INFINITY), None);
        assert_eq!(parse_id_number(0.0), None);
    }

    #[test]
    fn permission_lists() {
        assert_eq!(
            PermissionsParam::parse(&json!(" , ,")),
            PermissionsParam::Missing
        );
        assert_eq!(
            PermissionsParam::parse(&json!([])),
            PermissionsParam::Missing
        );
        assert_eq!(
            PermissionsParam::parse(&json!(["profile", 1])),
            PermissionsParam::Missing
        );
        let PermissionsParam::Given {
            known,
            first_unknown,
        } = PermissionsParam::parse(&json!("orders, Foo ,profile,bar,orders"))
        else {
            panic!("expected a list")
        };
        assert_eq!(known.names().collect::<Vec<_>>(), ["profile", "orders"]);
        assert_eq!(first_unknown.as_deref(), Some("Foo"));
    }
}
