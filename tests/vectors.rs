//! The conformance vectors (tests/vectors/*.json) against the native core.
//! The same files run in Node (CJS, ESM), headless browsers and Node through
//! wasm-bindgen-test (tests/wasm.rs), Deno and Bun.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use whmcs_permissions as core;

fn resolve(file: &Value, v: &Value) -> Value {
    match v.as_object() {
        Some(o) if o.len() == 1 && o.get("$ref").is_some_and(Value::is_string) => {
            let name = o["$ref"].as_str().unwrap();
            file["states"]
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("unknown $ref {name}"))
        }
        _ => v.clone(),
    }
}

fn outcome(o: core::Outcome<Value>) -> Value {
    json!({"response": o.response, "state": o.state, "changes": o.changes})
}

/// Runs one case: `Ok(json)` for a result, `Err((kind, path))` for a throw.
fn invoke(file: &Value, c: &Value) -> Result<Value, core::CallError> {
    let state = resolve(file, &c["state"]);
    let params = c.get("params").cloned().unwrap_or(Value::Null);
    let before = (state.clone(), params.clone());
    let result = match c["call"].as_str().unwrap() {
        "updateUserPermissions" => core::update_user_permissions(&state, &params).map(outcome),
        "deleteUserClient" => core::delete_user_client(&state, &params).map(outcome),
        "createClientInvite" => core::create_client_invite(&state, &params).map(outcome),
        "addUser" => core::add_user(&state, &params).map(outcome),
        "updateUser" => core::update_user(&state, &params).map(outcome),
        "resetPassword" => core::reset_password(&state, &params).map(outcome),
        "getUserPermissions" => core::get_user_permissions(&state, &params).map(|r| json!(r)),
        "getUsers" => core::get_users(&state, &params).map(|r| json!(r)),
        "getPermissionsList" => Ok(json!(core::get_permissions_list())),
        "localApi" => {
            let missing = Value::Null;
            let command = c.get("command").unwrap_or(&missing);
            let post = c.get("postData").unwrap_or(&missing);
            core::local_api(command, post, &state).map(outcome)
        }
        "hasPermission" => {
            let a = c["args"].as_array().unwrap();
            core::has_permission(&state, &a[0], &a[1], &a[2]).map(Value::Bool)
        }
        other => panic!("unknown call {other}"),
    };
    assert_eq!(before, (state, params), "the call mutated its input");
    result
}

fn check(file: &Value, c: &Value) -> Result<(), String> {
    let e = &c["expect"];
    match (invoke(file, c), e.get("throws").and_then(Value::as_str)) {
        (Err(core::CallError::State(err)), Some("StateError")) => match e.get("path") {
            Some(p) if p != &json!(err.path) => Err(format!("path {}, expected {p}", err.path)),
            _ => Ok(()),
        },
        (Err(core::CallError::Type(_)), Some("TypeError")) => Ok(()),
        (Err(err), _) => Err(format!("threw {err:?}")),
        (Ok(v), Some(kind)) => Err(format!("returned {v}, expected a {kind}")),
        (Ok(actual), None) => {
            let want = if let Some(v) = e.get("value") {
                v.clone()
            } else if let Some(s) = e.get("state") {
                json!({"response": e["response"], "state": resolve(file, s), "changes": e["changes"]})
            } else {
                e["response"].clone()
            };
            let (a, w) = (actual.to_string(), want.to_string());
            if a == w {
                Ok(())
            } else {
                Err(format!("got      {a}\nexpected {w}"))
            }
        }
    }
}

#[test]
fn every_vector_agrees() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    let (mut total, mut failures) = (0, Vec::new());
    for path in &names {
        let file: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        for c in file["cases"].as_array().unwrap() {
            total += 1;
            if let Err(why) = check(&file, c) {
                let name = path.file_name().unwrap().to_string_lossy();
                failures.push(format!("{name} {}: {why}", c["name"]));
            }
        }
    }
    println!("native: {}/{total} vectors agree", total - failures.len());
    assert!(
        failures.is_empty(),
        "{} of {total} vectors diverge:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total >= 100, "only {total} vectors");
}

/// `Change::to_doc` (what the wasm boundary returns) and serde (what native
/// users serialise) render change records identically.
#[test]
fn change_to_doc_matches_serde() {
    use core::{Change, PermissionSet};
    let set = PermissionSet::from_bits(0b1_0000_1000_0001);
    let changes = [
        Change::SetPermissions {
            user_id: 2,
            client_id: 9,
            before: PermissionSet::EMPTY,
            after: set,
        },
        Change::RemoveLink {
            user_id: 2,
            client_id: 9,
            before: set,
        },
        Change::AddInvite {
            client_id: 9,
            email: "a@b.c".into(),
            permissions: set,
        },
    ];
    for c in &changes {
        assert_eq!(
            c.to_doc::<Value>().to_string(),
            serde_json::to_value(c).unwrap().to_string()
        );
    }
}
