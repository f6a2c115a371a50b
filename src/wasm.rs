//! The wasm-bindgen boundary, and only that: JS values are read and built
//! through [`Doc`], results become plain JS objects, and failures become
//! thrown `StateError`s (an `Error` named `StateError` with a `path`, which
//! the TypeScript wrapper turns into its class) and `TypeError`s.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::api::{self, CallError, Outcome};
use crate::commands::Command;
use crate::doc::{Doc, HostError, Kind};
use crate::index::{id_map, IdMap};
use crate::render::{self, Value};
use crate::response::{Change, Response};
use crate::store::{BatchOutcome, Call, Store};
use crate::vocabulary::{Permission, PermissionSet, PERMISSIONS};

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

/// Strings the boundary sends often, created in JS once.
macro_rules! known_strings {
    ($($s:literal),* $(,)?) => {
        const KNOWN: &[&str] = &[$($s),*];
        fn known_index(s: &str) -> Option<usize> {
            let mut i = 0;
            $( if s == $s { return Some(i); } i += 1; )*
            let _ = i;
            None
        }
    };
}
known_strings![
    "result",
    "success",
    "error",
    "message",
    "permissions",
    "permission",
    "op",
    "user_id",
    "client_id",
    "before",
    "after",
    "email",
    "set_permissions",
    "remove_link",
    "add_invite",
    "users",
    "clients",
    "user_clients",
    "invites",
    "length",
    "id",
    "owner_user_id",
    "response",
    "state",
    "changes",
    "responses",
    "failedIndex",
];

thread_local! {
    static KNOWN_JS: Vec<JsValue> = KNOWN.iter().map(|s| JsValue::from_str(s)).collect();
    static NAMES_JS: Vec<JsValue> = PERMISSIONS.iter().map(|s| JsValue::from_str(s)).collect();
    /// One frozen-in-spirit template array per permission set; callers get copies.
    static SET_TEMPLATES: RefCell<IdMap<u16, Array>> = RefCell::new(id_map(16));
}

