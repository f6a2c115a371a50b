//! The functional API: each call validates the whole state, runs one command
//! and returns a new state. The caller's state is never modified.

use std::fmt;

use crate::commands::Command;
use crate::doc::{Doc, HostError, Kind};
use crate::params::{parse_id, ParamsError};
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation, StateError};
use crate::vocabulary::Permission;

/// What a writing command returns: the response, the new state and what
/// changed (`[]` on any error).
#[derive(Clone, Debug)]
pub struct Outcome<D> {
    pub response: Response,
    pub state: D,
    pub changes: Vec<Change>,
}

/// Why a call could not run at all. In JavaScript, `State` is thrown as a
/// `StateError`, `Type` as a `TypeError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    State(StateError),
    Type(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::State(e) => e.fmt(f),
            CallError::Type(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CallError {}

impl From<StateError> for CallError {
    fn from(e: StateError) -> Self {
        CallError::State(e)
    }
}

impl From<ParamsError> for CallError {
    fn from(ParamsError(m): ParamsError) -> Self {
        CallError::Type(m)
    }
}

/// A model as the host's canonical state; a record that cannot be copied
/// (a throwing getter) is a `StateError` at `state`.
pub fn rendered<D: Doc>(model: &Model<D>) -> Result<D, CallError> {
    model.to_doc().map_err(|HostError(e)| {
        CallError::State(StateError {
            path: "state".into(),
            problem: format!("could not be copied: {e}"),
        })
    })
}

/// Runs `command` on a state: validate, run, render.
pub fn run<D: Doc>(command: Command, state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    let mut model = Model::from_doc(state)?;
    let (response, changes) = command.run(&mut model, params)?;
    Ok(Outcome {
        response,
        state: rendered(&model)?,
        changes,
    })
}

/// `UpdateUserPermissions`.
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

/// `DeleteUserClient`.
pub fn delete_user_client<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::DeleteUserClient, state, params)
}

/// `CreateClientInvite`.
pub fn create_client_invite<D: Doc>(state: &D, params: &D) -> Result<Outcome<D>, CallError> {
    run(Command::CreateClientInvite, state, params)
}

/// `GetUserPermissions` (read-only: answers with a response only).
pub fn get_user_permissions<D: Doc>(state: &D, params: &D) -> Result<Response, CallError> {
    let mut model = Model::from_doc(state)?;
    Ok(Command::GetUserPermissions.run(&mut model, params)?.0)
}

/// WHMCS `localAPI($command, $postData)`: a non-string command, then a
/// non-object postData, are type errors; then the state is validated; an
/// unknown command answers `Command Not Found`.
pub fn local_api<D: Doc>(command: &D, post_data: &D, state: &D) -> Result<Outcome<D>, CallError> {
    let command = command_arg(command, post_data)?;
    match command {
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

/// The `localApi` argument checks: a string command, then an object
/// postData. `None` is an unknown command (`Command Not Found`).
pub fn command_arg<D: Doc>(command: &D, post_data: &D) -> Result<Option<Command>, CallError> {
    let name = match command.kind() {
        Kind::String => command.as_string().unwrap_or_default(),
        other => {
            return Err(CallError::Type(format!(
                "command must be a string, got {}",
                other.article()
            )))
        }
    };
    if post_data.kind() != Kind::Object {
        return Err(CallError::Type(format!(
            "postData must be an object, got {}",
            post_data.kind().article()
        )));
    }
    Ok(Command::from_name(&name))
}

/// Whether a user holds a permission on a client. The owner holds all; an
/// invalid id or an unknown user or client gives `false`; a name that is
/// not one of the 13 is a type error.
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
pub fn check_permission<D: Doc>(
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
pub fn permission_arg<D: Doc>(permission: &D) -> Result<Permission, CallError> {
    let name = permission
        .as_string()
        .filter(|_| permission.kind() == Kind::String);
    name.as_deref()
        .and_then(Permission::from_name)
        .ok_or_else(|| {
            CallError::Type(match name {
                Some(name) => format!(
                    "unknown permission \"{}\": expected one of {}",
                    crate::params::shown_name(&name),
                    crate::PERMISSIONS.join(", ")
                ),
                None => format!(
                    "permission must be a string, got {}",
                    permission.kind().article()
                ),
            })
        })
}

/// The `hasPermission` rule on a validated model.
pub fn holds<D: Doc>(
    model: &Model<D>,
    user_id: Option<u64>,
    client_id: Option<u64>,
    permission: Permission,
) -> bool {
    let (Some(user_id), Some(client_id)) = (user_id, client_id) else {
        return false;
    };
    if model.user(user_id).is_none() {
        return false;
    }
    match model.relation(user_id, client_id) {
        Relation::Owner => true,
        Relation::Linked(set) => set.contains(permission),
        Relation::None => false,
    }
}
