//! Rendering any WHMCS-style response (a tree of objects, arrays, strings,
//! numbers, booleans) as the API's JSON or XML text, so that
//! `formatResponse` gives the same bytes in every runtime.
//!
//! The renderer reads the response through [`Doc`], as `JSON.stringify`
//! sees a value (own enumerable keys in order; `undefined`, functions and
//! symbols left out of objects and written as `null` in arrays; a bigint
//! refused), within one set of limits for every build.

use std::fmt::{self, Write};

use crate::doc::{Doc, HostError, Kind};
use crate::params::php_trim;

/// Deepest nesting `formatResponse` accepts; responses are three levels deep.
///
/// ```
/// use whmcs_permissions::render::{format_response, Format, MAX_DEPTH};
/// let mut deep = serde_json::json!("x");
/// for _ in 0..=MAX_DEPTH { deep = serde_json::json!([deep]); }
/// assert!(format_response(&deep, Format::Json, None).is_err());
/// ```
pub const MAX_DEPTH: usize = 64;

/// Most values (scalars and containers) `formatResponse` reads from one
/// response: a bound on its time and memory, whatever an array's length says.
///
/// ```
/// use whmcs_permissions::render::{format_response, Format, MAX_VALUES};
/// let big = serde_json::Value::Array(vec![0.into(); MAX_VALUES]);
/// assert!(format_response(&big, Format::Json, None).is_err());
/// ```
pub const MAX_VALUES: usize = 1_000_000;

/// A response format, as WHMCS's `responsetype`.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::render::Format;
/// assert_eq!(Format::of_params(&json!({"responsetype": " XML\n"})), Format::Xml);
/// assert_eq!(Format::of_params(&json!({"responsetype": "\u{a0}xml"})), Format::Json);
/// assert_eq!(Format::from_name("json"), Some(Format::Json));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/json`, exactly `JSON.stringify`.
    Json,
    /// WHMCS's XML.
    Xml,
}

impl Format {
    /// `"json"` or `"xml"`, exactly (what `formatResponse` takes).
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    /// The format an API request asks for: `responsetype` that is `xml`
    /// after PHP-trim, in any ASCII case, is XML; anything else (or none)
    /// is JSON, WHMCS's default.
    ///
    /// ```
    /// use serde_json::json;
    /// use whmcs_permissions::render::Format;
    /// assert_eq!(Format::of_params(&json!({"responsetype": " XML\n"})), Format::Xml);
    /// assert_eq!(Format::of_params(&json!({"responsetype": "\u{a0}xml"})), Format::Json);
    /// assert_eq!(Format::from_name("XML"), None);
    /// assert_eq!(Format::Xml.name(), "xml");
    /// ```
    pub fn of_params<D: Doc>(params: &D) -> Format {
        let wanted = params
            .get("responsetype")
            .ok()
            .flatten()
            .filter(|v| v.kind() == Kind::String)
            .and_then(|v| v.as_string());
        match wanted {
            Some(t) if php_trim(&t).eq_ignore_ascii_case("xml") => Format::Xml,
            _ => Format::Json,
        }
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }
}

