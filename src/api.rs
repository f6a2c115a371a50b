//! The functional API: each call validates the whole state, runs one command
//! and returns a new state. The caller's state is never modified.

use crate::prelude::*;

use crate::commands::{Command, GetUsers, ReadPlan};
use crate::doc::{Doc, HostError, Kind};
use crate::params::{expect_params_object, parse_id, shown_name, ParamsError, MAX_ID};
use crate::render::RenderError;
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation, StateError, StateErrorKind};
use crate::text::{display_message, push_all, push_u64, Message};
use crate::vocabulary::{Permission, PERMISSIONS};

/// What a writing command returns: the response, the new state and what
/// changed (`[]` on any error).
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [], "clients": []});
/// let out = whmcs_permissions::add_user(&state, &json!({
///     "firstname": "Ana", "lastname": "Lee", "email": "ana@example.com", "password2": "s3cret!"
/// })).unwrap();
/// assert_eq!(out.state["users"][0]["id"], 1);
/// assert_eq!(out.changes.len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct Outcome<D> {
    /// The WHMCS response.
    pub response: Response,
    /// The new state, in canonical form.
    pub state: D,
    /// What changed (`[]` on an error).
    pub changes: Vec<Change>,
}

/// Why a call could not run at all. In JavaScript, `State` is thrown as a
/// `StateError`, `Type` as a `TypeError`.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::{local_api, CallError};
/// let err = local_api(&json!(7), &json!({}), &json!({})).unwrap_err();
/// assert!(matches!(err, CallError::Type(_)));
/// assert_eq!(err.to_string(), "command must be a string, got a number");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The state breaks a rule of SPEC section 2.
    State(StateError),
    /// An argument has the wrong type or value.
    Type(ArgumentError),
}

/// An argument that a call cannot take (thrown as a `TypeError`).
///
/// ```
/// use whmcs_permissions::{ArgumentError, Kind};
/// assert_eq!(ArgumentError::PostDataNotAnObject(Kind::Null).to_string(), "postData must be an object, got null");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgumentError {
    /// The params of a command.
    Params(ParamsError),
    /// `localApi`'s command is not a string.
    CommandNotAString(Kind),
    /// `localApi`'s postData is not an object.
    PostDataNotAnObject(Kind),
    /// `hasPermission`'s permission is not a string.
    PermissionNotAString(Kind),
    /// `hasPermission`'s permission is not one of the 13 (shown as in messages).
    UnknownPermission(String),
    /// A count (`totalresults`) that is not an integer in 0 ..= 2^53-1.
    BadCount(&'static str),
    /// An argument that must be a string (`matchKey`'s text).
    NotAString(&'static str, Kind),
    /// `applyBatch`'s calls are not an array.
    CallsNotAnArray(Kind),
    /// A call of a batch is not an object.
    CallNotAnObject(usize, Kind),
    /// A call's `command` is not a string.
    CallCommandNotAString(usize, Kind),
    /// A call's `params` is not an object.
    CallParamsNotAnObject(usize, Kind),
    /// Reading the calls threw.
    CallsUnreadable(HostError),
    /// `formatResponse` cannot render its arguments.
    Render(RenderError),
}

impl Message for ArgumentError {
    fn write_to(&self, out: &mut String) {
        use ArgumentError::*;
        let got = |out: &mut String, what: &str, k: &Kind| {
            push_all(out, &[what, " must be a string, got ", k.article()])
        };
        match self {
            Params(e) => e.write_to(out),
            CommandNotAString(k) => got(out, "command", k),
            PostDataNotAnObject(k) => {
                push_all(out, &["postData must be an object, got ", k.article()])
            }
            PermissionNotAString(k) => got(out, "permission", k),
            UnknownPermission(name) => {
                push_all(
                    out,
                    &["unknown permission \"", name, "\": expected one of "],
                );
                for (i, p) in PERMISSIONS.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(p);
                }
            }
            BadCount(what) => push_all(out, &[what, " must be an integer in 0 ..= 2^53-1"]),
            NotAString(what, k) => got(out, what, k),
            CallsNotAnArray(k) => push_all(out, &["calls must be an array, got ", k.article()]),
            CallNotAnObject(i, k) => {
                call(out, *i, "] must be an object {command, params}, got ", k)
            }
            CallCommandNotAString(i, k) => call(out, *i, "].command must be a string, got ", k),
            CallParamsNotAnObject(i, k) => call(out, *i, "].params must be an object, got ", k),
            CallsUnreadable(e) => {
                out.push_str("calls could not be read: ");
                e.write_to(out);
            }
            Render(e) => e.write_to(out),
        }
    }
}

