//! # whmcs_permissions
//!
//! The WHMCS 8 user-permission API — `UpdateUserPermissions`,
//! `GetUserPermissions`, `DeleteUserClient`, `CreateClientInvite`,
//! `GetPermissionsList` — as a pure function of a state you supply. The same
//! core runs natively and, compiled to WebAssembly, in browsers, Node, Deno
//! and Bun, so every runtime gives byte-identical answers.
//!
//! ```
//! use serde_json::json;
//! use whmcs_permissions::update_user_permissions;
//!
//! let state = json!({
//!     "users": [{"id": 1, "email": "owner@example.com"}, {"id": 2}],
//!     "clients": [{"id": 1, "owner_user_id": 1}],
//!     "user_clients": [{"user_id": 2, "client_id": 1, "permissions": ["profile"]}]
//! });
//! let out = update_user_permissions(&state, &json!({
//!     "user_id": "1", "client_id": "1", "permissions": "invoices"
//! })).unwrap();
//! assert_eq!(serde_json::to_string(&out.response).unwrap(),
//!     r#"{"result":"error","message":"Permissions cannot be set on a client owner"}"#);
//! ```
//!
//! States and params are read through the [`Doc`] trait; with the default
//! `json` feature, `serde_json::Value` implements it.

mod api;
pub mod commands;
mod doc;
mod index;
mod params;
pub mod render;
mod response;
mod state;
mod store;
mod vocabulary;

/// The wasm-bindgen exports (what the npm package calls).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use api::{
    check_permission, command_arg, create_client_invite, delete_user_client, get_user_permissions,
    has_permission, holds, local_api, permission_arg, rendered, run, update_user_permissions,
    CallError, Outcome,
};
pub use commands::{create_client_invite::is_plausible_email, get_permissions_list, Command};
pub use doc::{Doc, HostError, Kind};
pub use params::{
    parse_id, parse_id_number, parse_id_str, php_trim, shown_name, ParamsError, PermissionsParam,
    MAX_ID,
};
pub use response::{message, Change, Response};
pub use state::{Client, Invite, InviteSource, Link, Model, Relation, StateError, User};
pub use store::{BatchOutcome, Call, Store};
pub use vocabulary::{Permission, PermissionSet, PERMISSIONS};
