//! # whmcs_permissions
//!
//! WHMCS 8's Users API — `UpdateUserPermissions`, `GetUserPermissions`,
//! `DeleteUserClient`, `CreateClientInvite`, `GetPermissionsList`,
//! `AddUser`, `UpdateUser`, `GetUsers`, `ResetPassword` — as pure functions
//! of a state you supply. The same core runs natively and, compiled to
//! WebAssembly, in browsers, Node, Deno and Bun, so every runtime gives
//! byte-identical answers.
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
//! `json` feature, `serde_json::Value` implements it. A storage backend
//! asks [`read_plan`] which records a command reads, loads that slice of
//! its database and runs the command on it.
#![warn(missing_docs)]

mod api;
mod commands;
mod doc;
mod email;
mod lowercase;
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
    add_user, create_client_invite, delete_user_client, get_user_permissions, get_users,
    get_users_page, has_permission, local_api, read_plan, reset_password, update_user,
    update_user_permissions, ArgumentError, CallError, Outcome,
};
pub use commands::{get_permissions_list, Command, LinkKey, MemberQuery, ReadPlan, UsersQuery};
pub use doc::{Doc, HostError, Kind};
pub use email::{is_plausible_email, match_key};
pub use params::{
    given_text, parse_count, parse_id, parse_id_number, parse_id_str, php_trim, shown_name,
    ParamsError, PermissionsParam, MAX_ID,
};
pub use response::{
    message, Change, ClientRef, NewUser, Response, UserField, UserFields, UserSummary, UsersPage,
};
pub use state::{StateError, StateErrorKind};
pub use store::{BatchOutcome, Call, Store};
pub use vocabulary::{Permission, PermissionSet, PERMISSIONS};
