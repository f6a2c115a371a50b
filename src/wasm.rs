//! The wasm-bindgen boundary, and only that: JS values are read and built
//! through [`Doc`] (with js-sys's catching `Reflect.get`, so a throwing
//! getter or proxy trap becomes a [`HostError`], never an exception through
//! Rust frames), results become plain JS objects through serde, and errors
//! become the wrapper's `StateError` and `TypeError`.

use crate::prelude::*;

use core::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::api::{self, CallError, Outcome};
use crate::commands::Command;
use crate::doc::{Doc, HostError, Kind};
use crate::store::{Call, Store};
use crate::text::Message;
use crate::tree::{ToTree, Tree};

#[wasm_bindgen]
extern "C" {
    /// `Object.keys`, as the array it returns (read with the bindings
    /// every array is read with, rather than a `Vec<String>` conversion of
    /// its own).
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<JsValue, JsValue>;
    /// `String(n)`: numbers are written by the host, so no float formatting
    /// is compiled in.
    #[wasm_bindgen(js_name = String)]
    fn js_string(n: f64) -> String;

    /// A plain object this crate made.
    type Plain;
    /// `object[key] = value`, for responses and changes: the binding
    /// serde-wasm-bindgen uses for them, without `Reflect.set`'s catching
    /// wrapper (which made GetUsers' pages ~2.5x slower).
    #[wasm_bindgen(method, indexing_setter)]
    fn put(this: &Plain, key: &JsValue, value: &JsValue);

    /// A JS array of words, and its `indexOf(value)`: without js-sys's `fromIndex`: its import then
    /// has the signature of another, and V8 compiles one import wrapper per
    /// signature when it compiles the module (cold start).
    type Words;
    #[wasm_bindgen(method, js_name = indexOf)]
    fn index_of(this: &Words, value: &JsValue) -> i32;
}

/// Sets a key on a plain object this crate made.
fn put(object: &JsValue, k: &str, value: &JsValue) {
    object.unchecked_ref::<Plain>().put(&key(k), value);
}

// The helpers js-sys has no binding for (kindOf, spread, describeValue):
// src/wasm.js says why each is there.
#[wasm_bindgen(module = "/src/wasm.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(value: &JsValue) -> u32;
    #[wasm_bindgen(catch)]
    fn spread(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = describeValue)]
    fn debug_string(value: &JsValue) -> String;
}

/// The .wasm's allocator: talc takes a fraction of dlmalloc's code (std's
/// default on wasm32) and grows the memory the same way.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Per-instance state. The .wasm runs on one thread (it is built without
/// the atomics feature), so a `static` cell is sound, with or without std.
struct Local<T>(RefCell<T>);

// SAFETY: wasm32 without atomics has a single thread; nothing is shared.
unsafe impl<T> Sync for Local<T> {}

/// The wrapper's `StateError` class (see [`set_error_class`]).
static STATE_ERROR: Local<Option<js_sys::Function>> = Local(RefCell::new(None));

/// Buckets of [`STRINGS`], two strings each: the ~70 words the core reads
/// and writes over and over (keys, results, ops, permission names) never
/// share a bucket three at a time under [`bucket`], so none evicts another.
const STRING_BUCKETS: usize = 256;

/// JS strings for the keys and names the core uses over and over, made
/// once each: making a JS string from Rust decodes its UTF-8 every time.
/// A small cache, two-way by content (wasm-bindgen's own `intern`
/// needs std); a miss or a long string just makes a new one. A `Box<str>`,
/// not a `String`: an empty slot is then all zero bytes, so the table
/// takes no data segments in the .wasm.
static STRINGS: Local<[[CachedString; 2]; STRING_BUCKETS]> =
    Local(RefCell::new([const { [None, None] }; STRING_BUCKETS]));

/// The JS array of a word list [`Doc::word_index`] was last asked about
/// (the permission names), by the list's address: a `&'static` list never
/// moves or changes.
static WORDS: Local<Option<(usize, Array)>> = Local(RefCell::new(None));

/// A slot of [`STRINGS`]: the text and its JS string.
type CachedString = Option<(Box<str>, JsValue)>;