/// Why a response cannot be rendered (thrown as a `TypeError`).
///
/// ```
/// use whmcs_permissions::{render::RenderError, Kind};
/// assert_eq!(RenderError::NotAnObject(Kind::Null).to_string(), "response must be an object, got null");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// The response is not an object.
    NotAnObject(Kind),
    /// The format is neither `json` nor `xml`.
    UnknownFormat,
    /// The command (for XML's `<action>`) is not a string.
    CommandNotAString(Kind),
    /// Containers nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More than [`MAX_VALUES`] values.
    TooLarge,
    /// A bigint, which JSON cannot carry.
    BigInt,
    /// Reading the response threw.
    Unreadable(HostError),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cannot = "response cannot be rendered:";
        match self {
            RenderError::NotAnObject(k) => {
                write!(f, "response must be an object, got {}", k.article())
            }
            RenderError::UnknownFormat => f.write_str("format must be \"json\" or \"xml\""),
            RenderError::CommandNotAString(k) => {
                write!(f, "command must be a string, got {}", k.article())
            }
            RenderError::TooDeep => {
                write!(f, "{cannot} it is nested deeper than {MAX_DEPTH} levels")
            }
            RenderError::TooLarge => write!(f, "{cannot} it holds more than {MAX_VALUES} values"),
            RenderError::BigInt => write!(f, "{cannot} it holds a bigint"),
            RenderError::Unreadable(e) => write!(f, "{cannot} {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders a response as the WHMCS API does: JSON exactly as
/// `JSON.stringify` writes it, or XML — a declaration, a `<whmcsapi>` root
/// holding `<action>` (the lowercased command, when given) and one element
/// per key; arrays become repeated elements named by their key.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::render::{format_response, Format};
/// let r = json!({"result": "success"});
/// assert_eq!(format_response(&r, Format::Json, None).unwrap(), r#"{"result":"success"}"#);
/// assert_eq!(format_response(&r, Format::Xml, Some("UpdateUserPermissions")).unwrap(),
///     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<whmcsapi>\n<action>updateuserpermissions</action>\n<result>success</result>\n</whmcsapi>\n");
/// ```
pub fn format_response<D: Doc>(
    response: &D,
    format: Format,
    command: Option<&str>,
) -> Result<String, RenderError> {
    if response.kind() != Kind::Object {
        return Err(RenderError::NotAnObject(response.kind()));
    }
    let mut w = Writer {
        out: String::new(),
        budget: MAX_VALUES,
    };
    match format {
        Format::Json => w.json(response, 0)?,
        Format::Xml => {
            w.out
                .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<whmcsapi>\n");
            if let Some(command) = command {
                w.out.push_str("<action>");
                write_xml_text(&mut w.out, &crate::lowercase::to_lowercase(command));
                w.out.push_str("</action>\n");
            }
            w.count()?;
            for (key, value) in entries(response)? {
                w.xml_element(&key, &value, 1)?;
            }
            w.out.push_str("</whmcsapi>\n");
        }
    }
    Ok(w.out)
}

/// [`format_response`] with its arguments as the host gave them (what
/// `formatResponse` in JavaScript takes): `format` must be the string
/// `"json"` or `"xml"`, `command` a string, null or absent.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::render::{format_response_values, RenderError};
/// let r = json!({"result": "success"});
/// assert_eq!(format_response_values(&r, &json!("json"), &json!(null)).unwrap(), r#"{"result":"success"}"#);
/// assert_eq!(format_response_values(&r, &json!("JSON"), &json!(null)), Err(RenderError::UnknownFormat));
/// ```
pub fn format_response_values<D: Doc>(
    response: &D,
    format: &D,
    command: &D,
) -> Result<String, RenderError> {
    if response.kind() != Kind::Object {
        return Err(RenderError::NotAnObject(response.kind()));
    }
    let format = format
        .as_string()
        .filter(|_| format.kind() == Kind::String)
        .and_then(|f| Format::from_name(&f));
    let command = match command.kind() {
        Kind::Undefined | Kind::Null => None,
        Kind::String => command.as_string(),
        other => return Err(RenderError::CommandNotAString(other)),
    };
    format_response(
        response,
        format.ok_or(RenderError::UnknownFormat)?,
        command.as_deref(),
    )
}

/// An object's entries as `JSON.stringify` sees them: values that are
/// `undefined`, functions or symbols are left out.
fn entries<D: Doc>(object: &D) -> Result<Vec<(String, D)>, RenderError> {
    let mut out = Vec::new();
    for key in object.keys().map_err(RenderError::Unreadable)? {
        let value = object.get(&key).map_err(RenderError::Unreadable)?;
        if let Some(value) = value.filter(|v| v.kind() != Kind::Other) {
            out.push((key, value));
        }
    }
    Ok(out)
}

/// Text being rendered, with the values still allowed.
struct Writer {
    out: String,
    budget: usize,
}

impl Writer {
    fn count(&mut self) -> Result<(), RenderError> {
        self.budget = self.budget.checked_sub(1).ok_or(RenderError::TooLarge)?;
        Ok(())
    }

    /// Enters a container at `depth`; its elements are at `depth + 1`.
    fn nest(depth: usize) -> Result<usize, RenderError> {
        if depth >= MAX_DEPTH {
            Err(RenderError::TooDeep)
        } else {
            Ok(depth + 1)
        }
    }

    fn array_items<D: Doc>(&self, array: &D) -> Result<usize, RenderError> {
        let len = array.array_len().map_err(RenderError::Unreadable)?;
        if len > self.budget {
            return Err(RenderError::TooLarge);
        }
        Ok(len)
    }

    fn scalar<D: Doc>(&mut self, value: &D) -> Result<(), RenderError> {
        match value.kind() {
            Kind::Null | Kind::Undefined | Kind::Other => self.out.push_str("null"),
            Kind::Bool => self.out.push_str(if value.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            }),
            Kind::Number => write_number::<D>(&mut self.out, value.as_f64().unwrap_or(f64::NAN)),
            Kind::BigInt => return Err(RenderError::BigInt),
            Kind::String => {
                write_json_string(&mut self.out, &value.as_string().unwrap_or_default())
            }
            Kind::Array | Kind::Object => {}
        }
        Ok(())
    }

    fn json<D: Doc>(&mut self, value: &D, depth: usize) -> Result<(), RenderError> {
        self.count()?;
        match value.kind() {
            Kind::Array => {
                let inner = Self::nest(depth)?;
                let len = self.array_items(value)?;
                self.out.push('[');
                for i in 0..len {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let item = value.array_get(i).map_err(RenderError::Unreadable)?;
                    self.json(&item, inner)?;
                }
                self.out.push(']');
            }
            Kind::Object => {
                let inner = Self::nest(depth)?;
                self.out.push('{');
                for (i, (key, item)) in entries(value)?.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_json_string(&mut self.out, key);
                    self.out.push(':');
                    self.json(item, inner)?;
                }
                self.out.push('}');
            }
            _ => self.scalar(value)?,
        }
        Ok(())
    }

    fn xml_element<D: Doc>(
        &mut self,
        key: &str,
        value: &D,
        depth: usize,
    ) -> Result<(), RenderError> {
        self.count()?;
        if value.kind() == Kind::Array {
            let inner = Self::nest(depth)?;
            for i in 0..self.array_items(value)? {
                let item = value.array_get(i).map_err(RenderError::Unreadable)?;
                self.xml_element(key, &item, inner)?;
            }
            return Ok(());
        }
        let name = xml_name(key);
        let _ = write!(self.out, "<{name}>");
        match value.kind() {
            Kind::Null | Kind::Undefined | Kind::Other => {}
            Kind::Bool => self.out.push_str(if value.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            }),
            Kind::Number => write_number::<D>(&mut self.out, value.as_f64().unwrap_or(f64::NAN)),
            Kind::BigInt => return Err(RenderError::BigInt),
            Kind::String => write_xml_text(&mut self.out, &value.as_string().unwrap_or_default()),
            Kind::Object => {
                let inner = Self::nest(depth)?;
                self.out.push('\n');
                for (k, v) in entries(value)? {
                    self.xml_element(&k, &v, inner)?;
                }
            }
            Kind::Array => {} // expanded into repeated elements above
        }
        let _ = writeln!(self.out, "</{name}>");
        Ok(())
    }
}

