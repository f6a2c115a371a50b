//! The conformance vectors inside WebAssembly, through wasm-bindgen-test:
//! `wasm-pack test --node` and, with WASM_BINDGEN_USE_BROWSER=1,
//! `wasm-pack test --headless --chrome` / `--firefox`.
//!
//! The cases run through the same JS runner as the Node suites
//! (tests/shared/vector-runner.js), with an API object whose functions are the
//! crate's wasm-bindgen exports.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use whmcs_permissions::wasm;

#[wasm_bindgen(module = "/tests/shared/vector-runner.js")]
extern "C" {
    #[wasm_bindgen(js_name = runAll)]
    fn run_all(api: &JsValue, files: &JsValue) -> JsValue;
}

/// Every file in tests/vectors (tests/vectors_listed.rs checks the list is whole).
macro_rules! vector_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("vectors/", $name)))),*]
    };
}
pub const FILES: &[(&str, &str)] = vector_files![
    "add_user.json",
    "create_client_invite.json",
    "delete_user_client.json",
    "format_response.json",
    "get_permissions_list.json",
    "get_user_permissions.json",
    "get_users.json",
    "has_permission.json",
    "local_api.json",
    "local_api_users.json",
    "params_formats.json",
    "reset_password.json",
    "state_validation.json",
    "update_user.json",
    "update_user_permissions.json",
    "user_fields.json",
];

fn set(o: &Object, key: &str, f: &JsValue) {
    Reflect::set(o, &key.into(), f).unwrap();
}

fn api() -> JsValue {
    let o = Object::new();
    let f2 = |f: fn(JsValue, JsValue) -> Result<JsValue, JsValue>| -> JsValue {
        Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(f).into_js_value()
    };
    set(
        &o,
        "updateUserPermissions",
        &f2(wasm::update_user_permissions),
    );
    set(&o, "deleteUserClient", &f2(wasm::delete_user_client));
    set(&o, "createClientInvite", &f2(wasm::create_client_invite));
    set(&o, "getUserPermissions", &f2(wasm::get_user_permissions));
    set(&o, "addUser", &f2(wasm::add_user));
    set(&o, "updateUser", &f2(wasm::update_user));
    set(&o, "resetPassword", &f2(wasm::reset_password));
    set(&o, "getUsers", &f2(wasm::get_users));
    let format = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Result<String, JsValue>>::new(
        wasm::format_response,
    );
    set(&o, "formatResponse", &format.into_js_value());
    let list = Closure::<dyn Fn() -> JsValue>::new(wasm::get_permissions_list).into_js_value();
    set(&o, "getPermissionsList", &list);
    let local = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        wasm::local_api,
    );
    set(&o, "localApi", &local.into_js_value());
    let has = Closure::<dyn Fn(JsValue, JsValue, JsValue, JsValue) -> Result<bool, JsValue>>::new(
        wasm::has_permission,
    );
    set(&o, "hasPermission", &has.into_js_value());
    // The core throws an Error named "StateError"; the runner also checks the name.
    set(
        &o,
        "StateError",
        &Reflect::get(&js_sys::global(), &"Error".into()).unwrap(),
    );
    o.into()
}

#[wasm_bindgen_test]
fn every_vector_agrees() {
    let files = Object::new();
    for (name, text) in FILES {
        Reflect::set(&files, &(*name).into(), &JSON::parse(text).unwrap()).unwrap();
    }
    let report = run_all(&api(), &files);
    let total = Reflect::get(&report, &"total".into())
        .unwrap()
        .as_f64()
        .unwrap();
    let failures = Reflect::get(&report, &"failures".into()).unwrap();
    let failed = js_sys::Array::from(&failures).length();
    console_log!("wasm: {}/{} vectors agree", total as u32 - failed, total);
    assert_eq!(
        failed,
        0,
        "{}",
        JSON::stringify_with_replacer_and_space(&failures, &JsValue::NULL, &2.into()).unwrap()
    );
    assert!(total >= 1000.0);
}