/// A string's bucket, from its length and three of its bytes: O(1), where
/// hashing every byte cost more than the lookup it saves.
fn bucket(s: &[u8]) -> usize {
    let (n, first, mid, last) = match s {
        [] => (0, 0, 0, 0),
        [first, .., last] | [first @ last] => (s.len(), *first, s[s.len() / 2], *last),
    };
    let h = (n as u32).wrapping_mul(0x9E37_79B1)
        ^ u32::from(first).wrapping_mul(0x85EB_CA77)
        ^ u32::from(mid).wrapping_mul(0xC2B2_AE3D)
        ^ u32::from(last).wrapping_mul(0x27D4_EB2F);
    (h.wrapping_mul(0x9E37_79B1) >> 24) as usize % STRING_BUCKETS
}

fn js_str(s: &str) -> JsValue {
    if s.len() > 32 {
        return JsValue::from_str(s);
    }
    let Ok(mut cache) = STRINGS.0.try_borrow_mut() else {
        return JsValue::from_str(s);
    };
    let ways = &mut cache[bucket(s.as_bytes())];
    for (text, value) in ways.iter().flatten() {
        if **text == *s {
            return value.clone();
        }
    }
    // The newest in front; the older of the two makes room.
    let value = JsValue::from_str(s);
    ways[1] = ways[0].take();
    ways[0] = Some((s.into(), value.clone()));
    value
}

/// A JS value seen through [`Doc`], with its kind read once.
#[derive(Clone, Debug)]
pub struct JsDoc {
    value: JsValue,
    kind: Kind,
}

impl JsDoc {
    /// Wraps a value from JS.
    pub fn new(value: JsValue) -> JsDoc {
        /// `kindOf`'s answers, in order.
        const KINDS: [Kind; 9] = [
            Kind::Undefined,
            Kind::Null,
            Kind::Bool,
            Kind::Number,
            Kind::BigInt,
            Kind::String,
            Kind::Array,
            Kind::Object,
            Kind::Other,
        ];
        let kind = KINDS
            .get(kind_of(&value) as usize)
            .copied()
            .unwrap_or(Kind::Other);
        JsDoc { value, kind }
    }

    fn made(value: impl Into<JsValue>, kind: Kind) -> JsDoc {
        JsDoc {
            value: value.into(),
            kind,
        }
    }
}

/// What a JS exception says, for messages.
fn host_error(e: JsValue) -> HostError {
    HostError(match e.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => e
            .as_string()
            .unwrap_or_else(|| crate::text::concat(&["JsValue(", &debug_string(&e), ")"])),
    })
}

fn key(k: &str) -> JsValue {
    js_str(k)
}

impl Doc for JsDoc {
    fn kind(&self) -> Kind {
        self.kind
    }
    fn as_f64(&self) -> Option<f64> {
        // `+v` on a number is the number, returned directly.
        (self.kind == Kind::Number).then(|| self.value.unchecked_into_f64())
    }
    fn as_bool(&self) -> Option<bool> {
        (self.kind == Kind::Bool).then(|| self.value.is_truthy())
    }
    fn as_string(&self) -> Option<String> {
        self.value.as_string()
    }
    fn word_index(&self, words: &'static [&'static str]) -> Option<usize> {
        if self.kind != Kind::String {
            return None;
        }
        // `indexOf` compares with `===`: no copy of the string into the module.
        let Ok(mut cache) = WORDS.0.try_borrow_mut() else {
            let s = self.as_string()?;
            return words.iter().position(|w| **w == *s);
        };
        let list = match &*cache {
            Some((at, list)) if *at == words.as_ptr() as usize => list,
            _ => {
                &cache
                    .insert((
                        words.as_ptr() as usize,
                        words.iter().map(|w| js_str(w)).collect(),
                    ))
                    .1
            }
        };
        usize::try_from(list.unchecked_ref::<Words>().index_of(&self.value)).ok()
    }
    fn array_len(&self) -> Result<usize, HostError> {
        let len = Reflect::get(&self.value, &key("length")).map_err(host_error)?;
        // ToUint32, as `length >>> 0` would read it.
        Ok(JsDoc::new(len).as_f64().map_or(0, |n| n as i64 as u32) as usize)
    }
    fn array_get(&self, i: usize) -> Result<Self, HostError> {
        Reflect::get_u32(&self.value, i as u32)
            .map(JsDoc::new)
            .map_err(host_error)
    }
    fn get(&self, k: &str) -> Result<Option<Self>, HostError> {
        if !matches!(self.kind, Kind::Object | Kind::Array) {
            return Ok(None);
        }
        let value = JsDoc::new(Reflect::get(&self.value, &key(k)).map_err(host_error)?);
        Ok((value.kind != Kind::Undefined).then_some(value))
    }
    fn keys(&self) -> Result<Vec<String>, HostError> {
        // An array of strings, made by `Object.keys`: reading it cannot throw.
        let keys = JsDoc::made(object_keys(&self.value).map_err(host_error)?, Kind::Array);
        let len = keys.array_len()?;
        let mut out = Vec::with_capacity(len);
        for i in 0..len as u32 {
            let key = Reflect::get_u32(&keys.value, i).map_err(host_error)?;
            out.extend(key.as_string());
        }
        Ok(out)
    }
    fn copy_object(&self) -> Result<Self, HostError> {
        Ok(JsDoc::made(
            spread(&self.value).map_err(host_error)?,
            Kind::Object,
        ))
    }
    fn set(&mut self, k: &str, value: Self) {
        // Only ever called on plain objects this crate made: it cannot throw.
        put(&self.value, k, &value.value);
    }
    fn new_object() -> Self {
        JsDoc::made(Object::new(), Kind::Object)
    }
    fn undefined() -> Self {
        JsDoc::made(JsValue::UNDEFINED, Kind::Undefined)
    }
    fn new_array(items: Vec<Self>) -> Self {
        JsDoc::made(
            items.into_iter().map(|d| d.value).collect::<Array>(),
            Kind::Array,
        )
    }
    fn from_str(s: &str) -> Self {
        JsDoc::made(js_str(s), Kind::String)
    }
    fn from_id(id: u64) -> Self {
        JsDoc::made(JsValue::from_f64(id as f64), Kind::Number)
    }
    fn number_text(n: f64) -> String {
        js_string(n)
    }
}

