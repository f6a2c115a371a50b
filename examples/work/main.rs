//! The work each call does, counted in instructions by callgrind
//! (`node tests/work/run.mjs` builds and runs this; see that file).
//!
//! Every case runs once inside [`counted_call`], after an uncounted setup:
//! the driver runs this binary with `valgrind --tool=callgrind
//! --instr-atstart=no --collect-atstart=no --toggle-collect=counted_call
//! --dump-after=counted_call`, so each dump holds exactly one case's
//! instructions (the probe turns instrumentation on around each counted
//! call only, [`callgrind::instrumented`]). Before each counted call this prints one line,
//! `case<TAB>size<TAB>calls`, which names the dump that follows (the dumps
//! come in the same order).
//!
//! Two kinds of case:
//! - linear: one input at two sizes, 10x apart (the inputs of
//!   tests/robust/linear.test.mjs before its timings moved to the benches);
//! - store: every `Store` method on a store of 1,000 links (200 users, 40
//!   clients) and one of 1,000,000 links (200,000 users, 40,000 clients),
//!   each a few calls with varied params, after one uncounted call that
//!   builds whatever lazy index the method needs.
//!
//! States and params are [`Host`] values (shared, like JS objects), so the
//! counts are the core's own work: `serde_json::Value`'s `Doc` copies each
//! subtree it reads, which would be most of what is counted.
//!
//! `cargo run --release --example work` without valgrind just runs the
//! cases (the printed lines are the same); `work linear` or `work store`
//! runs one kind.

mod callgrind;
mod host;

use std::hint::black_box;
use std::rc::Rc;

use host::Host;
use serde_json::json;
use whmcs_permissions::{
    add_user, create_client_invite, get_user_permissions, get_users, reset_password, update_user,
    update_user_permissions, Call, Command, Store,
};

/// A [`Host`] value written as JSON.
macro_rules! host {
    ($($json:tt)+) => {
        Host::from(&json!($($json)+))
    };
}

const MB: usize = 1024 * 1024;

/// Runs one case: callgrind collects inside it and dumps after it.
#[no_mangle]
#[inline(never)]
pub fn counted_call(f: &mut dyn FnMut()) {
    f();
}

/// Prints the label of the dump that follows, then counts `f`.
fn count(case: &str, size: &str, calls: usize, mut f: impl FnMut()) {
    use std::io::Write;
    println!("{case}\t{size}\t{calls}");
    let _ = std::io::stdout().flush();
    callgrind::instrumented(|| counted_call(&mut f));
}

/// A string of about `bytes` bytes made of `unit` repeated.
fn sized(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}

/// Object keys, made once and shared by every record (as JS interns them).
struct Keys {
    id: Rc<str>,
    email: Rc<str>,
    firstname: Rc<str>,
    lastname: Rc<str>,
    datecreated: Rc<str>,
    owner_user_id: Rc<str>,
    user_id: Rc<str>,
    client_id: Rc<str>,
    permissions: Rc<str>,
    users: Rc<str>,
    clients: Rc<str>,
    user_clients: Rc<str>,
    invites: Rc<str>,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            id: "id".into(),
            email: "email".into(),
            firstname: "firstname".into(),
            lastname: "lastname".into(),
            datecreated: "datecreated".into(),
            owner_user_id: "owner_user_id".into(),
            user_id: "user_id".into(),
            client_id: "client_id".into(),
            permissions: "permissions".into(),
            users: "users".into(),
            clients: "clients".into(),
            user_clients: "user_clients".into(),
            invites: "invites".into(),
        }
    }

    fn state(&self, users: Vec<Host>, clients: Vec<Host>, links: Vec<Host>) -> Host {
        Host::object([
            (&self.users, Host::array(users)),
            (&self.clients, Host::array(clients)),
            (&self.user_clients, Host::array(links)),
            (&self.invites, Host::array(Vec::new())),
        ])
    }

    fn link(&self, user: u64, client: u64, permissions: &Host) -> Host {
        Host::object([
            (&self.user_id, Host::num(user)),
            (&self.client_id, Host::num(client)),
            (&self.permissions, permissions.clone()),
        ])
    }

    fn client(&self, id: u64, owner: u64) -> Host {
        Host::object([
            (&self.id, Host::num(id)),
            (&self.owner_user_id, Host::num(owner)),
        ])
    }
}

