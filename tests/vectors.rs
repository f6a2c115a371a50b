//! The conformance vectors (tests/vectors/*.json) against the native core,
//! with the same checks as the JS runner (tests/shared/vector-runner.js),
//! which runs the same files in Node (CJS, ESM), headless browsers and Node
//! through wasm-bindgen-test (tests/wasm.rs), Deno and Bun: once through the
//! functional API, once through a `Store`.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use whmcs_permissions as core;
use whmcs_permissions::render::format_response_values;

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

/// How a case is run: through the functional API, or through a store made
/// from the case's state.
#[derive(Clone, Copy, PartialEq)]
enum Via {
    Functions,
    Store,
}

/// The command a functional-API call name stands for.
fn command_of(call: &str) -> Option<core::Command> {
    use core::Command::*;
    Some(match call {
        "updateUserPermissions" => UpdateUserPermissions,
        "deleteUserClient" => DeleteUserClient,
        "createClientInvite" => CreateClientInvite,
        "addUser" => AddUser,
        "updateUser" => UpdateUser,
        "resetPassword" => ResetPassword,
        "getUserPermissions" => GetUserPermissions,
        "getUsers" => GetUsers,
        _ => return None,
    })
}

fn functions(call: &str, state: &Value, params: &Value) -> Result<Value, core::CallError> {
    match call {
        "updateUserPermissions" => core::update_user_permissions(state, params).map(outcome),
        "deleteUserClient" => core::delete_user_client(state, params).map(outcome),
        "createClientInvite" => core::create_client_invite(state, params).map(outcome),
        "addUser" => core::add_user(state, params).map(outcome),
        "updateUser" => core::update_user(state, params).map(outcome),
        "resetPassword" => core::reset_password(state, params).map(outcome),
        "getUserPermissions" => core::get_user_permissions(state, params).map(|r| json!(r)),
        "getUsers" => core::get_users(state, params).map(|r| json!(r)),
        other => panic!("unknown call {other}"),
    }
}

/// A store pass: build, run, read the state back.
fn via_store(c: &Value, state: &Value) -> Result<Value, core::CallError> {
    if c["call"] == "getPermissionsList" {
        return Ok(json!(core::get_permissions_list()));
    }
    let mut store = core::Store::from_doc(state)?;
    let missing = Value::Null;
    let (response, changes) = match c["call"].as_str().unwrap() {
        "localApi" => store.local_api(
            c.get("command").unwrap_or(&missing),
            c.get("postData").unwrap_or(&missing),
        )?,
        "hasPermission" => {
            let a = c["args"].as_array().unwrap();
            return store.check_permission(&a[0], &a[1], &a[2]).map(Value::Bool);
        }
        call => {
            let (response, changes) = store.run(
                command_of(call).unwrap(),
                c.get("params").unwrap_or(&missing),
            )?;
            if matches!(call, "getUserPermissions" | "getUsers") {
                return Ok(json!(response));
            }
            (response, changes)
        }
    };
    Ok(json!({"response": response, "state": store.to_doc().unwrap(), "changes": changes}))
}

/// Runs one case: the result as JSON, or the error it threw.
fn invoke(file: &Value, c: &Value, via: Via) -> Result<Value, core::CallError> {
    let state = resolve(file, &c["state"]);
    let params = c.get("params").cloned().unwrap_or(Value::Null);
    let before = (state.clone(), params.clone());
    let call = c["call"].as_str().unwrap();
    let result = if call == "formatResponse" {
        let a = c["args"].as_array().unwrap();
        let absent = Value::Null;
        format_response_values(
            &a[0],
            a.get(1).unwrap_or(&absent),
            a.get(2).unwrap_or(&absent),
        )
        .map(Value::String)
        .map_err(|e| core::CallError::Type(core::ArgumentError::Render(e)))
    } else if via == Via::Store {
        via_store(c, &state)
    } else {
        match call {
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
            call => functions(call, &state, &params),
        }
    };
    assert_eq!(before, (state, params), "the call mutated its input");
    result
}