/// Responses, changes and plans as plain JS values, built directly
/// (src/tree.rs: the trees their serde impls describe).
impl Tree for JsValue {
    fn null() -> Self {
        JsValue::NULL
    }
    fn bool(b: bool) -> Self {
        JsValue::from_bool(b)
    }
    fn number(n: u64) -> Self {
        JsValue::from_f64(n as f64)
    }
    fn string(s: &str) -> Self {
        JsValue::from_str(s)
    }
    fn name(s: &'static str) -> Self {
        js_str(s)
    }
    fn array(items: Vec<Self>) -> Self {
        items.into_iter().collect::<Array>().into()
    }
    fn object() -> Self {
        Object::new().into()
    }
    fn set(&mut self, k: &'static str, value: Self) {
        put(self, k, &value);
    }
}

/// A Rust value as a plain JS value (objects, arrays, numbers, strings).
fn to_js<T: ToTree + ?Sized>(value: &T) -> JsValue {
    value.to_tree()
}

/// `CallError` as the exception the API throws.
fn thrown(e: CallError) -> JsValue {
    match e {
        CallError::State(e) => {
            let text = e.message();
            let (message, path) = (JsValue::from_str(&text), JsValue::from_str(&e.path));
            let class = STATE_ERROR.0.try_borrow().ok().and_then(|c| c.clone());
            let error = class
                .and_then(|class| Reflect::construct(&class, &Array::of2(&message, &path)).ok());
            error.unwrap_or_else(|| {
                // Filled by `put`, the setter every object here is filled with
                // (one import signature fewer than `set_name` and `Reflect.set`).
                let error: JsValue = js_sys::Error::new(&text).into();
                put(&error, "name", &key("StateError"));
                put(&error, "path", &path);
                error
            })
        }
        CallError::Type(e) => js_sys::TypeError::new(&e.message()).into(),
    }
}

/// An object of the given entries.
fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (k, v) in entries {
        put(&out, k, v);
    }
    out.into()
}

fn outcome(result: Result<Outcome<JsDoc>, CallError>) -> Result<JsValue, JsValue> {
    let o = result.map_err(thrown)?;
    Ok(object(&[
        ("response", to_js(&o.response)),
        ("state", o.state.value),
        ("changes", to_js(&o.changes)),
    ]))
}

type Api<T> = Result<T, JsValue>;

/// Registers the wrapper's `StateError` class, which `new StateError(message, path)` builds.
#[wasm_bindgen(js_name = setErrorClass)]
pub fn set_error_class(class: js_sys::Function) {
    if let Ok(mut c) = STATE_ERROR.0.try_borrow_mut() {
        *c = Some(class);
    }
}

