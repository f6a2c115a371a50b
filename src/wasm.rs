//! The wasm-bindgen boundary, and only that: JS values are read and built
//! through [`Doc`], results become plain JS objects, and failures become
//! thrown `StateError`s (an `Error` named `StateError` with a `path`, which
//! the TypeScript wrapper turns into its class) and `TypeError`s.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::api::{self, CallError, Outcome};
use crate::doc::{Doc, HostError, Kind};
use crate::render::{self, Value};
use crate::response::Response;

// Imports that can throw (getters, proxies) are declared with `catch` so a
// throwing host value becomes an error we report, never an exception that
// unwinds through Rust frames.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(o: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = fromEntries)]
    fn object_from_entries(entries: &JsValue) -> Result<JsValue, JsValue>;
}

/// A JS value seen through [`Doc`].
#[derive(Clone, Debug)]
pub struct JsDoc(pub JsValue);

fn host_error(e: JsValue) -> HostError {
    let text = Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an exception was thrown".into());
    HostError(text)
}

impl Doc for JsDoc {
    fn kind(&self) -> Kind {
        let v = &self.0;
        if v.is_undefined() {
            Kind::Undefined
        } else if v.is_null() {
            Kind::Null
        } else if v.as_bool().is_some() {
            Kind::Bool
        } else if v.as_f64().is_some() {
            Kind::Number
        } else if v.is_string() {
            Kind::String
        } else if v.is_bigint() {
            Kind::BigInt
        } else if Array::is_array(v) {
            Kind::Array
        } else if v.is_object() {
            Kind::Object
        } else {
            Kind::Other
        }
    }
    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn as_string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn array_len(&self) -> Result<usize, HostError> {
        let len = Reflect::get(&self.0, &JsValue::from_str(wasm_bindgen::intern("length")))
            .map_err(host_error)?;
        Ok(len.as_f64().map_or(0, |n| n as usize))
    }
    fn array_get(&self, i: usize) -> Result<Self, HostError> {
        Reflect::get_u32(&self.0, i as u32)
            .map(JsDoc)
            .map_err(host_error)
    }
    fn get(&self, key: &str) -> Result<Option<Self>, HostError> {
        let v = Reflect::get(&self.0, &JsValue::from_str(wasm_bindgen::intern(key)))
            .map_err(host_error)?;
        Ok((!v.is_undefined()).then_some(JsDoc(v)))
    }
    fn copy_object(&self) -> Result<Self, HostError> {
        let entries = object_entries(&self.0).map_err(host_error)?;
        object_from_entries(&entries).map(JsDoc).map_err(host_error)
    }
    fn set(&mut self, key: &str, value: Self) {
        // Only ever called on objects this crate made, with its own keys.
        let _ = Reflect::set(
            &self.0,
            &JsValue::from_str(wasm_bindgen::intern(key)),
            &value.0,
        );
    }
    fn new_object() -> Self {
        JsDoc(Object::new().into())
    }
    fn new_array(items: Vec<Self>) -> Self {
        let array = Array::new_with_length(items.len() as u32);
        for (i, item) in items.into_iter().enumerate() {
            array.set(i as u32, item.0);
        }
        JsDoc(array.into())
    }
    fn from_str(s: &str) -> Self {
        JsDoc(JsValue::from_str(s))
    }
    fn from_id(id: u64) -> Self {
        JsDoc(JsValue::from_f64(id as f64))
    }
}

