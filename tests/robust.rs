//! No panic is reachable from input: property tests over any JSON value as
//! a state, params, command or response, through every function of the
//! native API (the same core the WebAssembly build runs). Each call ends in
//! a response, a `StateError` or a type error; the case count is modest by
//! default and scales with `PROPTEST_CASES` (`npm run fuzz` raises it).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use whmcs_permissions::render::{format_response, Format};
use whmcs_permissions::{
    add_user, create_client_invite, delete_user_client, get_user_permissions, get_users,
    get_users_page, has_permission, local_api, message, read_plan, reset_password, update_user,
    update_user_permissions, Call, CallError, Command, Outcome, Response, Store, PERMISSIONS,
};

/// Keys worth colliding with: the state's own, the params', and prototype names.
const KEYS: &[&str] = &[
    "users",
    "clients",
    "user_clients",
    "invites",
    "id",
    "owner_user_id",
    "user_id",
    "client_id",
    "permissions",
    "email",
    "firstname",
    "lastname",
    "language",
    "password2",
    "search",
    "limitstart",
    "limitnum",
    "sorting",
    "__proto__",
    "constructor",
    "prototype",
    "result",
    "message",
    "",
    "extra",
];

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        prop::sample::select(PERMISSIONS.to_vec()).prop_map(str::to_owned),
        prop::collection::vec(prop::sample::select(PERMISSIONS.to_vec()), 0..5)
            .prop_map(|v| v.join(",")),
        prop::sample::select(vec![
            " 0042 ",
            "1e3",
            "0x1",
            "\u{661}",
            "\u{a0}1",
            "\0",
            "9007199254740991",
            "9007199254740992",
            "-0",
            " , ,",
            "profile,Nope",
            "a@b.c",
            "new@example.com",
            "U1@EXAMPLE.COM",
            "\u{212a}",
            "\u{130}",
            "\u{fffd}",
            "👩‍💻",
            "UpdateUserPermissions",
            "createclientinvite",
            "GetPermissionsList ",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
        "[ -~]{0,80}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..12).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.5,
            7.0,
            9007199254740991.0,
            9007199254740992.0,
            1e308,
            5e-324
        ])
        .prop_map(|f| json!(f)),
    ]
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        string().prop_map(Value::String)
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned),
                    inner
                ),
                0..6
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A valid state over a small world.
fn valid_state() -> impl Strategy<Value = Value> {
    (
        prop::collection::btree_set(1u64..9, 1..6),
        prop::collection::btree_set(1u64..6, 1..4),
        prop::collection::vec(1u64..10, 4),
        prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<u16>(), any::<bool>()), 0..10),
        prop::collection::vec((1u64..6, any::<u16>()), 0..3),
    )
        .prop_map(|(users, clients, owners, links, invites)| {
            let users: Vec<u64> = users.into_iter().collect();
            let clients: Vec<u64> = clients.into_iter().collect();
            let names = |bits: u16| -> Vec<&str> { PERMISSIONS.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, p)| *p).collect() };
            let mut seen = std::collections::BTreeSet::new();
            let mut user_clients = Vec::new();
            for (u, c, bits, as_string) in links {
                let (u, c) = (*u.get(&users), *c.get(&clients));
                if seen.insert((u, c)) {
                    let perms = if as_string { json!(names(bits).join(",")) } else { json!(names(bits)) };
                    user_clients.push(json!({"user_id": u, "client_id": c, "permissions": perms, "note": {"n": 1}}));
                }
            }
            json!({
                "users": users.iter().map(|id| json!({"id": id, "email": format!("u{id}@example.com")})).collect::<Vec<_>>(),
                "clients": clients.iter().enumerate().map(|(i, id)| json!({"id": id, "owner_user_id": owners[i % owners.len()]})).collect::<Vec<_>>(),
                "user_clients": user_clients,
                "invites": invites.iter().map(|(c, bits)| json!({"client_id": c, "email": "i@example.com", "permissions": names(*bits)})).collect::<Vec<_>>(),
                "extra": {"kept": true},
            })
        })
}

/// `value` with `replacement` at a path picked by `picks` (descending while it can).
fn replace_at(value: &mut Value, picks: &[prop::sample::Index], replacement: Value) {
    let Some((pick, rest)) = picks.split_first() else {
        *value = replacement;
        return;
    };
    let child = match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(pick.index(map.len())).cloned();
            key.and_then(|k| map.get_mut(&k))
        }
        Value::Array(items) if !items.is_empty() => {
            let i = pick.index(items.len());
            items.get_mut(i)
        }
        _ => None,
    };
    match child {
        Some(child) => replace_at(child, rest, replacement),
        None => *value = replacement,
    }
}

