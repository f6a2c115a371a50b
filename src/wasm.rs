//! The wasm-bindgen boundary, and only that: JS values are read and built
//! through [`Doc`], results become plain JS objects, and failures become
//! thrown `StateError`s (an `Error` named `StateError` with a `path`, which
//! the TypeScript wrapper turns into its class) and `TypeError`s.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::api::{self, CallError, Outcome};
use crate::commands::Command;
use crate::doc::{Doc, HostError, Kind};
use crate::render::{self, Value};
use crate::response::{Change, Response};
use crate::store::{BatchOutcome, Call, Store};
use crate::vocabulary::{Permission, PermissionSet, PERMISSIONS};

// The few JS operations the core needs, each one call across the boundary.
// Reads that can run user code (getters, proxy traps) catch what it throws
// and report it through `takeFailure`, so an exception never unwinds
// through Rust frames.
#[wasm_bindgen(inline_js = r#"
let failure, failed = false;
const fail = (e) => { failure = e; failed = true; };
export function typeCode(v) {
  switch (typeof v) {
    case "undefined": return 0;
    case "boolean": return 2;
    case "number": return 3;
    case "bigint": return 4;
    case "string": return 5;
    // Array.isArray throws on a revoked proxy: then it is an object whose
    // every read fails (and is reported as such).
    case "object": if (v === null) return 1; try { return Array.isArray(v) ? 6 : 7; } catch { return 7; }
    default: return 8;
  }
}
export function num(v) { return v; }
export function tryGet(o, k) { try { return o[k]; } catch (e) { fail(e); } }
export function tryLength(o) { try { return o.length >>> 0; } catch (e) { fail(e); return 0; } }
export function tryCopy(o) { try { return { ...o }; } catch (e) { fail(e); return {}; } }
export function takeFailure() {
  if (!failed) return undefined;
  const e = failure;
  failure = undefined; failed = false;
  return e instanceof Error ? e.message : String(e);
}
export function put(o, k, v) { o[k] = v; }
export function numberText(n) { return String(n); }
export function keysOf(o) { try { return Object.keys(o); } catch (e) { fail(e); return []; } }
export function arrayOf(items) { return items; }
let names;
export function setNames(list) { names = new Map(list.map((n, i) => [n, i])); }
export function permIndex(v) { const i = names.get(v); return i === undefined ? -1 : i; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = typeCode)]
    fn type_code(v: &JsValue) -> u32;
    fn num(v: &JsValue) -> f64;
    #[wasm_bindgen(js_name = tryGet)]
    fn try_get(o: &JsValue, k: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = tryGet)]
    fn try_get_index(o: &JsValue, k: u32) -> JsValue;
    #[wasm_bindgen(js_name = tryLength)]
    fn try_length(o: &JsValue) -> u32;
    #[wasm_bindgen(js_name = tryCopy)]
    fn try_copy(o: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = takeFailure)]
    fn take_failure() -> Option<String>;
    fn put(o: &JsValue, k: &JsValue, v: &JsValue);
    #[wasm_bindgen(js_name = arrayOf)]
    fn array_of(items: Vec<JsValue>) -> JsValue;
    #[wasm_bindgen(js_name = setNames)]
    fn set_names(list: Vec<JsValue>);
    #[wasm_bindgen(js_name = permIndex)]
    fn perm_index(v: &JsValue) -> i32;
    #[wasm_bindgen(js_name = numberText)]
    fn number_text(n: f64) -> String;
    #[wasm_bindgen(js_name = keysOf)]
    fn keys_of(o: &JsValue) -> Vec<String>;
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
    static NAMES_JS: Vec<JsValue> = {
        let names: Vec<JsValue> = PERMISSIONS.iter().map(|s| JsValue::from_str(s)).collect();
        set_names(names.clone());
        names
    };
    /// One template array per permission set, made on first use; callers get copies.
    static SET_TEMPLATES: RefCell<Vec<Option<Array>>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with the JS string for `s`, cached when it is a known string.
fn with_js_str<T>(s: &str, f: impl FnOnce(&JsValue) -> T) -> T {
    match known_index(s) {
        Some(i) => KNOWN_JS.with(|v| f(&v[i])),
        None => f(&JsValue::from_str(s)),
    }
}