// ---------------------------------------------------------------------------
// Linear cases: 10x the input should cost about 10x the instructions.

/// The small state of the string cases: user 1 (with this email) owns
/// client 1, user 2 is linked to it with these permissions.
fn base(k: &Keys, email: &str, permissions: Host) -> Host {
    let user =
        |id: u64, email: &str| Host::object([(&k.id, Host::num(id)), (&k.email, Host::str(email))]);
    k.state(
        vec![user(1, email), user(2, "staff@example.com")],
        vec![k.client(1, 1)],
        vec![k.link(2, 1, &permissions)],
    )
}

/// The base state, for the params cases.
fn small(k: &Keys) -> Host {
    base(k, "owner@example.com", host!(["profile"]))
}

/// One user linked to `n` clients.
fn one_user_links(k: &Keys, n: u64) -> Host {
    let permissions = host!(["profile", "invoices"]);
    k.state(
        vec![host!({"id": 1}), host!({"id": 2})],
        (1..=n).map(|c| k.client(c, 1)).collect(),
        (1..=n).map(|c| k.link(2, c, &permissions)).collect(),
    )
}

/// `n` users linked to one client.
fn one_client_links(k: &Keys, n: u64) -> Host {
    let permissions = Host::str("profile,tickets");
    k.state(
        (1..=n + 1)
            .map(|u| Host::object([(&k.id, Host::num(u))]))
            .collect(),
        vec![k.client(1, 1)],
        (2..=n + 1).map(|u| k.link(u, 1, &permissions)).collect(),
    )
}

fn permissions_param(permissions: Host) -> Host {
    let k = Keys::new();
    Host::object([
        (&k.user_id, Host::num(2)),
        (&k.client_id, Host::num(1)),
        (&k.permissions, permissions),
    ])
}

/// One linear case at its two sizes: `make(1)` and `make(10)`, each run once.
fn linear<T>(case: &str, sizes: [&str; 2], make: impl Fn(usize) -> T, run: impl Fn(&T)) {
    for (scale, size) in [1, 10].into_iter().zip(sizes) {
        let input = make(scale);
        count(case, size, 1, || run(&input));
    }
}