/// A state: valid, valid with any JSON somewhere in it, or any JSON at all.
fn state() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => valid_state(),
        5 => (valid_state(), prop::collection::vec(any::<prop::sample::Index>(), 0..5), any_json()).prop_map(|(mut s, path, v)| {
            replace_at(&mut s, &path, v);
            s
        }),
        1 => any_json(),
    ]
}

fn id() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..10).prop_map(Value::from),
        (0u64..10).prop_map(|i| json!(format!(" 0{i} "))),
        any_json()
    ]
}

/// Params: the fields commands read, with any JSON among them, or any JSON.
fn params() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (id(), id(), any_json(), prop_oneof![string().prop_map(Value::String), any_json()], any_json()).prop_map(|(u, c, p, e, x)| {
            json!({"user_id": u, "client_id": c, "permissions": p, "email": e, "__proto__": x})
        }),
        4 => (id(), id(), prop::collection::vec(prop::sample::select(PERMISSIONS.to_vec()), 0..4)).prop_map(|(u, c, p)| {
            json!({"user_id": u, "client_id": c, "permissions": p.join(","), "email": "new@example.com"})
        }),
        3 => (id(), any_json(), any_json(), prop_oneof![string().prop_map(Value::String), any_json()], any_json()).prop_map(|(u, f, l, e, x)| {
            json!({"user_id": u, "id": u, "firstname": f, "lastname": l, "email": e, "password2": x, "language": x,
                   "search": e, "limitstart": u, "limitnum": x, "sorting": f})
        }),
        1 => any_json(),
    ]
}

fn command() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::sample::select(Command::ALL.to_vec()).prop_map(|c| json!(c.name())),
        2 => string().prop_map(Value::String),
        1 => any_json(),
    ]
}

const MESSAGES: &[&str] = &[
    message::INVALID_USER_ID,
    message::INVALID_CLIENT_ID,
    message::CANNOT_SET_ON_OWNER,
    message::MISSING_PERMISSIONS,
    message::NOT_ASSOCIATED,
    message::CANNOT_REMOVE_OWNER,
    message::EMAIL_REQUIRED,
    message::EMAIL_NOT_VALID,
    message::PERMISSIONS_REQUIRED,
    message::ALREADY_ASSOCIATED,
    message::COMMAND_NOT_FOUND,
    message::NO_FIRST_NAME,
    message::NO_LAST_NAME,
    message::NO_EMAIL,
    message::NO_PASSWORD,
    message::EMAIL_EXISTS,
    message::USER_ID_LIMIT,
    message::INVALID_USER_ID_REQUESTED,
    message::USER_FIELD_REQUIRED,
    message::ID_OR_EMAIL_REQUIRED,
    message::USER_NOT_FOUND,
    message::RESET_EMAIL_NOT_VALID,
];

fn check_response(r: &Response) {
    if let Some(m) = r.message() {
        assert!(
            MESSAGES.contains(&m) || m.starts_with(message::INVALID_PERMISSION),
            "undocumented message {m:?}"
        );
    }
}

fn check_error(e: &CallError) {
    match e {
        CallError::State(e) => {
            assert!(e.path.starts_with("state"), "{e}");
            assert!(!e.kind.to_string().is_empty());
        }
        CallError::Type(m) => assert!(!m.to_string().is_empty()),
    }
}

