//! `PermissionStore`: a state validated once and indexed, so each call costs
//! the same whatever the size of the state, and the batch journal that
//! makes atomic batches all-or-nothing.
//!
//! Every command runs on the same model the functional API builds per
//! call, so a store and the functional API give the same answers.

use crate::prelude::*;

use crate::api::{check_permission, command_arg, holds, ArgumentError, CallError};
use crate::commands::{Applied, Command};
use crate::doc::{Doc, HostError, Kind};
use crate::response::{message, Change, Response};
use crate::state::{Model, StateError, Undo};
use crate::vocabulary::Permission;

/// A validated, indexed state that commands update in place.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::{Command, Store};
/// let mut store = Store::from_doc(&json!({
///     "users": [{"id": 1}, {"id": 2}],
///     "clients": [{"id": 1, "owner_user_id": 1}],
///     "user_clients": [{"user_id": 2, "client_id": 1, "permissions": "profile"}]
/// })).unwrap();
/// let (response, changes) = store
///     .run(Command::DeleteUserClient, &json!({"user_id": 2, "client_id": 1}))
///     .unwrap();
/// assert!(response.is_success() && changes.len() == 1);
/// assert_eq!(store.to_doc().unwrap()["user_clients"], json!([]));
/// ```
#[derive(Clone, Debug)]
pub struct Store<D> {
    model: Model<D>,
}

/// One call of a batch.
///
/// ```
/// use serde_json::json;
/// let call = whmcs_permissions::Call { command: json!("GetUsers"), params: json!({}) };
/// assert_eq!(call.command, "GetUsers");
/// ```
#[derive(Clone, Debug)]
pub struct Call<D> {
    /// The command name (a string, matched as `localApi` does).
    pub command: D,
    /// Its params (an object).
    pub params: D,
}

impl<D: Doc> Call<D> {
    /// Reads `[{command, params}, ...]` from a host array; a call that is not
    /// an object is a type error (its fields are checked by the batch).
    ///
    /// ```
    /// use serde_json::json;
    /// let calls = whmcs_permissions::Call::list(&json!([{"command": "GetUsers", "params": {}}])).unwrap();
    /// assert_eq!(calls.len(), 1);
    /// assert!(whmcs_permissions::Call::list(&json!([7])).is_err());
    /// ```
    pub fn list(calls: &D) -> Result<Vec<Call<D>>, CallError> {
        if calls.kind() != Kind::Array {
            return Err(ArgumentError::CallsNotAnArray(calls.kind()).into());
        }
        let unreadable = |e: HostError| CallError::Type(ArgumentError::CallsUnreadable(e));
        let len = calls.array_len().map_err(unreadable)?;
        // Not `with_capacity(len)`: a sparse array's length (up to 2^32-1) is
        // no promise of elements.
        let mut out = Vec::with_capacity(len.min(1 << 16));
        for i in 0..len {
            let call = calls.array_get(i).map_err(unreadable)?;
            if call.kind() != Kind::Object {
                return Err(ArgumentError::CallNotAnObject(i, call.kind()).into());
            }
            let field = |key: &str| -> Result<D, CallError> {
                Ok(call
                    .get(key)
                    .map_err(unreadable)?
                    .unwrap_or_else(D::undefined))
            };
            out.push(Call {
                command: field("command")?,
                params: field("params")?,
            });
        }
        Ok(out)
    }
}

/// What a batch did.
///
/// ```
/// let outcome = whmcs_permissions::BatchOutcome { responses: vec![], changes: vec![], failed_index: None };
/// assert!(outcome.failed_index.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOutcome {
    /// One response per call that ran (an atomic batch stops at its first error).
    pub responses: Vec<Response>,
    /// The changes that are in effect (none when an atomic batch failed).
    pub changes: Vec<Change>,
    /// The index of the first call that answered with an error.
    pub failed_index: Option<usize>,
}

impl<D: Doc> Store<D> {
    /// Validates the whole state (the same `StateError`s as every call).
    ///
    /// ```
    /// let bad = serde_json::json!({"users": null, "clients": []});
    /// assert_eq!(whmcs_permissions::Store::from_doc(&bad).unwrap_err().path, "state.users");
    /// ```
    pub fn from_doc(state: &D) -> Result<Store<D>, StateError> {
        Ok(Store {
            model: Model::from_doc(state)?,
        })
    }

    /// Runs one command, as `localApi` does but without a state argument.
    ///
    /// ```
    /// use serde_json::json;
    /// use whmcs_permissions::{Command, Store};
    /// let mut store = Store::from_doc(&json!({"users": [], "clients": []})).unwrap();
    /// let (r, _) = store.run(Command::GetUsers, &json!({})).unwrap();
    /// assert!(r.is_success());
    /// ```
    pub fn run(
        &mut self,
        command: Command,
        params: &D,
    ) -> Result<(Response, Vec<Change>), CallError> {
        let Applied {
            response, changes, ..
        } = command.run(&mut self.model, params)?;
        Ok((response, changes))
    }