fn linear_cases() {
    let k = &Keys::new();
    let state = small(k);
    let update = |params: &Host| {
        black_box(update_user_permissions(&state, params).unwrap());
    };
    linear(
        "permissions param string (known names)",
        ["1 MB", "10 MB"],
        |s| permissions_param(Host::str(&sized("profile,invoices,orders,", s * MB))),
        update,
    );
    linear(
        "permissions param string (unknown names, non-ASCII)",
        ["1 MB", "10 MB"],
        |s| permissions_param(Host::str(&sized("prófile,x,", s * MB))),
        update,
    );
    linear(
        "duplicate segments",
        ["100,000", "1,000,000"],
        |s| permissions_param(Host::str(&"profile,".repeat(s * 100_000))),
        update,
    );
    linear(
        "permissions param array",
        ["100,000 elements", "1,000,000 elements"],
        |s| permissions_param(Host::array(vec![Host::str("tickets,quotes"); s * 100_000])),
        update,
    );
    let big_email = |s: usize| base(k, &sized("Owner.", s * MB), host!(["profile"]));
    linear(
        "a user's email in the state: CreateClientInvite",
        ["1 MB", "10 MB"],
        big_email,
        |state| {
            let params =
                host!({"client_id": 1, "email": "new@example.com", "permissions": "profile"});
            black_box(create_client_invite(state, &params).unwrap());
        },
    );
    linear(
        "a user's email in the state: AddUser",
        ["1 MB", "10 MB"],
        big_email,
        |state| {
            let params = host!({"firstname": "Ana", "lastname": "Lee", "email": "new@example.com", "password2": "x"});
            black_box(add_user(state, &params).unwrap());
        },
    );
    linear(
        "a user's email in the state: UpdateUser",
        ["1 MB", "10 MB"],
        big_email,
        |state| {
            let params = host!({"user_id": 2, "email": "new@example.com"});
            black_box(update_user(state, &params).unwrap());
        },
    );
    linear(
        "a user's email in the state: ResetPassword by email",
        ["1 MB", "10 MB"],
        big_email,
        |state| {
            black_box(reset_password(state, &host!({"email": "staff@example.com"})).unwrap());
        },
    );
    linear(
        "a user's email in the state: GetUsers search",
        ["1 MB", "10 MB"],
        big_email,
        |state| {
            black_box(get_users(state, &host!({"search": "owner"})).unwrap());
        },
    );
    linear(
        "a link's permissions string in the state",
        ["1 MB", "10 MB"],
        |s| {
            base(
                k,
                "owner@example.com",
                Host::str(&sized("profile, orders,", s * MB)),
            )
        },
        |state| {
            black_box(get_user_permissions(state, &host!({"user_id": 2, "client_id": 1})).unwrap());
        },
    );
    linear(
        "links of one user, functional UpdateUserPermissions",
        ["20,000", "200,000"],
        |s| one_user_links(k, s as u64 * 20_000),
        |state| {
            let params = host!({"user_id": 2, "client_id": 7, "permissions": "orders"});
            black_box(update_user_permissions(state, &params).unwrap());
        },
    );
    linear(
        "users of one client, Store::from_doc",
        ["20,000", "200,000"],
        |s| one_client_links(k, s as u64 * 20_000),
        |state| {
            black_box(Store::from_doc(state).unwrap());
        },
    );
}

// ---------------------------------------------------------------------------
// Store cases: every method costs the same per call at 1,000 and 1,000,000
// links.

/// A state of `links` links, `links / 5` users (email, names, date) and
/// `links / 25` clients. Client c is owned by user 5c - 4; user u is linked
/// to the five clients (7u + j) mod clients + 1 it does not own, j = 0, 1, ...
struct World {
    users: u64,
    /// Every link's (user id, client id), in state order.
    links: Vec<(u64, u64)>,
}

impl World {
    fn owner(client: u64) -> u64 {
        5 * client - 4
    }

    fn build(links: u64) -> (World, Host) {
        let k = Keys::new();
        let users = links / 5;
        let clients = links / 25;
        let mut world = World {
            users,
            links: Vec::with_capacity(links as usize),
        };
        for u in 1..=users {
            let mut j = 0;
            let mut made = 0;
            while made < 5 {
                let c = (7 * u + j) % clients + 1;
                j += 1;
                if World::owner(c) != u {
                    world.links.push((u, c));
                    made += 1;
                }
            }
        }
        let date = Host::str("2024-01-01 00:00:00");
        let user_docs = (1..=users).map(|u| {
            Host::object([
                (&k.id, Host::num(u)),
                (&k.email, Host::str(&format!("user{u}@example.com"))),
                (&k.firstname, Host::str(&format!("First{u}"))),
                (&k.lastname, Host::str(&format!("Last{u}"))),
                (&k.datecreated, date.clone()),
            ])
        });
        // A comma string, as tblusers_clients stores it.
        let permissions = Host::str("profile,invoices,tickets");
        let state = k.state(
            user_docs.collect(),
            (1..=clients)
                .map(|c| k.client(c, World::owner(c)))
                .collect(),
            world
                .links
                .iter()
                .map(|&(u, c)| k.link(u, c, &permissions))
                .collect(),
        );
        (world, state)
    }

    /// `n` links spread over the whole state (a fixed step, no repeats).
    fn spread(&self, n: usize, offset: usize) -> Vec<(u64, u64)> {
        let step = self.links.len() / n;
        (0..n)
            .map(|i| self.links[i * step + offset % step])
            .collect()
    }

    /// `n` user ids spread over the whole state.
    fn some_users(&self, n: u64, offset: u64) -> Vec<u64> {
        let step = self.users / n;
        (0..n).map(|i| i * step + offset % step + 1).collect()
    }
}