fn check_outcome(r: Result<Outcome<Value>, CallError>) -> Option<Value> {
    match r {
        Ok(out) => {
            check_response(&out.response);
            if !out.response.is_success() {
                assert!(out.changes.is_empty());
            }
            assert!(out.state.is_object());
            Some(out.state)
        }
        Err(e) => {
            check_error(&e);
            None
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn the_functional_api_never_panics(s in state(), p in params(), c in command(), perm in any_json()) {
        let before = (s.clone(), p.clone());
        let next = check_outcome(update_user_permissions(&s, &p));
        check_outcome(delete_user_client(&s, &p));
        check_outcome(create_client_invite(&s, &p));
        check_outcome(add_user(&s, &p));
        check_outcome(update_user(&s, &p));
        check_outcome(reset_password(&s, &p));
        for r in [get_user_permissions(&s, &p), get_users(&s, &p), get_users_page(&s, &p, 7)] {
            match r {
                Ok(r) => check_response(&r),
                Err(e) => check_error(&e),
            }
        }
        if let Err(e) = read_plan(&c, &p) {
            check_error(&e);
        }
        check_outcome(local_api(&c, &p, &s));
        for name in [perm.clone(), json!("profile"), json!("Profile")] {
            if let Err(e) = has_permission(&s, &p["user_id"], &p["client_id"], &name) {
                check_error(&e);
            }
        }
        // Nothing is modified (the API takes references, but say it anyway),
        // and a returned state is itself a valid state.
        prop_assert_eq!(&before, &(s.clone(), p.clone()));
        if let Some(next) = next {
            prop_assert!(Store::from_doc(&next).is_ok(), "a returned state must validate again");
        }
    }

    #[test]
    fn a_store_never_panics(s in state(), calls in prop::collection::vec((command(), params()), 0..8), atomic in any::<bool>()) {
        let Ok(mut store) = Store::from_doc(&s) else { return Ok(()) };
        let before = store.to_doc().expect("a native state copies");
        for (c, p) in &calls {
            match store.local_api(c, p) {
                Ok((r, _)) => check_response(&r),
                Err(e) => check_error(&e),
            }
        }
        let after_calls = store.to_doc().expect("a native state copies");
        let batch: Vec<Call<Value>> = calls.iter().map(|(c, p)| Call { command: c.clone(), params: p.clone() }).collect();
        match store.apply_batch(&batch, atomic) {
            Ok(out) => {
                out.responses.iter().for_each(check_response);
                if atomic && out.failed_index.is_some() {
                    prop_assert!(out.changes.is_empty());
                    prop_assert_eq!(store.to_doc().unwrap(), after_calls);
                }
            }
            Err(e) => {
                check_error(&e);
                prop_assert_eq!(store.to_doc().unwrap(), after_calls);
            }
        }
        // The store's state is still valid: it validates again.
        prop_assert!(Store::from_doc(&store.to_doc().unwrap()).is_ok());
        prop_assert!(Store::from_doc(&before).is_ok());
    }

    #[test]
    fn rendering_any_response_never_panics(v in any_json(), cmd in string()) {
        let response = json!({"result": "success", "v": v});
        let text = format_response(&response, Format::Json, None).expect("a JSON value renders");
        // Numbers are written as JavaScript's f64 would hold them, so only the shape round-trips.
        prop_assert!(serde_json::from_str::<Value>(&text).is_ok());
        let _ = format_response(&response, Format::Xml, Some(&cmd));
        let _ = format_response(&v, Format::Xml, None);
    }
}

#[test]
fn huge_and_deep_inputs() {
    let state = json!({
        "users": [{"id": 1}, {"id": 2, "email": "x".repeat(10 << 20)}],
        "clients": [{"id": 1, "owner_user_id": 1}],
        "user_clients": [{"user_id": 2, "client_id": 1, "permissions": "profile,".repeat(100_000)}],
    });
    let p = json!({"user_id": 2, "client_id": 1, "permissions": vec!["tickets"; 1_000_000]});
    let out = update_user_permissions(&state, &p).unwrap();
    assert_eq!(
        out.state["user_clients"][0]["permissions"],
        json!(["tickets"])
    );
    let invite = json!({"client_id": 1, "email": format!("{}@example.com", "é".repeat(5 << 20)), "permissions": "profile"});
    assert_eq!(
        create_client_invite(&state, &invite)
            .unwrap()
            .response
            .message(),
        Some(message::EMAIL_NOT_VALID)
    );
    assert!(local_api(&json!("x".repeat(10 << 20)), &json!({}), &state).is_ok());
    // Nesting as deep as serde_json parses (its limit is 128).
    let deep = format!("{}{}", "[".repeat(127), "]".repeat(127));
    let deep: Value = serde_json::from_str(&deep).unwrap();
    let mut s = state.clone();
    s["extra"] = deep.clone();
    assert!(update_user_permissions(
        &s,
        &json!({"user_id": 2, "client_id": 1, "permissions": "orders", "x": deep.clone()})
    )
    .is_ok());
    let r = json!({"result": "success", "deep": deep});
    assert!(format_response(&r, Format::Xml, None).is_err());
    assert!(format_response(&r, Format::Json, None).is_err());
}