macro_rules! outcome_exports {
    ($($js:literal => $name:ident),* $(,)?) => {$(
        #[allow(missing_docs)]
        #[wasm_bindgen(js_name = $js)]
        pub fn $name(state: JsValue, params: JsValue) -> Api<JsValue> {
            outcome(api::$name(&JsDoc::new(state), &JsDoc::new(params)))
        }
    )*};
}
outcome_exports! {
    "updateUserPermissions" => update_user_permissions,
    "deleteUserClient" => delete_user_client,
    "createClientInvite" => create_client_invite,
    "addUser" => add_user,
    "updateUser" => update_user,
    "resetPassword" => reset_password,
}

/// `getUserPermissions(state, params)` → the response.
#[wasm_bindgen(js_name = getUserPermissions)]
pub fn get_user_permissions(state: JsValue, params: JsValue) -> Api<JsValue> {
    api::get_user_permissions(&JsDoc::new(state), &JsDoc::new(params))
        .map(|r| to_js(&r))
        .map_err(thrown)
}

/// `getUsers(state, params)` → the response.
#[wasm_bindgen(js_name = getUsers)]
pub fn get_users(state: JsValue, params: JsValue) -> Api<JsValue> {
    api::get_users(&JsDoc::new(state), &JsDoc::new(params))
        .map(|r| to_js(&r))
        .map_err(thrown)
}

/// `getUsersPage(slice, params, totalresults)` → the response.
#[wasm_bindgen(js_name = getUsersPage)]
pub fn get_users_page(slice: JsValue, params: JsValue, total: JsValue) -> Api<JsValue> {
    api::get_users_page_doc(&JsDoc::new(slice), &JsDoc::new(params), &JsDoc::new(total))
        .map(|r| to_js(&r))
        .map_err(thrown)
}

/// `getPermissionsList()` → the response.
#[wasm_bindgen(js_name = getPermissionsList)]
pub fn get_permissions_list() -> JsValue {
    to_js(&crate::get_permissions_list())
}

/// `localApi(command, postData, state)` → `{response, state, changes}`.
#[wasm_bindgen(js_name = localApi)]
pub fn local_api(command: JsValue, post_data: JsValue, state: JsValue) -> Api<JsValue> {
    outcome(api::local_api(
        &JsDoc::new(command),
        &JsDoc::new(post_data),
        &JsDoc::new(state),
    ))
}

/// `readPlan(command, params)` → the records the command reads.
#[wasm_bindgen(js_name = readPlan)]
pub fn read_plan(command: JsValue, params: JsValue) -> Api<JsValue> {
    api::read_plan(&JsDoc::new(command), &JsDoc::new(params))
        .map(|p| to_js(&p))
        .map_err(thrown)
}

/// `hasPermission(state, userId, clientId, permission)`.
#[wasm_bindgen(js_name = hasPermission)]
pub fn has_permission(
    state: JsValue,
    user_id: JsValue,
    client_id: JsValue,
    permission: JsValue,
) -> Api<bool> {
    let doc = JsDoc::new;
    api::has_permission(
        &doc(state),
        &doc(user_id),
        &doc(client_id),
        &doc(permission),
    )
    .map_err(thrown)
}

/// `formatResponse(response, "json" | "xml", command?)`.
#[wasm_bindgen(js_name = formatResponse)]
pub fn format_response(response: JsValue, format: JsValue, command: JsValue) -> Api<String> {
    let doc = JsDoc::new;
    crate::render::format_response_values(&doc(response), &doc(format), &doc(command))
        .map_err(|e| thrown(e.into()))
}

/// `responseFormat(params)`: `"xml"` when `params.responsetype` asks for it, else `"json"`.
#[wasm_bindgen(js_name = responseFormat)]
pub fn response_format(params: JsValue) -> String {
    crate::render::Format::of_params(&JsDoc::new(params))
        .name()
        .into()
}

/// `matchKey(text)`: the form emails are matched and searched in.
#[wasm_bindgen(js_name = matchKey)]
pub fn match_key(text: JsValue) -> Api<String> {
    let text = JsDoc::new(text);
    match text.as_string().filter(|_| text.kind == Kind::String) {
        Some(s) => Ok(crate::match_key(&s)),
        None => Err(thrown(
            api::ArgumentError::NotAString("text", text.kind).into(),
        )),
    }
}

