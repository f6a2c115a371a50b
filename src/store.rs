//! `PermissionStore`: a state validated once and indexed, so each call costs
//! the same whatever the size of the state.
//!
//! Every command runs on the same [`Model`] the functional API builds per
//! call, so a store and the functional API give the same answers; batches
//! run in a model transaction, so an atomic batch that fails leaves the store
//! as it was.

use crate::api::{holds, CallError};
use crate::commands::Command;
use crate::doc::{Doc, HostError, Kind};
use crate::response::{Change, Response};
use crate::state::{Model, StateError};
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
#[derive(Clone, Debug)]
pub struct Call<D> {
    pub command: D,
    pub params: D,
}

/// What a batch did.
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
    pub fn from_doc(state: &D) -> Result<Store<D>, StateError> {
        Ok(Store {
            model: Model::from_doc(state)?,
        })
    }

    /// The validated model.
    pub fn model(&self) -> &Model<D> {
        &self.model
    }

    /// Runs one command, as `localApi` does but without a state argument.
    pub fn run(
        &mut self,
        command: Command,
        params: &D,
    ) -> Result<(Response, Vec<Change>), CallError> {
        Ok(command.run(&mut self.model, params)?)
    }

    /// `localApi(command, postData)`: command names match case-insensitively.
    pub fn local_api(
        &mut self,
        command: &D,
        post_data: &D,
    ) -> Result<(Response, Vec<Change>), CallError> {
        let command = crate::api::command_arg(command, post_data)?;
        match command {
            Some(command) => self.run(command, post_data),
            None => Ok((
                Response::error(crate::message::COMMAND_NOT_FOUND),
                Vec::new(),
            )),
        }
    }

    /// `hasPermission` on parsed ids (`None` for an invalid id).
    pub fn has_permission(
        &self,
        user_id: Option<u64>,
        client_id: Option<u64>,
        permission: Permission,
    ) -> bool {
        holds(&self.model, user_id, client_id, permission)
    }

    /// Runs calls in order. With `atomic`, the first call that answers with
    /// an error stops the batch and every change made by it is undone.
    /// A call that is not `{command: string, params: object}` is a type error
    /// before anything runs.
    pub fn apply_batch(
        &mut self,
        calls: &[Call<D>],
        atomic: bool,
    ) -> Result<BatchOutcome, CallError> {
        for (i, call) in calls.iter().enumerate() {
            if call.command.kind() != Kind::String {
                return Err(CallError::Type(format!(
                    "calls[{i}].command must be a string, got {}",
                    call.command.kind().article()
                )));
            }
            if call.params.kind() != Kind::Object {
                return Err(CallError::Type(format!(
                    "calls[{i}].params must be an object, got {}",
                    call.params.kind().article()
                )));
            }
        }
        self.model.begin();
        let mut outcome = BatchOutcome {
            responses: Vec::with_capacity(calls.len()),
            changes: Vec::new(),
            failed_index: None,
        };
        for (i, call) in calls.iter().enumerate() {
            let name = call.command.as_string().unwrap_or_default();
            let result = match Command::from_name(&name) {
                Some(command) => command.run(&mut self.model, &call.params),
                None => Ok((
                    Response::error(crate::message::COMMAND_NOT_FOUND),
                    Vec::new(),
                )),
            };
            let (response, changes) = match result {
                Ok(r) => r,
                Err(e) => {
                    self.model.rollback();
                    return Err(e.into());
                }
            };
            let failed = !response.is_success();
            outcome.responses.push(response);
            outcome.changes.extend(changes);
            if failed && outcome.failed_index.is_none() {
                outcome.failed_index = Some(i);
                if atomic {
                    self.model.rollback();
                    outcome.changes.clear();
                    return Ok(outcome);
                }
            }
        }
        self.model.commit();
        Ok(outcome)
    }

    /// The state as the host sees it (canonical form, unknown fields and the
    /// order of untouched records kept).
    pub fn to_doc(&self) -> Result<D, HostError> {
        self.model.to_doc()
    }
}