/// `calls[<i><what><kind>`.
fn call(out: &mut String, i: usize, what: &str, k: &Kind) {
    out.push_str("calls[");
    push_u64(out, i as u64);
    push_all(out, &[what, k.article()]);
}

display_message!(ArgumentError, CallError);

impl core::error::Error for ArgumentError {}

impl Message for CallError {
    fn write_to(&self, out: &mut String) {
        match self {
            CallError::State(e) => e.write_to(out),
            CallError::Type(e) => e.write_to(out),
        }
    }
}

impl core::error::Error for CallError {}

impl From<StateError> for CallError {
    fn from(e: StateError) -> Self {
        CallError::State(e)
    }
}

impl From<Box<ParamsError>> for CallError {
    fn from(e: Box<ParamsError>) -> Self {
        CallError::Type(ArgumentError::Params(*e))
    }
}

impl From<ParamsError> for CallError {
    fn from(e: ParamsError) -> Self {
        CallError::Type(ArgumentError::Params(e))
    }
}

impl From<ArgumentError> for CallError {
    fn from(e: ArgumentError) -> Self {
        CallError::Type(e)
    }
}

impl From<RenderError> for CallError {
    fn from(e: RenderError) -> Self {
        CallError::Type(ArgumentError::Render(e))
    }
}

/// A model as the host's canonical state; a record that cannot be copied
/// (a throwing getter) is a `StateError` at `state`.
pub(crate) fn rendered<D: Doc>(model: &Model<D>) -> Result<D, CallError> {
    model.to_doc().map_err(|e| {
        CallError::State(StateError {
            path: "state".into(),
            kind: StateErrorKind::Uncopyable(e),
        })
    })
}

/// Runs `command` on a state: validate, run, render.
fn run<D: Doc>(command: Command, state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    let mut model = Model::from_doc(state)?;
    let applied = command.run(&mut model, params)?;
    Ok(Outcome {
        response: applied.response,
        state: rendered(&model)?,
        changes: applied.changes,
    })
}

/// Runs a read-only command: the response only.
fn answer<D: Doc>(command: Command, state: &D, params: &D) -> Result<Response, CallError> {
    let mut model = Model::from_doc(state)?;
    Ok(command.run(&mut model, params)?.response)
}

/// `UpdateUserPermissions`: replace a linked user's permissions on a client.
///
/// ```
/// use serde_json::json;
/// let state = json!({
///     "users": [{"id": 1}, {"id": 2}],
///     "clients": [{"id": 1, "owner_user_id": 1}],
///     "user_clients": [{"user_id": 2, "client_id": 1, "permissions": ["profile"]}]
/// });
/// let out = whmcs_permissions::update_user_permissions(&state,
///     &json!({"user_id": "2", "client_id": "1", "permissions": "invoices,profile"})).unwrap();
/// assert!(out.response.is_success());
/// assert_eq!(out.state["user_clients"][0]["permissions"], json!(["profile", "invoices"]));
/// ```
pub fn update_user_permissions<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::UpdateUserPermissions, state, params)
}

/// `DeleteUserClient`: remove a user's access to a client.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 1}], "clients": [{"id": 1, "owner_user_id": 1}]});
/// let out = whmcs_permissions::delete_user_client(&state, &json!({"user_id": 1, "client_id": 1})).unwrap();
/// assert_eq!(out.response.message(), Some("You cannot remove the account owner"));
/// ```
pub fn delete_user_client<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::DeleteUserClient, state, params)
}

/// `CreateClientInvite`: invite an email address to a client.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 1}], "clients": [{"id": 1, "owner_user_id": 1}]});
/// let out = whmcs_permissions::create_client_invite(&state,
///     &json!({"client_id": 1, "email": "new@example.com", "permissions": "profile"})).unwrap();
/// assert_eq!(out.state["invites"][0]["email"], "new@example.com");
/// ```
pub fn create_client_invite<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::CreateClientInvite, state, params)
}

/// `AddUser`: add a user (SPEC section 8). The password is checked for
/// presence only and appears nowhere in the outcome.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 4, "email": "ana@example.com"}], "clients": []});
/// let out = whmcs_permissions::add_user(&state, &json!({
///     "firstname": "Ana", "lastname": "Lee", "email": "ANA@example.com", "password2": "x"
/// })).unwrap();
/// assert_eq!(out.response.message(), Some("A user already exists with that email address"));
/// ```
pub fn add_user<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::AddUser, state, params)
}