    /// `localApi(command, postData)`: command names match case-insensitively.
    ///
    /// ```
    /// use serde_json::json;
    /// let mut store = whmcs_permissions::Store::from_doc(&json!({"users": [], "clients": []})).unwrap();
    /// let (r, _) = store.local_api(&json!("nope"), &json!({})).unwrap();
    /// assert_eq!(r.message(), Some("Command Not Found"));
    /// ```
    pub fn local_api(
        &mut self,
        command: &D,
        post_data: &D,
    ) -> Result<(Response, Vec<Change>), CallError> {
        match command_arg(command, post_data)? {
            Some(command) => self.run(command, post_data),
            None => Ok((Response::error(message::COMMAND_NOT_FOUND), Vec::new())),
        }
    }

    /// `hasPermission` on parsed ids (`None` for an invalid id).
    ///
    /// ```
    /// use serde_json::json;
    /// use whmcs_permissions::{Permission, Store};
    /// let store = Store::from_doc(&json!({"users": [{"id": 1}], "clients": [{"id": 1, "owner_user_id": 1}]})).unwrap();
    /// assert!(store.has_permission(Some(1), Some(1), Permission::from_name("orders").unwrap()));
    /// ```
    pub fn has_permission(
        &self,
        user_id: Option<u64>,
        client_id: Option<u64>,
        permission: Permission,
    ) -> bool {
        holds(&self.model, user_id, client_id, permission)
    }

    /// `hasPermission` with the arguments as the host gave them: the name
    /// must be one of the 13, ids are parsed like params.
    ///
    /// ```
    /// use serde_json::json;
    /// let store = whmcs_permissions::Store::from_doc(&json!({"users": [], "clients": []})).unwrap();
    /// assert!(store.check_permission(&json!(1), &json!(1), &json!("Orders")).is_err());
    /// ```
    pub fn check_permission(
        &self,
        user_id: &D,
        client_id: &D,
        permission: &D,
    ) -> Result<bool, CallError> {
        check_permission(&self.model, user_id, client_id, permission)
    }

    /// Runs calls in order. With `atomic`, the first call that answers with
    /// an error stops the batch and every change made by it is undone.
    /// A call that is not `{command: string, params: object}` is a type error
    /// before anything runs; a call that throws undoes the whole batch.
    ///
    /// ```
    /// use serde_json::json;
    /// use whmcs_permissions::{Call, Store};
    /// let mut store = Store::from_doc(&json!({"users": [], "clients": []})).unwrap();
    /// let calls = Call::list(&json!([
    ///     {"command": "AddUser", "params": {"firstname": "A", "lastname": "B", "email": "a@b.co", "password2": "x"}},
    ///     {"command": "AddUser", "params": {}}
    /// ])).unwrap();
    /// let out = store.apply_batch(&calls, true).unwrap();
    /// assert_eq!(out.failed_index, Some(1));
    /// assert_eq!(store.to_doc().unwrap()["users"], json!([]));
    /// ```
    pub fn apply_batch(
        &mut self,
        calls: &[Call<D>],
        atomic: bool,
    ) -> Result<BatchOutcome, CallError> {
        for (i, call) in calls.iter().enumerate() {
            if call.command.kind() != Kind::String {
                return Err(ArgumentError::CallCommandNotAString(i, call.command.kind()).into());
            }
            if call.params.kind() != Kind::Object {
                return Err(ArgumentError::CallParamsNotAnObject(i, call.params.kind()).into());
            }
        }
        let mut journal: Vec<Undo<D>> = Vec::new();
        let mut outcome = BatchOutcome {
            responses: Vec::with_capacity(calls.len()),
            changes: Vec::new(),
            failed_index: None,
        };
        for (i, call) in calls.iter().enumerate() {
            let name = call.command.as_string().unwrap_or_default();
            let result = match Command::from_name(&name) {
                Some(command) => command.run(&mut self.model, &call.params),
                None => Ok(Applied {
                    response: Response::error(message::COMMAND_NOT_FOUND),
                    changes: Vec::new(),
                    undo: None,
                }),
            };
            let applied = match result {
                Ok(applied) => applied,
                Err(e) => {
                    self.rollback(journal);
                    return Err(e);
                }
            };
            journal.extend(applied.undo);
            let failed = !applied.response.is_success();
            outcome.responses.push(applied.response);
            outcome.changes.extend(applied.changes);
            if failed && outcome.failed_index.is_none() {
                outcome.failed_index = Some(i);
                if atomic {
                    self.rollback(journal);
                    outcome.changes.clear();
                    return Ok(outcome);
                }
            }
        }
        Ok(outcome)
    }

    /// Undoes a batch's changes, newest first.
    fn rollback(&mut self, journal: Vec<Undo<D>>) {
        for undo in journal.into_iter().rev() {
            self.model.undo(undo);
        }
    }

    /// The state as the host sees it (canonical form, unknown fields and the
    /// order of untouched records kept).
    ///
    /// ```
    /// use serde_json::json;
    /// let store = whmcs_permissions::Store::from_doc(&json!({"users": [], "clients": []})).unwrap();
    /// assert_eq!(store.to_doc().unwrap(), json!({"users": [], "clients": [], "user_clients": [], "invites": []}));
    /// ```
    pub fn to_doc(&self) -> Result<D, HostError> {
        self.model.to_doc()
    }

    /// [`Store::to_doc`], a record that cannot be copied being a `StateError`.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn to_state(&self) -> Result<D, CallError> {
        crate::api::rendered(&self.model)
    }
}
