//! Rendering any WHMCS-style response (a tree of objects, arrays, strings,
//! numbers) as the API's JSON or XML text, so that `formatResponse` gives the
//! same bytes in every runtime.

use std::fmt::{self, Write};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deepest nesting `formatResponse` accepts; responses are two levels deep.
pub const MAX_DEPTH: usize = 64;

/// Most values (scalars and containers) `formatResponse` reads from one
/// response: a bound on its time and memory, whatever an array's length says.
pub const MAX_VALUES: usize = 1_000_000;

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

/// How numbers are written: JSON and XML want JavaScript's `String(n)`.
/// In WebAssembly the host formats them (exact by definition, and it keeps
/// float formatting out of the binary); natively [`js_number`] does.
pub type NumberText<'a> = &'a dyn Fn(f64) -> String;

fn write_number(out: &mut String, n: f64, text: NumberText) {
    if !n.is_finite() {
        out.push_str("null"); // as JSON.stringify does
    } else if n == n.trunc() && n.abs() < 9_007_199_254_740_992.0 {
        let _ = write!(out, "{}", n as i64);
    } else {
        out.push_str(&text(n));
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
    to_json_with(value, &js_number)
}

/// [`to_json`] with the host's number formatting.
pub fn to_json_with(value: &Value, text: NumberText) -> String {
    let mut out = String::new();
    write_json(&mut out, value, text);
    out
}

fn write_json(out: &mut String, value: &Value, text: NumberText) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n, text),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item, text);
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
                write_json(out, item, text);
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
    to_xml_with(value, command, &js_number)
}

/// [`to_xml`] with the host's number formatting.
pub fn to_xml_with(
    value: &Value,
    command: Option<&str>,
    text: NumberText,
) -> Result<String, RenderError> {
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
        write_xml_element(&mut out, key, item, text);
    }
    out.push_str("</whmcsapi>\n");
    Ok(out)
}

fn write_xml_element(out: &mut String, key: &str, value: &Value, text: NumberText) {
    if let Value::Array(items) = value {
        for item in items {
            write_xml_element(out, key, item, text);
        }
        return;
    }
    let name = xml_name(key);
    let _ = write!(out, "<{name}>");
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n, text),
        Value::String(s) => write_xml_text(out, s),
        Value::Object(entries) => {
            out.push('\n');
            for (k, v) in entries {
                write_xml_element(out, k, v, text);
            }
        }
        Value::Array(_) => {} // expanded into repeated elements above
    }
    let _ = writeln!(out, "</{name}>");
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
            write_number(&mut s, n, &js_number);
            s.push(' ');
        }
        assert_eq!(
            s,
            "7 0 1.5 null 1e+21 1e-7 0.1 -123.456 5e-324 1.7976931348623157e+308 "
        );
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
        assert_eq!(xml_name("été·x"), "été·x");
        assert_eq!(xml_name("a:b"), "a_b");
    }
}