/// `{"result":"error","message":"Authentication Failed"}`, for API endpoints.
#[wasm_bindgen(js_name = authenticationFailed)]
pub fn authentication_failed() -> JsValue {
    to_js(&crate::Response::error(
        crate::message::AUTHENTICATION_FAILED,
    ))
}

/// The command table: `[{name, params, writes}]`.
#[wasm_bindgen(js_name = commandTable)]
pub fn command_table() -> JsValue {
    let rows: Vec<JsValue> = Command::ALL
        .iter()
        .map(|c| {
            let params: Array = c.params().iter().map(|p| JsValue::from_str(p)).collect();
            object(&[
                ("name", c.name().into()),
                ("params", params.into()),
                ("writes", c.writes().into()),
            ])
        })
        .collect();
    rows.into_iter().collect::<Array>().into()
}

/// The 13 names, canonical order.
#[wasm_bindgen(js_name = permissionNames)]
pub fn permission_names() -> Array {
    crate::PERMISSIONS
        .iter()
        .map(|p| JsValue::from_str(p))
        .collect()
}

/// The size of the module's linear memory, in bytes (a diagnostic).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// The indexed store (wrapped by the TypeScript `PermissionStore` class).
#[wasm_bindgen(js_name = RawPermissionStore)]
pub struct RawPermissionStore {
    store: Store<JsDoc>,
}

fn store_answer(result: Result<(crate::Response, Vec<crate::Change>), CallError>) -> Api<JsValue> {
    let (response, changes) = result.map_err(thrown)?;
    Ok(object(&[
        ("response", to_js(&response)),
        ("changes", to_js(&changes)),
    ]))
}

#[wasm_bindgen(js_class = RawPermissionStore)]
impl RawPermissionStore {
    /// Validates and indexes a state.
    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(state: JsValue) -> Api<RawPermissionStore> {
        Store::from_doc(&JsDoc::new(state))
            .map(|store| RawPermissionStore { store })
            .map_err(|e| thrown(e.into()))
    }

    /// `localApi(command, postData)` → `{response, changes}`.
    #[wasm_bindgen(js_name = localApi)]
    pub fn local_api(&mut self, command: JsValue, post_data: JsValue) -> Api<JsValue> {
        store_answer(
            self.store
                .local_api(&JsDoc::new(command), &JsDoc::new(post_data)),
        )
    }

    /// One command by its name → `{response, changes}`.
    pub fn run(&mut self, command: &str, params: JsValue) -> Api<JsValue> {
        // Only the wrapper calls this, with names from the command table.
        let command = Command::from_name(command).ok_or_else(|| {
            JsValue::from(js_sys::TypeError::new(&crate::text::concat(&[
                "unknown command \"",
                command,
                "\"",
            ])))
        })?;
        store_answer(self.store.run(command, &JsDoc::new(params)))
    }

    /// `hasPermission` with ids and name as given (any JS values).
    #[wasm_bindgen(js_name = hasPermission)]
    pub fn has_permission(
        &self,
        user_id: JsValue,
        client_id: JsValue,
        permission: JsValue,
    ) -> Api<bool> {
        let doc = JsDoc::new;
        self.store
            .check_permission(&doc(user_id), &doc(client_id), &doc(permission))
            .map_err(thrown)
    }

    /// `applyBatch(calls, atomic)` → `{responses, changes, failedIndex}`.
    #[wasm_bindgen(js_name = applyBatch)]
    pub fn apply_batch(&mut self, calls: JsValue, atomic: bool) -> Api<JsValue> {
        let calls = Call::list(&JsDoc::new(calls)).map_err(thrown)?;
        let out = self.store.apply_batch(&calls, atomic).map_err(thrown)?;
        let failed = out
            .failed_index
            .map_or(JsValue::NULL, |i| JsValue::from_f64(i as f64));
        Ok(object(&[
            ("responses", to_js(&out.responses)),
            ("changes", to_js(&out.changes)),
            ("failedIndex", failed),
        ]))
    }

    /// The state, canonical, unknown fields kept.
    #[wasm_bindgen(js_name = toState)]
    pub fn to_state(&self) -> Api<JsValue> {
        self.store.to_state().map(|d| d.value).map_err(thrown)
    }
}