/// `UpdateUser`: set a user's first name, last name, email or language.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 4, "email": "ana@example.com"}], "clients": []});
/// let out = whmcs_permissions::update_user(&state, &json!({"user_id": 4, "firstname": " Ana "})).unwrap();
/// assert_eq!(out.state["users"][0], json!({"id": 4, "email": "ana@example.com", "firstname": "Ana"}));
/// ```
pub fn update_user<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::UpdateUser, state, params)
}

/// `ResetPassword`: find the user (by `id`, else by `email`) whose reset
/// mail the host sends; the state does not change.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 4, "email": "ana@example.com"}], "clients": []});
/// let out = whmcs_permissions::reset_password(&state, &json!({"email": "ana@example.com"})).unwrap();
/// assert_eq!(serde_json::to_string(&out.changes).unwrap(), r#"[{"op":"reset_password","user_id":4}]"#);
/// ```
pub fn reset_password<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::ResetPassword, state, params)
}

/// `GetUserPermissions` (read-only: answers with a response only).
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 1}], "clients": [{"id": 1, "owner_user_id": 1}]});
/// let r = whmcs_permissions::get_user_permissions(&state, &json!({"user_id": 1, "client_id": 1})).unwrap();
/// assert!(r.is_success());
/// ```
pub fn get_user_permissions<D: Doc>(state: &D, params: &D) -> Result<Response, CallError> {
    answer(Command::GetUserPermissions, state, params)
}

/// `GetUsers`: users searched, sorted by id and paged (read-only).
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 2, "email": "b@x.io"}, {"id": 1, "email": "a@x.io"}], "clients": []});
/// let r = whmcs_permissions::get_users(&state, &json!({"limitnum": 1})).unwrap();
/// let text = serde_json::to_string(&r).unwrap();
/// assert!(text.starts_with(r#"{"result":"success","totalresults":2,"startnumber":0,"numreturned":1,"users":[{"id":1,"#));
/// ```
pub fn get_users<D: Doc>(state: &D, params: &D) -> Result<Response, CallError> {
    answer(Command::GetUsers, state, params)
}

/// GetUsers for a backend that pages in its database: `slice` holds exactly
/// the users of the page (filtered by the plan's search, sorted, paged —
/// [`Command::reads`]'s `users_page`) with every client they own or are
/// linked to; `total` is how many users matched. The core parses the
/// params, checks the search on each user and renders the page.
///
/// ```
/// use serde_json::json;
/// let slice = json!({"users": [{"id": 30, "email": "c@x.io"}], "clients": []});
/// let r = whmcs_permissions::get_users_page(&slice, &json!({"limitstart": 29, "limitnum": 1}), 1000).unwrap();
/// let text = serde_json::to_string(&r).unwrap();
/// assert!(text.starts_with(r#"{"result":"success","totalresults":1000,"startnumber":29,"numreturned":1,"#));
/// ```
pub fn get_users_page<D: Doc>(slice: &D, params: &D, total: u64) -> Result<Response, CallError> {
    users_page(slice, params, (total <= MAX_ID).then_some(total))
}

/// [`get_users_page`] with `total` as the host gave it (a number or a
/// digit string).
#[cfg(target_arch = "wasm32")]
pub(crate) fn get_users_page_doc<D: Doc>(
    slice: &D,
    params: &D,
    total: &D,
) -> Result<Response, CallError> {
    users_page(slice, params, crate::params::parse_count(Some(total), 0))
}

/// Checks the slice, then the params, then `total` (`None`: not a count).
fn users_page<D: Doc>(slice: &D, params: &D, total: Option<u64>) -> Result<Response, CallError> {
    let model = Model::from_doc(slice)?;
    expect_params_object(params)?;
    let total = total.ok_or(ArgumentError::BadCount("totalresults"))?;
    Ok(GetUsers::from_params(params)?.answer_page(&model, total))
}