/// JavaScript's `String(number)`: shortest round-trip digits, plain
/// notation from 1e-7 up to 1e21, exponent notation outside (`1e+21`).
///
/// ```
/// use whmcs_permissions::render::js_number;
/// assert_eq!(js_number(7.0), "7");
/// assert_eq!(js_number(-0.0), "0");
/// assert_eq!(js_number(1.5e-7), "1.5e-7");
/// assert_eq!(js_number(1e21), "1e+21");
/// assert_eq!(js_number(123.456), "123.456");
/// ```
pub fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == n.trunc() && n.abs() < 9_007_199_254_740_992.0 {
        return (n as i64).to_string();
    }
    // `{:e}` gives the shortest round-trip digits, as JS does: "1.2345e2".
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let e: i32 = exp.parse().unwrap_or(0) + 1; // value = 0.digits × 10^e
    let mut out = String::from(if n < 0.0 { "-" } else { "" });
    if k <= e && e <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (e - k) as usize));
    } else if 0 < e && e <= 21 {
        out.push_str(&digits[..e as usize]);
        out.push('.');
        out.push_str(&digits[e as usize..]);
    } else if -6 < e && e <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-e) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{}", if e > 0 { "+" } else { "-" }, (e - 1).abs());
    }
    out
}

/// Writes a number as JavaScript's `String(n)` (`null` when not finite,
/// as JSON.stringify does). Integers are written here; other numbers by the
/// host ([`Doc::number_text`]: exact by definition in JavaScript, and it keeps
/// float formatting out of the WebAssembly binary).
fn write_number<D: Doc>(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n == n.trunc() && n.abs() < 9_007_199_254_740_992.0 {
        let _ = write!(out, "{}", n as i64);
    } else {
        out.push_str(&D::number_text(n));
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A key as an XML element name: characters XML 1.0 does not allow in a
/// name become `_`, and a key that cannot start a name (a digit, `-`, `.`,
/// or `xml` in any case) gets a `_` prefix.
fn xml_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| if is_name_char(c) { c } else { '_' })
        .collect();
    let starts_ok = name.chars().next().is_some_and(is_name_start_char);
    if !starts_ok || name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml")) {
        name.insert(0, '_');
    }
    name
}