/// `CallError` as the exception the wrapper rethrows.
fn thrown(e: CallError) -> JsValue {
    match e {
        CallError::State(e) => {
            let error = js_sys::Error::new(&e.to_string());
            error.set_name("StateError");
            let _ = Reflect::set(&error, &"path".into(), &JsValue::from_str(&e.path));
            error.into()
        }
        CallError::Type(m) => js_sys::TypeError::new(&m).into(),
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn response_js(response: &Response) -> JsValue {
    to_js(response)
}

fn outcome_js(outcome: Result<Outcome<JsDoc>, CallError>) -> Result<JsValue, JsValue> {
    let outcome = outcome.map_err(thrown)?;
    let object = Object::new();
    let _ = Reflect::set(&object, &"response".into(), &response_js(&outcome.response));
    let _ = Reflect::set(&object, &"state".into(), &outcome.state.0);
    let _ = Reflect::set(&object, &"changes".into(), &to_js(&outcome.changes));
    Ok(object.into())
}

#[wasm_bindgen(js_name = updateUserPermissions)]
pub fn update_user_permissions(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::update_user_permissions(&JsDoc(state), &JsDoc(params)))
}

#[wasm_bindgen(js_name = deleteUserClient)]
pub fn delete_user_client(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::delete_user_client(&JsDoc(state), &JsDoc(params)))
}

#[wasm_bindgen(js_name = createClientInvite)]
pub fn create_client_invite(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::create_client_invite(&JsDoc(state), &JsDoc(params)))
}

#[wasm_bindgen(js_name = getUserPermissions)]
pub fn get_user_permissions(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    api::get_user_permissions(&JsDoc(state), &JsDoc(params))
        .map(|r| response_js(&r))
        .map_err(thrown)
}

#[wasm_bindgen(js_name = getPermissionsList)]
pub fn get_permissions_list() -> JsValue {
    response_js(&crate::get_permissions_list())
}

#[wasm_bindgen(js_name = localApi)]
pub fn local_api(command: JsValue, post_data: JsValue, state: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::local_api(
        &JsDoc(command),
        &JsDoc(post_data),
        &JsDoc(state),
    ))
}

#[wasm_bindgen(js_name = hasPermission)]
pub fn has_permission(
    state: JsValue,
    user_id: JsValue,
    client_id: JsValue,
    permission: JsValue,
) -> Result<bool, JsValue> {
    api::has_permission(
        &JsDoc(state),
        &JsDoc(user_id),
        &JsDoc(client_id),
        &JsDoc(permission),
    )
    .map_err(thrown)
}

/// `{"result":"error","message":"Authentication Failed"}`, for API endpoints.
#[wasm_bindgen(js_name = authenticationFailed)]
pub fn authentication_failed() -> JsValue {
    response_js(&Response::error(crate::message::AUTHENTICATION_FAILED))
}

/// The 13 names, canonical order.
#[wasm_bindgen(js_name = permissionNames)]
pub fn permission_names() -> Array {
    crate::PERMISSIONS
        .iter()
        .map(|p| JsValue::from_str(p))
        .collect()
}

/// `formatResponse(response, "json" | "xml", command?)`.
#[wasm_bindgen(js_name = formatResponse)]
pub fn format_response(
    response: JsValue,
    format: JsValue,
    command: JsValue,
) -> Result<String, JsValue> {
    let type_error = |m: String| JsValue::from(js_sys::TypeError::new(&m));
    let kind = JsDoc(response.clone()).kind();
    if kind != Kind::Object {
        return Err(type_error(format!(
            "response must be an object, got {}",
            kind.article()
        )));
    }
    let format = format.as_string().unwrap_or_default();
    let command = match JsDoc(command.clone()).kind() {
        Kind::Undefined | Kind::Null => None,
        Kind::String => command.as_string(),
        other => {
            return Err(type_error(format!(
                "command must be a string, got {}",
                other.article()
            )))
        }
    };
    let value: Value = serde_wasm_bindgen::from_value(response)
        .map_err(|e| type_error(format!("response cannot be rendered: {e}")))?;
    match format.as_str() {
        "json" => Ok(render::to_json(&value)),
        "xml" => render::to_xml(&value, command.as_deref()).map_err(|e| type_error(e.0)),
        _ => Err(type_error("format must be \"json\" or \"xml\"".into())),
    }
}