/// Calls `f` with the JS string for `s`, cached when it is a known string.
fn with_js_str<T>(s: &str, f: impl FnOnce(&JsValue) -> T) -> T {
    match known_index(s) {
        Some(i) => KNOWN_JS.with(|v| f(&v[i])),
        None => f(&JsValue::from_str(s)),
    }
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
        let len = with_js_str("length", |k| Reflect::get(&self.0, k)).map_err(host_error)?;
        Ok(len.as_f64().map_or(0, |n| n as usize))
    }
    fn array_get(&self, i: usize) -> Result<Self, HostError> {
        Reflect::get_u32(&self.0, i as u32)
            .map(JsDoc)
            .map_err(host_error)
    }
    fn get(&self, key: &str) -> Result<Option<Self>, HostError> {
        let v = with_js_str(key, |k| Reflect::get(&self.0, k)).map_err(host_error)?;
        Ok((!v.is_undefined()).then_some(JsDoc(v)))
    }
    fn copy_object(&self) -> Result<Self, HostError> {
        let entries = object_entries(&self.0).map_err(host_error)?;
        object_from_entries(&entries).map(JsDoc).map_err(host_error)
    }
    fn set(&mut self, key: &str, value: Self) {
        // Only ever called on objects this crate made, with its own keys.
        let _ = with_js_str(key, |k| Reflect::set(&self.0, k, &value.0));
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
        JsDoc(with_js_str(s, JsValue::clone))
    }
    fn from_id(id: u64) -> Self {
        JsDoc(JsValue::from_f64(id as f64))
    }
    fn from_permissions(set: PermissionSet) -> Self {
        SET_TEMPLATES.with(|templates| {
            let mut templates = templates.borrow_mut();
            let template = templates.entry(set.bits()).or_insert_with(|| {
                let array = Array::new();
                NAMES_JS.with(|names| {
                    for p in set.iter() {
                        array.push(&names[p.index()]);
                    }
                });
                array
            });
            JsDoc(template.slice(0, set.len() as u32).into())
        })
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

fn object(entries: &[(&str, JsDoc)]) -> JsValue {
    let mut out = JsDoc::new_object();
    for (key, value) in entries {
        out.set(key, value.clone());
    }
    out.0
}

fn outcome_js(outcome: Result<Outcome<JsDoc>, CallError>) -> Result<JsValue, JsValue> {
    let outcome = outcome.map_err(thrown)?;
    Ok(object(&[
        ("response", outcome.response.to_doc()),
        ("state", outcome.state),
        ("changes", Change::list_to_doc(&outcome.changes)),
    ]))
}

fn response_changes_js(
    result: Result<(Response, Vec<Change>), CallError>,
) -> Result<JsValue, JsValue> {
    let (response, changes) = result.map_err(thrown)?;
    Ok(object(&[
        ("response", response.to_doc()),
        ("changes", Change::list_to_doc(&changes)),
    ]))
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
        .map(|r| r.to_doc::<JsDoc>().0)
        .map_err(thrown)
}

#[wasm_bindgen(js_name = getPermissionsList)]
pub fn get_permissions_list() -> JsValue {
    crate::get_permissions_list().to_doc::<JsDoc>().0
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
    Response::error(crate::message::AUTHENTICATION_FAILED)
        .to_doc::<JsDoc>()
        .0
}

/// The 13 names, canonical order.
#[wasm_bindgen(js_name = permissionNames)]
pub fn permission_names() -> Array {
    PERMISSIONS.iter().map(|p| JsValue::from_str(p)).collect()
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

/// The indexed store (wrapped by the TypeScript `PermissionStore` class).
#[wasm_bindgen(js_name = RawPermissionStore)]
pub struct RawPermissionStore {
    store: Store<JsDoc>,
}

#[wasm_bindgen(js_class = RawPermissionStore)]
impl RawPermissionStore {
    /// Validates and indexes a state.
    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(state: JsValue) -> Result<RawPermissionStore, JsValue> {
        Store::from_doc(&JsDoc(state))
            .map(|store| RawPermissionStore { store })
            .map_err(|e| thrown(CallError::State(e)))
    }

    /// `localApi(command, postData)` → `{response, changes}`.
    #[wasm_bindgen(js_name = localApi)]
    pub fn local_api(&mut self, command: JsValue, post_data: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(self.store.local_api(&JsDoc(command), &JsDoc(post_data)))
    }

    #[wasm_bindgen(js_name = updateUserPermissions)]
    pub fn update_user_permissions(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(
            self.store
                .run(Command::UpdateUserPermissions, &JsDoc(params)),
        )
    }

    #[wasm_bindgen(js_name = deleteUserClient)]
    pub fn delete_user_client(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(self.store.run(Command::DeleteUserClient, &JsDoc(params)))
    }

    #[wasm_bindgen(js_name = createClientInvite)]
    pub fn create_client_invite(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(self.store.run(Command::CreateClientInvite, &JsDoc(params)))
    }

    /// `GetUserPermissions` → the response only.
    #[wasm_bindgen(js_name = getUserPermissions)]
    pub fn get_user_permissions(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        self.store
            .run(Command::GetUserPermissions, &JsDoc(params))
            .map(|(r, _)| r.to_doc::<JsDoc>().0)
            .map_err(thrown)
    }

    /// `hasPermission` with ids and name as given (any JS values).
    #[wasm_bindgen(js_name = hasPermission)]
    pub fn has_permission(
        &self,
        user_id: JsValue,
        client_id: JsValue,
        permission: JsValue,
    ) -> Result<bool, JsValue> {
        let permission = api::permission_arg(&JsDoc(permission)).map_err(thrown)?;
        Ok(self.store.has_permission(
            crate::parse_id(Some(&JsDoc(user_id))),
            crate::parse_id(Some(&JsDoc(client_id))),
            permission,
        ))
    }

    /// The hot path: numeric ids and the permission's index in `PERMISSIONS`.
    #[wasm_bindgen(js_name = hasPermissionIndexed)]
    pub fn has_permission_indexed(&self, user_id: f64, client_id: f64, permission: u32) -> bool {
        Permission::from_index(permission as usize).is_some_and(|p| {
            self.store.has_permission(
                crate::parse_id_number(user_id),
                crate::parse_id_number(client_id),
                p,
            )
        })
    }

    /// `applyBatch(calls, atomic)` → `{responses, changes, failedIndex}`.
    #[wasm_bindgen(js_name = applyBatch)]
    pub fn apply_batch(&mut self, calls: JsValue, atomic: bool) -> Result<JsValue, JsValue> {
        let calls = batch_calls(&calls).map_err(thrown)?;
        let BatchOutcome {
            responses,
            changes,
            failed_index,
        } = self.store.apply_batch(&calls, atomic).map_err(thrown)?;
        Ok(object(&[
            (
                "responses",
                JsDoc::new_array(responses.iter().map(Response::to_doc).collect()),
            ),
            ("changes", Change::list_to_doc(&changes)),
            (
                "failedIndex",
                JsDoc(failed_index.map_or(JsValue::NULL, |i| JsValue::from_f64(i as f64))),
            ),
        ]))
    }

    /// The state, canonical, unknown fields kept.
    #[wasm_bindgen(js_name = toState)]
    pub fn to_state(&self) -> Result<JsValue, JsValue> {
        self.store.to_doc().map(|d| d.0).map_err(|HostError(e)| {
            thrown(CallError::State(crate::StateError {
                path: "state".into(),
                problem: format!("could not be copied: {e}"),
            }))
        })
    }
}

/// Reads `[{command, params}, ...]`.
fn batch_calls(calls: &JsValue) -> Result<Vec<Call<JsDoc>>, CallError> {
    let calls = JsDoc(calls.clone());
    if calls.kind() != Kind::Array {
        return Err(CallError::Type(format!(
            "calls must be an array, got {}",
            calls.kind().article()
        )));
    }
    let read = |r: Result<JsDoc, HostError>| {
        r.map_err(|HostError(e)| CallError::Type(format!("calls could not be read: {e}")))
    };
    let len = calls
        .array_len()
        .map_err(|HostError(e)| CallError::Type(e))?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let call = read(calls.array_get(i))?;
        if call.kind() != Kind::Object {
            return Err(CallError::Type(format!(
                "calls[{i}] must be an object {{command, params}}, got {}",
                call.kind().article()
            )));
        }
        let field = |key: &str| -> Result<JsDoc, CallError> {
            read(
                call.get(key)
                    .map(|v| v.unwrap_or(JsDoc(JsValue::UNDEFINED))),
            )
        };
        out.push(Call {
            command: field("command")?,
            params: field("params")?,
        });
    }
    Ok(out)
}
