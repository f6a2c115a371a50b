//! A host value the way JavaScript holds one: shared, so reading a field
//! hands out a handle (as the wasm build's `JsValue` does) instead of a
//! deep copy (as `serde_json::Value`'s `Doc` does). Counting on this host
//! counts the core's own work, the work the npm package does.

use std::rc::Rc;

use whmcs_permissions::{Doc, HostError, Kind};

/// A JSON-like value with shared strings, arrays and objects.
#[derive(Clone, Debug)]
pub enum Host {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Str(Rc<str>),
    Array(Rc<Vec<Host>>),
    /// Keys in insertion order, as a JS object keeps string keys.
    Object(Rc<Vec<(Rc<str>, Host)>>),
}

impl Host {
    /// An object of these fields.
    pub fn object<const N: usize>(fields: [(&Rc<str>, Host); N]) -> Host {
        Host::Object(Rc::new(
            fields.into_iter().map(|(k, v)| (Rc::clone(k), v)).collect(),
        ))
    }

    pub fn array(items: Vec<Host>) -> Host {
        Host::Array(Rc::new(items))
    }

    pub fn str(s: &str) -> Host {
        Host::Str(Rc::from(s))
    }

    pub fn num(n: u64) -> Host {
        Host::Number(n as f64)
    }
}

impl From<&serde_json::Value> for Host {
    fn from(v: &serde_json::Value) -> Host {
        use serde_json::Value;
        match v {
            Value::Null => Host::Null,
            Value::Bool(b) => Host::Bool(*b),
            Value::Number(n) => Host::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Host::str(s),
            Value::Array(a) => Host::array(a.iter().map(Host::from).collect()),
            Value::Object(o) => Host::Object(Rc::new(
                o.iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Host::from(v)))
                    .collect(),
            )),
        }
    }
}

impl Doc for Host {
    fn kind(&self) -> Kind {
        match self {
            Host::Undefined => Kind::Undefined,
            Host::Null => Kind::Null,
            Host::Bool(_) => Kind::Bool,
            Host::Number(_) => Kind::Number,
            Host::Str(_) => Kind::String,
            Host::Array(_) => Kind::Array,
            Host::Object(_) => Kind::Object,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            Host::Number(n) => Some(*n),
            _ => None,
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Host::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn as_string(&self) -> Option<String> {
        match self {
            Host::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }
    fn array_len(&self) -> Result<usize, HostError> {
        Ok(match self {
            Host::Array(a) => a.len(),
            _ => 0,
        })
    }
    fn array_get(&self, i: usize) -> Result<Host, HostError> {
        Ok(match self {
            Host::Array(a) => a.get(i).cloned().unwrap_or(Host::Undefined),
            _ => Host::Undefined,
        })
    }
    fn get(&self, key: &str) -> Result<Option<Host>, HostError> {
        Ok(match self {
            Host::Object(o) => o
                .iter()
                .find(|(k, _)| &**k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !matches!(v, Host::Undefined)),
            _ => None,
        })
    }
    fn keys(&self) -> Result<Vec<String>, HostError> {
        Ok(match self {
            Host::Object(o) => o.iter().map(|(k, _)| k.to_string()).collect(),
            _ => Vec::new(),
        })
    }
    fn copy_object(&self) -> Result<Host, HostError> {
        Ok(match self {
            Host::Object(o) => Host::Object(Rc::new(o.as_ref().clone())),
            _ => Host::new_object(),
        })
    }
    fn set(&mut self, key: &str, value: Host) {
        if let Host::Object(o) = self {
            let fields = Rc::make_mut(o);
            match fields.iter_mut().find(|(k, _)| &**k == key) {
                Some(field) => field.1 = value,
                None => fields.push((Rc::from(key), value)),
            }
        }
    }
    fn new_object() -> Host {
        Host::Object(Rc::new(Vec::new()))
    }
    fn undefined() -> Host {
        Host::Undefined
    }
    fn new_array(items: Vec<Host>) -> Host {
        Host::array(items)
    }
    fn from_str(s: &str) -> Host {
        Host::str(s)
    }
    fn from_id(id: u64) -> Host {
        Host::num(id)
    }
}