/// Calls of each store case (the per-call figure is the count over this).
const CALLS: usize = 16;

/// One store case: `warm` runs uncounted first (it may build a lazy index),
/// then the calls with `params` are counted.
fn store_case(
    store: &mut Store<Host>,
    case: &str,
    size: &str,
    command: Command,
    warm: Host,
    params: Vec<Host>,
) {
    black_box(store.run(command, &warm).unwrap());
    count(case, size, params.len(), || {
        for p in &params {
            black_box(store.run(command, p).unwrap());
        }
    });
}

fn store_cases(links: u64, size: &str) {
    let (world, state) = World::build(links);
    let mut store = Store::from_doc(&state).unwrap();
    let s = &mut store;
    let perms = |i: usize| {
        if i % 2 == 0 {
            "profile,orders"
        } else {
            "invoices, tickets"
        }
    };

    let targets = world.spread(CALLS, 1);
    store_case(
        s,
        "store update_user_permissions",
        size,
        Command::UpdateUserPermissions,
        host!({"user_id": targets[0].0, "client_id": targets[0].1, "permissions": "orders"}),
        targets
            .iter()
            .enumerate()
            .map(|(i, &(u, c))| host!({"user_id": u, "client_id": c, "permissions": perms(i)}))
            .collect(),
    );

    let mut reads: Vec<Host> = (world.spread(CALLS - 2, 2).iter())
        .map(|&(u, c)| host!({"user_id": u, "client_id": c}))
        .collect();
    reads.push(host!({"user_id": World::owner(3), "client_id": 3})); // the owner: all 13
    reads.push(host!({"user_id": 1, "client_id": 2})); // not associated
    store_case(
        s,
        "store get_user_permissions",
        size,
        Command::GetUserPermissions,
        reads[0].clone(),
        reads,
    );
    store_case(
        s,
        "store get_permissions_list",
        size,
        Command::GetPermissionsList,
        host!({}),
        vec![host!({}); CALLS],
    );

    // Half new emails (success), half a linked user's own email (already associated).
    let invites = world
        .spread(CALLS, 3)
        .iter()
        .enumerate()
        .map(|(i, &(u, c))| {
            let email = if i % 2 == 0 {
                format!("new{i}@example.com")
            } else {
                format!("USER{u}@example.com")
            };
            host!({"client_id": c, "email": email, "permissions": "profile,invoices"})
        })
        .collect();
    store_case(
        s,
        "store create_client_invite",
        size,
        Command::CreateClientInvite,
        host!({"client_id": 1, "email": "first@example.com", "permissions": "profile"}),
        invites,
    );

    // Half new users, half an email that exists.
    let adds = (0..CALLS)
        .map(|i| {
            let email = if i % 2 == 0 { format!("added{i}@example.com") } else { format!("user{}@example.com", i + 1) };
            host!({"firstname": "Ana", "lastname": "Lee", "email": email, "password2": "s3cret", "language": "english"})
        })
        .collect();
    store_case(
        s,
        "store add_user",
        size,
        Command::AddUser,
        host!({"firstname": "A", "lastname": "B", "email": "warm@example.com", "password2": "x"}),
        adds,
    );

    // A new name and a new email; every fourth call an email another user has.
    let updates = world
        .some_users(CALLS as u64, 5)
        .iter()
        .enumerate()
        .map(|(i, &u)| {
            if i % 4 == 3 {
                host!({"user_id": u, "email": format!("User{}@Example.com", u + 1)})
            } else {
                host!({"user_id": u, "firstname": format!("Renamed{i}"), "email": format!("renamed{u}@example.com")})
            }
        })
        .collect();
    store_case(
        s,
        "store update_user (name and email)",
        size,
        Command::UpdateUser,
        host!({"user_id": 1, "email": "warm1@example.com"}),
        updates,
    );

    let middle = world.users / 2;
    for (label, start, sorting) in [
        ("first page, ascending", 0, "ASC"),
        ("first page, DESC", 0, "DESC"),
        ("middle page, ascending", middle, "ASC"),
        ("middle page, DESC", middle, "DESC"),
    ] {
        store_case(
            s,
            &format!("store get_users, {label}"),
            size,
            Command::GetUsers,
            host!({}),
            (0..CALLS as u64)
                .map(|i| host!({"limitstart": start + i, "limitnum": 25, "sorting": sorting}))
                .collect(),
        );
    }

    let ids = world.some_users(CALLS as u64, 7);
    store_case(
        s,
        "store reset_password by id",
        size,
        Command::ResetPassword,
        host!({"id": 1}),
        ids.iter().map(|&u| host!({"id": u.to_string()})).collect(),
    );
    store_case(
        s,
        "store reset_password by email",
        size,
        Command::ResetPassword,
        host!({"email": "user2@example.com"}),
        ids.iter()
            .map(|&u| host!({"email": format!("USER{u}@example.com")}))
            .collect(),
    );

    // With the arguments as the host gives them (what the JS wrapper calls).
    let checks: Vec<(Host, Host, Host)> = world
        .spread(CALLS, 4)
        .iter()
        .enumerate()
        .map(|(i, &(u, c))| {
            (
                host!(u),
                host!(c.to_string()),
                host!(["profile", "orders"][i % 2]),
            )
        })
        .collect();
    black_box(
        s.check_permission(&checks[0].0, &checks[0].1, &checks[0].2)
            .unwrap(),
    );
    count("store has_permission", size, checks.len(), || {
        for (u, c, p) in &checks {
            black_box(s.check_permission(u, c, p).unwrap());
        }
    });

    let api_calls: Vec<(Host, Host)> = world
        .spread(CALLS, 5)
        .iter()
        .enumerate()
        .map(|(i, &(u, c))| {
            let command = ["UpdateUserPermissions", "getuserpermissions"][i % 2];
            (
                host!(command),
                host!({"user_id": u, "client_id": c, "permissions": perms(i)}),
            )
        })
        .collect();
    black_box(s.local_api(&api_calls[0].0, &api_calls[0].1).unwrap());
    count("store local_api", size, api_calls.len(), || {
        for (command, post) in &api_calls {
            black_box(s.local_api(command, post).unwrap());
        }
    });

    // A small atomic batch that fails at its last call: everything it did
    // (a permissions update, a new user, a new invite) is undone.
    let batches: Vec<Vec<Call<Host>>> = world
        .spread(CALLS, 6)
        .iter()
        .enumerate()
        .map(|(i, &(u, c))| {
            Call::list(&host!([
                {"command": "UpdateUserPermissions", "params": {"user_id": u, "client_id": c, "permissions": perms(i)}},
                {"command": "AddUser", "params": {"firstname": "B", "lastname": "C", "email": format!("batch{i}@example.com"), "password2": "x"}},
                {"command": "CreateClientInvite", "params": {"client_id": c, "email": format!("batch{i}@example.com"), "permissions": "orders"}},
                {"command": "DeleteUserClient", "params": {"user_id": 0, "client_id": c}}
            ]))
            .unwrap()
        })
        .collect();
    black_box(s.apply_batch(&batches[0], true).unwrap());
    count(
        "store apply_batch (4 calls, atomic, rolled back)",
        size,
        batches.len(),
        || {
            for calls in &batches {
                black_box(s.apply_batch(calls, true).unwrap());
            }
        },
    );

    // Last: deleting changes the store for good.
    let deletes = world.spread(CALLS + 1, 0);
    store_case(
        s,
        "store delete_user_client",
        size,
        Command::DeleteUserClient,
        host!({"user_id": deletes[0].0, "client_id": deletes[0].1}),
        deletes[1..]
            .iter()
            .map(|&(u, c)| host!({"user_id": u, "client_id": c}))
            .collect(),
    );
}

fn main() {
    let only = std::env::args().nth(1);
    if only.as_deref() != Some("store") {
        linear_cases();
    }
    if only.as_deref() != Some("linear") {
        store_cases(1_000, "1,000 links");
        store_cases(1_000_000, "1,000,000 links");
    }
}