/// A JS value seen through [`Doc`], with its kind read once.
#[derive(Clone, Debug)]
pub struct JsDoc {
    pub value: JsValue,
    kind: Kind,
}

impl JsDoc {
    pub fn new(value: JsValue) -> JsDoc {
        let kind = match type_code(&value) {
            0 => Kind::Undefined,
            1 => Kind::Null,
            2 => Kind::Bool,
            3 => Kind::Number,
            4 => Kind::BigInt,
            5 => Kind::String,
            6 => Kind::Array,
            7 => Kind::Object,
            _ => Kind::Other,
        };
        JsDoc { value, kind }
    }

    fn made(value: JsValue, kind: Kind) -> JsDoc {
        JsDoc { value, kind }
    }
}

/// What a read returned, or the error it threw.
fn checked(value: JsValue) -> Result<JsDoc, HostError> {
    let doc = JsDoc::new(value);
    if doc.kind == Kind::Undefined {
        if let Some(message) = take_failure() {
            return Err(HostError(message));
        }
    }
    Ok(doc)
}

fn no_failure() -> Result<(), HostError> {
    take_failure().map_or(Ok(()), |m| Err(HostError(m)))
}

impl Doc for JsDoc {
    fn kind(&self) -> Kind {
        self.kind
    }
    fn as_f64(&self) -> Option<f64> {
        (self.kind == Kind::Number).then(|| num(&self.value))
    }
    fn as_string(&self) -> Option<String> {
        if self.kind == Kind::String {
            self.value.as_string()
        } else {
            None
        }
    }
    fn array_len(&self) -> Result<usize, HostError> {
        let len = try_length(&self.value);
        no_failure()?;
        Ok(len as usize)
    }
    fn array_get(&self, i: usize) -> Result<Self, HostError> {
        checked(try_get_index(&self.value, i as u32))
    }
    fn get(&self, key: &str) -> Result<Option<Self>, HostError> {
        let doc = checked(with_js_str(key, |k| try_get(&self.value, k)))?;
        Ok((doc.kind != Kind::Undefined).then_some(doc))
    }
    fn copy_object(&self) -> Result<Self, HostError> {
        let copy = try_copy(&self.value);
        no_failure()?;
        Ok(JsDoc::made(copy, Kind::Object))
    }
    fn set(&mut self, key: &str, value: Self) {
        // Only ever called on objects this crate made, with its own keys.
        with_js_str(key, |k| put(&self.value, k, &value.value));
    }
    fn new_object() -> Self {
        JsDoc::made(Object::new().into(), Kind::Object)
    }
    fn new_array(items: Vec<Self>) -> Self {
        let items = items.into_iter().map(|d| d.value).collect();
        JsDoc::made(array_of(items), Kind::Array)
    }
    fn from_str(s: &str) -> Self {
        JsDoc::made(with_js_str(s, JsValue::clone), Kind::String)
    }
    fn from_id(id: u64) -> Self {
        JsDoc::made(JsValue::from_f64(id as f64), Kind::Number)
    }
    fn number_text(n: f64) -> String {
        number_text(n)
    }
    fn as_permission(&self) -> Option<Permission> {
        // First use of NAMES_JS hands the 13 names to the JS side (setNames).
        NAMES_JS.with(|_| ());
        let i = perm_index(&self.value);
        usize::try_from(i).ok().and_then(Permission::from_index)
    }
    fn from_permissions(set: PermissionSet) -> Self {
        SET_TEMPLATES.with(|templates| {
            let mut templates = templates.borrow_mut();
            if templates.is_empty() {
                templates.resize(usize::from(PermissionSet::ALL.bits()) + 1, None);
            }
            let template = templates[usize::from(set.bits())].get_or_insert_with(|| {
                let array = Array::new();
                NAMES_JS.with(|names| {
                    for p in set.iter() {
                        array.push(&names[p.index()]);
                    }
                });
                array
            });
            JsDoc::made(template.slice(0, set.len() as u32).into(), Kind::Array)
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

/// A response as a plain JS object, through its `Serialize` impl
/// (serde-wasm-bindgen), keys in WHMCS order.
fn response_js(response: &Response) -> JsValue {
    response
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn response_doc(response: &Response) -> JsDoc {
    JsDoc::made(response_js(response), Kind::Object)
}

fn object(entries: &[(&str, JsDoc)]) -> JsValue {
    let out = JsDoc::new_object();
    for (key, value) in entries {
        with_js_str(key, |k| put(&out.value, k, &value.value));
    }
    out.value
}

fn outcome_js(outcome: Result<Outcome<JsDoc>, CallError>) -> Result<JsValue, JsValue> {
    let outcome = outcome.map_err(thrown)?;
    Ok(object(&[
        ("response", response_doc(&outcome.response)),
        ("state", outcome.state),
        ("changes", Change::list_to_doc(&outcome.changes)),
    ]))
}

fn response_changes_js(
    result: Result<(Response, Vec<Change>), CallError>,
) -> Result<JsValue, JsValue> {
    let (response, changes) = result.map_err(thrown)?;
    Ok(object(&[
        ("response", response_doc(&response)),
        ("changes", Change::list_to_doc(&changes)),
    ]))
}

#[wasm_bindgen(js_name = updateUserPermissions)]
pub fn update_user_permissions(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::update_user_permissions(
        &JsDoc::new(state),
        &JsDoc::new(params),
    ))
}

#[wasm_bindgen(js_name = deleteUserClient)]
pub fn delete_user_client(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::delete_user_client(
        &JsDoc::new(state),
        &JsDoc::new(params),
    ))
}

#[wasm_bindgen(js_name = createClientInvite)]
pub fn create_client_invite(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    outcome_js(api::create_client_invite(
        &JsDoc::new(state),
        &JsDoc::new(params),
    ))
}

#[wasm_bindgen(js_name = getUserPermissions)]
pub fn get_user_permissions(state: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    api::get_user_permissions(&JsDoc::new(state), &JsDoc::new(params))
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
        &JsDoc::new(command),
        &JsDoc::new(post_data),
        &JsDoc::new(state),
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
        &JsDoc::new(state),
        &JsDoc::new(user_id),
        &JsDoc::new(client_id),
        &JsDoc::new(permission),
    )
    .map_err(thrown)
}

/// `{"result":"error","message":"Authentication Failed"}`, for API endpoints.
#[wasm_bindgen(js_name = authenticationFailed)]
pub fn authentication_failed() -> JsValue {
    response_js(&Response::error(crate::message::AUTHENTICATION_FAILED))
}

/// The size of the module's linear memory, in bytes (a diagnostic).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
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
    let response = JsDoc::new(response);
    let kind = response.kind();
    if kind != Kind::Object {
        return Err(type_error(format!(
            "response must be an object, got {}",
            kind.article()
        )));
    }
    let format = format.as_string().unwrap_or_default();
    let command = match JsDoc::new(command.clone()).kind() {
        Kind::Undefined | Kind::Null => None,
        Kind::String => command.as_string(),
        other => {
            return Err(type_error(format!(
                "command must be a string, got {}",
                other.article()
            )))
        }
    };
    let mut budget = render::MAX_VALUES;
    let value = response_value(&response, 0, &mut budget)
        .map_err(|e| type_error(format!("response cannot be rendered: {e}")))?
        .unwrap_or(Value::Null);
    match format.as_str() {
        "json" => Ok(render::to_json_with(&value, &number_text)),
        "xml" => render::to_xml_with(&value, command.as_deref(), &number_text)
            .map_err(|e| type_error(e.0)),
        _ => Err(type_error("format must be \"json\" or \"xml\"".into())),
    }
}

/// A JS response as a [`Value`], the way `JSON.stringify` sees it: own
/// enumerable keys in order; `undefined`, functions and symbols skipped in
/// objects (`None`) and `null` in arrays; bigints refused.
/// `budget` counts down the values still allowed ([`render::MAX_VALUES`]).
fn response_value(doc: &JsDoc, depth: usize, budget: &mut usize) -> Result<Option<Value>, String> {
    let too_many = || format!("it holds more than {} values", render::MAX_VALUES);
    *budget = budget.checked_sub(1).ok_or_else(too_many)?;
    let nested = || {
        if depth >= render::MAX_DEPTH {
            Err(format!(
                "it is nested deeper than {} levels",
                render::MAX_DEPTH
            ))
        } else {
            Ok(depth + 1)
        }
    };
    Ok(Some(match doc.kind {
        Kind::Undefined | Kind::Other => return Ok(None),
        Kind::Null => Value::Null,
        Kind::Bool => Value::Bool(doc.value.is_truthy()),
        Kind::Number => Value::Number(num(&doc.value)),
        Kind::BigInt => return Err("it holds a bigint".into()),
        Kind::String => Value::String(doc.as_string().unwrap_or_default()),
        Kind::Array => {
            let depth = nested()?;
            let len = doc.array_len().map_err(|HostError(e)| e)?;
            if len > *budget {
                return Err(too_many());
            }
            let mut items = Vec::with_capacity(len.min(1 << 16));
            for i in 0..len {
                let item = doc.array_get(i).map_err(|HostError(e)| e)?;
                items.push(response_value(&item, depth, budget)?.unwrap_or(Value::Null));
            }
            Value::Array(items)
        }
        Kind::Object => {
            let depth = nested()?;
            let keys = keys_of(&doc.value);
            no_failure().map_err(|HostError(e)| e)?;
            let mut entries = Vec::with_capacity(keys.len());
            for key in keys {
                let item = checked(try_get(&doc.value, &JsValue::from_str(&key)))
                    .map_err(|HostError(e)| e)?;
                if let Some(value) = response_value(&item, depth, budget)? {
                    entries.push((key, value));
                }
            }
            Value::Object(entries)
        }
    }))
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
        Store::from_doc(&JsDoc::new(state))
            .map(|store| RawPermissionStore { store })
            .map_err(|e| thrown(CallError::State(e)))
    }