/// XML 1.0 (fifth edition) `NameStartChar`, without `:` (namespaces).
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 `NameChar`, without `:`.
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Escapes text; characters XML 1.0 cannot carry become U+FFFD.
fn write_xml_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_like_javascript() {
        let mut s = String::new();
        for n in [
            7.0,
            -0.0,
            1.5,
            f64::NAN,
            1e21,
            1e-7,
            0.1,
            -123.456,
            5e-324,
            1.7976931348623157e308,
        ] {
            write_number::<serde_json::Value>(&mut s, n);
            s.push(' ');
        }
        assert_eq!(
            s,
            "7 0 1.5 null 1e+21 1e-7 0.1 -123.456 5e-324 1.7976931348623157e+308 "
        );
    }

    #[test]
    fn xml_escapes_and_repeats_arrays() {
        let v = serde_json::json!({
            "result": "error",
            "message": "a<b & \"c\"\u{1}",
            "permissions": {"permission": ["profile", "orders"]}
        });
        let xml = format_response(&v, Format::Xml, None).unwrap();
        assert!(xml.contains("<message>a&lt;b &amp; &quot;c&quot;\u{FFFD}</message>"));
        assert!(xml.contains("<permissions>\n<permission>profile</permission>\n<permission>orders</permission>\n</permissions>"));
    }

    #[test]
    fn xml_names_are_made_valid() {
        assert_eq!(xml_name("1a b"), "_1a_b");
        assert_eq!(xml_name("xmlns"), "_xmlns");
        assert_eq!(xml_name(""), "_");
        assert_eq!(xml_name("été·x"), "été·x");
        assert_eq!(xml_name("a:b"), "a_b");
    }

    #[test]
    fn limits_hold_in_every_build() {
        let mut deep = serde_json::json!(1);
        for _ in 0..MAX_DEPTH {
            deep = serde_json::json!([deep]);
        }
        let r = serde_json::json!({"x": deep});
        assert_eq!(
            format_response(&r, Format::Json, None),
            Err(RenderError::TooDeep)
        );
        assert_eq!(
            format_response(&r, Format::Xml, None),
            Err(RenderError::TooDeep)
        );
        let ok = serde_json::json!({"users": [{"clients": [{"id": 1, "isOwner": true}]}]});
        assert_eq!(
            format_response(&ok, Format::Xml, None).unwrap(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<whmcsapi>\n<users>\n<clients>\n<id>1</id>\n<isOwner>true</isOwner>\n</clients>\n</users>\n</whmcsapi>\n"
        );
    }
}