/// `None` when the case agrees, else what differs. A store validates its
/// state before it sees the call's arguments, so through a store a case
/// that expects a throw accepts either error.
fn check(file: &Value, c: &Value, via: Via) -> Option<String> {
    let e = &c["expect"];
    match (
        invoke(file, c, via),
        e.get("throws").and_then(Value::as_str),
    ) {
        (Err(_), Some(_)) if via == Via::Store => None,
        (Err(core::CallError::State(err)), Some("StateError")) => match e.get("path") {
            Some(p) if p != &json!(err.path) => Some(format!("path {}, expected {p}", err.path)),
            Some(p)
                if !err
                    .to_string()
                    .starts_with(&format!("{}: ", p.as_str().unwrap())) =>
            {
                Some(format!("message {err} does not start with {p}: "))
            }
            _ => None,
        },
        (Err(core::CallError::Type(_)), Some("TypeError")) => None,
        (Err(err), _) => Some(format!("threw {err:?}")),
        (Ok(v), Some(kind)) => Some(format!("returned {v}, expected a {kind}")),
        (Ok(actual), None) => {
            let want = if let Some(v) = e.get("value") {
                v.clone()
            } else if let Some(s) = e.get("state") {
                json!({"response": e["response"], "state": resolve(file, s), "changes": e["changes"]})
            } else {
                e["response"].clone()
            };
            let (a, w) = (actual.to_string(), want.to_string());
            (a != w).then(|| format!("got      {a}\nexpected {w}"))
        }
    }
}

fn vector_files() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap(),
            )
        })
        .collect()
}

fn run_all(via: Via, label: &str) {
    let (mut total, mut failures) = (0, Vec::new());
    for (name, file) in vector_files() {
        for c in file["cases"].as_array().unwrap() {
            total += 1;
            if let Some(why) = check(&file, c, via) {
                failures.push(format!("{name} {}: {why}", c["name"]));
            }
        }
    }
    println!("{label}: {}/{total} vectors agree", total - failures.len());
    assert!(
        failures.is_empty(),
        "{} of {total} vectors diverge ({label}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total >= 1000, "only {total} vectors");
}

#[test]
fn every_vector_agrees() {
    run_all(Via::Functions, "native");
}

#[test]
fn every_vector_agrees_through_a_store() {
    run_all(Via::Store, "native store");
}

/// Every change a command can report round-trips through serde as the JS
/// side receives it (the shapes of SPEC sections 4 and 8).
#[test]
fn change_records_serialise_in_contract_order() {
    use core::{Change, NewUser, PermissionSet, UserField, UserFields};
    let set = PermissionSet::from_bits(0b1_0000_1000_0001);
    let cases = [
        (
            Change::SetPermissions {
                user_id: 2,
                client_id: 9,
                before: PermissionSet::EMPTY,
                after: set,
            },
            r#"{"op":"set_permissions","user_id":2,"client_id":9,"before":[],"after":["profile","invoices","orders"]}"#,
        ),
        (
            Change::AddUser {
                user_id: 3,
                user: NewUser {
                    id: 3,
                    firstname: "A".into(),
                    lastname: "B".into(),
                    email: "a@b.co".into(),
                    language: Some("english".into()),
                },
            },
            r#"{"op":"add_user","user_id":3,"user":{"id":3,"firstname":"A","lastname":"B","email":"a@b.co","language":"english"}}"#,
        ),
        (
            Change::UpdateUser {
                user_id: 3,
                before: UserFields(vec![(UserField::Email, None)]),
                after: UserFields(vec![(UserField::Email, Some("c@d.co".into()))]),
            },
            r#"{"op":"update_user","user_id":3,"before":{"email":null},"after":{"email":"c@d.co"}}"#,
        ),
        (
            Change::ResetPassword { user_id: 3 },
            r#"{"op":"reset_password","user_id":3}"#,
        ),
    ];
    for (change, text) in cases {
        assert_eq!(serde_json::to_string(&change).unwrap(), text);
    }
}