    /// `localApi(command, postData)` → `{response, changes}`.
    #[wasm_bindgen(js_name = localApi)]
    pub fn local_api(&mut self, command: JsValue, post_data: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(
            self.store
                .local_api(&JsDoc::new(command), &JsDoc::new(post_data)),
        )
    }

    #[wasm_bindgen(js_name = updateUserPermissions)]
    pub fn update_user_permissions(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(
            self.store
                .run(Command::UpdateUserPermissions, &JsDoc::new(params)),
        )
    }

    #[wasm_bindgen(js_name = deleteUserClient)]
    pub fn delete_user_client(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(
            self.store
                .run(Command::DeleteUserClient, &JsDoc::new(params)),
        )
    }

    #[wasm_bindgen(js_name = createClientInvite)]
    pub fn create_client_invite(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        response_changes_js(
            self.store
                .run(Command::CreateClientInvite, &JsDoc::new(params)),
        )
    }

    /// `GetUserPermissions` → the response only.
    #[wasm_bindgen(js_name = getUserPermissions)]
    pub fn get_user_permissions(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        self.store
            .run(Command::GetUserPermissions, &JsDoc::new(params))
            .map(|(r, _)| response_js(&r))
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
        api::check_permission(
            self.store.model(),
            &JsDoc::new(user_id),
            &JsDoc::new(client_id),
            &JsDoc::new(permission),
        )
        .map_err(thrown)
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
                JsDoc::new_array(responses.iter().map(response_doc).collect()),
            ),
            ("changes", Change::list_to_doc(&changes)),
            (
                "failedIndex",
                JsDoc::new(failed_index.map_or(JsValue::NULL, |i| JsValue::from_f64(i as f64))),
            ),
        ]))
    }

    /// The state, canonical, unknown fields kept.
    #[wasm_bindgen(js_name = toState)]
    pub fn to_state(&self) -> Result<JsValue, JsValue> {
        api::rendered(self.store.model())
            .map(|d| d.value)
            .map_err(thrown)
    }
}

/// Reads `[{command, params}, ...]`.
fn batch_calls(calls: &JsValue) -> Result<Vec<Call<JsDoc>>, CallError> {
    let calls = JsDoc::new(calls.clone());
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
    // Not `with_capacity(len)`: a sparse array's length (up to 2^32-1) is
    // no promise of elements.
    let mut out = Vec::with_capacity(len.min(1 << 16));
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
                    .map(|v| v.unwrap_or(JsDoc::new(JsValue::UNDEFINED))),
            )
        };
        out.push(Call {
            command: field("command")?,
            params: field("params")?,
        });
    }
    Ok(out)
}