/// WHMCS `localAPI($command, $postData)`: a non-string command, then a
/// non-object postData, are type errors; then the state is validated; an
/// unknown command answers `Command Not Found`.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [], "clients": []});
/// let out = whmcs_permissions::local_api(&json!("getpermissionslist"), &json!({}), &state).unwrap();
/// assert!(out.response.is_success());
/// let out = whmcs_permissions::local_api(&json!("Nope"), &json!({}), &state).unwrap();
/// assert_eq!(out.response.message(), Some("Command Not Found"));
/// ```
pub fn local_api<D: Doc>(command: &D, post_data: &D, state: &D) -> Result<Outcome<D>, CallError> {
    match command_arg(command, post_data)? {
        Some(command) => run(command, state, post_data),
        None => {
            let model = Model::from_doc(state)?;
            Ok(Outcome {
                response: Response::error(message::COMMAND_NOT_FOUND),
                state: rendered(&model)?,
                changes: Vec::new(),
            })
        }
    }
}

/// Which records `command` reads for `params` ([`Command::reads`]), with
/// `localApi`'s argument checks; an unknown command reads nothing.
///
/// ```
/// use serde_json::json;
/// let plan = whmcs_permissions::read_plan(&json!("updateuserpermissions"),
///     &json!({"user_id": 2, "client_id": "1", "permissions": "profile"})).unwrap();
/// assert_eq!(plan.command, Some("UpdateUserPermissions"));
/// assert!(plan.writes);
/// ```
pub fn read_plan<D: Doc>(command: &D, params: &D) -> Result<ReadPlan, CallError> {
    Ok(match command_arg(command, params)? {
        Some(command) => command.reads(params)?,
        None => ReadPlan::unknown_command(),
    })
}

/// The `localApi` argument checks: a string command, then an object
/// postData. `None` is an unknown command (`Command Not Found`).
pub(crate) fn command_arg<D: Doc>(
    command: &D,
    post_data: &D,
) -> Result<Option<Command>, CallError> {
    let name = match command.kind() {
        Kind::String => command.as_string().unwrap_or_default(),
        other => return Err(ArgumentError::CommandNotAString(other).into()),
    };
    if post_data.kind() != Kind::Object {
        return Err(ArgumentError::PostDataNotAnObject(post_data.kind()).into());
    }
    Ok(Command::from_name(&name))
}

/// Whether a user holds a permission on a client. The owner holds all; an
/// invalid id or an unknown user or client gives `false`; a name that is
/// not one of the 13 is a type error.
///
/// ```
/// use serde_json::json;
/// let state = json!({"users": [{"id": 1}], "clients": [{"id": 1, "owner_user_id": 1}]});
/// assert!(whmcs_permissions::has_permission(&state, &json!(1), &json!("1"), &json!("orders")).unwrap());
/// ```
pub fn has_permission<D: Doc>(
    state: &D,
    user_id: &D,
    client_id: &D,
    permission: &D,
) -> Result<bool, CallError> {
    check_permission(&Model::from_doc(state)?, user_id, client_id, permission)
}

/// `hasPermission` on a validated model, arguments as the caller gave them:
/// the name must be one of the 13, the ids are parsed like params.
pub(crate) fn check_permission<D: Doc>(
    model: &Model<D>,
    user_id: &D,
    client_id: &D,
    permission: &D,
) -> Result<bool, CallError> {
    let permission = permission_arg(permission)?;
    Ok(holds(
        model,
        parse_id(Some(user_id)),
        parse_id(Some(client_id)),
        permission,
    ))
}

/// The `permission` argument of `hasPermission`: exactly one of the 13.
fn permission_arg<D: Doc>(permission: &D) -> Result<Permission, CallError> {
    if let Some(p) = Permission::from_doc(permission) {
        return Ok(p);
    }
    if permission.kind() != Kind::String {
        return Err(ArgumentError::PermissionNotAString(permission.kind()).into());
    }
    let name = permission.as_string().unwrap_or_default();
    Permission::from_name(&name)
        .ok_or_else(|| ArgumentError::UnknownPermission(shown_name(&name)).into())
}

/// The `hasPermission` rule on a validated model.
pub(crate) fn holds<D: Doc>(
    model: &Model<D>,
    user_id: Option<u64>,
    client_id: Option<u64>,
    permission: Permission,
) -> bool {
    let (Some(user_id), Some(client_id)) = (user_id, client_id) else {
        return false;
    };
    match model.relation(user_id, client_id) {
        // An owner that is not in `users` gives false; a link always names
        // a user of the state, so only the owner needs the user lookup.
        Relation::Owner => model.user(user_id).is_some(),
        Relation::Linked(set) => set.contains(permission),
        Relation::None => false,
    }
}
