//! Rendering any WHMCS-style response (a tree of objects, arrays, strings,
//! numbers) as the API's JSON or XML text, so that `formatResponse` gives the
//! same bytes in every runtime.

use std::fmt::{self, Write};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deepest nesting `formatResponse` accepts; responses are two levels deep.
pub const MAX_DEPTH: usize = 64;

/// A response tree with object keys in insertion order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// Why a value cannot be rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError(pub String);

impl Value {
    /// Depth of nesting (a scalar is 0).
    fn depth(&self) -> usize {
        match self {
            Value::Array(items) => 1 + items.iter().map(Value::depth).max().unwrap_or(0),
            Value::Object(entries) => 1 + entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor(0))
    }
}

struct ValueVisitor(usize);

impl ValueVisitor {
    fn nested<E: serde::de::Error>(&self) -> Result<ValueVisitor, E> {
        if self.0 >= MAX_DEPTH {
            return Err(E::custom(format!(
                "response is nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(ValueVisitor(self.0 + 1))
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for ValueVisitor {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a response value (object, array, string, number, boolean or null)")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(ValueVisitor(inner.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueVisitor(inner.0))?;
            entries.push((key, value));
        }
        Ok(Value::Object(entries))
    }
}

/// JavaScript's `String(number)` for the numbers a response can hold.
fn write_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null"); // as JSON.stringify does
    } else if n == n.trunc() && n.abs() < 1e21 {
        let _ = write!(out, "{}", n as i128);
    } else {
        let _ = write!(out, "{n}");
    }
}

/// JSON text exactly as `JSON.stringify` writes it (no spaces).
///
/// ```
/// use whmcs_permissions::render::{to_json, Value};
/// let v = Value::Object(vec![("result".into(), Value::String("success".into()))]);
/// assert_eq!(to_json(&v), r#"{"result":"success"}"#);
/// ```
pub fn to_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, key);
                out.push(':');
                write_json(out, item);
            }
            out.push('}');
        }
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

/// XML text in the WHMCS API's shape: a declaration, a `<whmcsapi>` root
/// holding `<action>` (the lowercased command, when given) and one element
/// per key; arrays become repeated elements named by their key.
///
/// ```
/// use whmcs_permissions::render::{to_xml, Value};
/// let v = Value::Object(vec![("result".into(), Value::String("success".into()))]);
/// assert_eq!(to_xml(&v, Some("UpdateUserPermissions")).unwrap(),
///     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<whmcsapi>\n<action>updateuserpermissions</action>\n<result>success</result>\n</whmcsapi>\n");
/// ```
pub fn to_xml(value: &Value, command: Option<&str>) -> Result<String, RenderError> {
    let Value::Object(entries) = value else {
        return Err(RenderError("a response must be an object".into()));
    };
    if value.depth() > MAX_DEPTH {
        return Err(RenderError(format!(
            "response is nested deeper than {MAX_DEPTH} levels"
        )));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<whmcsapi>\n");
    if let Some(command) = command {
        out.push_str("<action>");
        write_xml_text(&mut out, &command.to_lowercase());
        out.push_str("</action>\n");
    }
    for (key, item) in entries {
        write_xml_element(&mut out, key, item);
    }
    out.push_str("</whmcsapi>\n");
    Ok(out)
}

fn write_xml_element(out: &mut String, key: &str, value: &Value) {
    if let Value::Array(items) = value {
        for item in items {
            write_xml_element(out, key, item);
        }
        return;
    }
    let name = xml_name(key);
    let _ = write!(out, "<{name}>");
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_xml_text(out, s),
        Value::Object(entries) => {
            out.push('\n');
            for (k, v) in entries {
                write_xml_element(out, k, v);
            }
        }
        Value::Array(_) => {} // expanded into repeated elements above
    }
    let _ = writeln!(out, "</{name}>");
}

/// A key as an XML element name: characters that cannot appear in a name
/// become `_`, and a name that cannot start as it is gets a `_` prefix.
fn xml_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let starts_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    if !starts_ok || name.to_ascii_lowercase().starts_with("xml") {
        name.insert(0, '_');
    }
    name
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
        write_number(&mut s, 7.0);
        s.push(' ');
        write_number(&mut s, -0.0);
        s.push(' ');
        write_number(&mut s, 1.5);
        assert_eq!(s, "7 0 1.5");
    }

    #[test]
    fn xml_escapes_and_repeats_arrays() {
        let v = Value::Object(vec![
            ("result".into(), Value::String("error".into())),
            ("message".into(), Value::String("a<b & \"c\"\u{1}".into())),
            (
                "permissions".into(),
                Value::Object(vec![(
                    "permission".into(),
                    Value::Array(vec![
                        Value::String("profile".into()),
                        Value::String("orders".into()),
                    ]),
                )]),
            ),
        ]);
        let xml = to_xml(&v, None).unwrap();
        assert!(xml.contains("<message>a&lt;b &amp; &quot;c&quot;\u{FFFD}</message>"));
        assert!(xml.contains("<permissions>\n<permission>profile</permission>\n<permission>orders</permission>\n</permissions>"));
    }

    #[test]
    fn xml_names_are_made_valid() {
        assert_eq!(xml_name("1a b"), "_1a_b");
        assert_eq!(xml_name("xmlns"), "_xmlns");
        assert_eq!(xml_name(""), "_");
    }
}
