//! The WHMCS commands, one module each. Every command is a pure function of
//! a validated [`Model`] and its params; it answers with a [`Response`] and
//! the [`Change`]s it made, and changes the model only on success.

pub mod create_client_invite;
mod delete_user_client;
mod get_permissions_list;
mod get_user_permissions;
mod update_user_permissions;

pub use create_client_invite::CreateClientInvite;
pub use delete_user_client::DeleteUserClient;
pub use get_permissions_list::get_permissions_list;
pub use get_user_permissions::GetUserPermissions;
pub use update_user_permissions::UpdateUserPermissions;

use crate::doc::Doc;
use crate::params::{expect_params_object, param, parse_id, ParamsError};
use crate::response::{message, Change, Response};
use crate::state::Model;

/// The commands this crate implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    UpdateUserPermissions,
    GetPermissionsList,
    GetUserPermissions,
    DeleteUserClient,
    CreateClientInvite,
}

impl Command {
    pub const ALL: [Command; 5] = [
        Command::UpdateUserPermissions,
        Command::GetPermissionsList,
        Command::GetUserPermissions,
        Command::DeleteUserClient,
        Command::CreateClientInvite,
    ];

    /// The WHMCS name, e.g. `UpdateUserPermissions`.
    pub fn name(self) -> &'static str {
        match self {
            Command::UpdateUserPermissions => "UpdateUserPermissions",
            Command::GetPermissionsList => "GetPermissionsList",
            Command::GetUserPermissions => "GetUserPermissions",
            Command::DeleteUserClient => "DeleteUserClient",
            Command::CreateClientInvite => "CreateClientInvite",
        }
    }

    /// Looks a command up as WHMCS does: lowercased, not trimmed.
    ///
    /// ```
    /// use whmcs_permissions::Command;
    /// assert_eq!(Command::from_name("updateUSERpermissions"), Some(Command::UpdateUserPermissions));
    /// assert_eq!(Command::from_name(" GetPermissionsList"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Command> {
        // No longer string lowercases to a command name (at most 21 letters,
        // each from at most 3 bytes: the Kelvin sign lowercases to "k"), so
        // a huge one is not copied.
        if name.len() > 3 * 21 {
            return None;
        }
        Some(match name.to_lowercase().as_str() {
            "updateuserpermissions" => Command::UpdateUserPermissions,
            "getpermissionslist" => Command::GetPermissionsList,
            "getuserpermissions" => Command::GetUserPermissions,
            "deleteuserclient" => Command::DeleteUserClient,
            "createclientinvite" => Command::CreateClientInvite,
            _ => return None,
        })
    }

    /// Whether the command can change the state.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Command::UpdateUserPermissions
                | Command::DeleteUserClient
                | Command::CreateClientInvite
        )
    }

    /// Reads params (which must be an object) and runs the command.
    pub fn run<D: Doc>(
        self,
        model: &mut Model<D>,
        params: &D,
    ) -> Result<(Response, Vec<Change>), ParamsError> {
        expect_params_object(params)?;
        Ok(match self {
            Command::UpdateUserPermissions => {
                UpdateUserPermissions::from_params(params)?.apply(model)
            }
            Command::GetPermissionsList => (get_permissions_list(), Vec::new()),
            Command::GetUserPermissions => (
                GetUserPermissions::from_params(params)?.answer(model),
                Vec::new(),
            ),
            Command::DeleteUserClient => DeleteUserClient::from_params(params)?.apply(model),
            Command::CreateClientInvite => CreateClientInvite::from_params(params)?.apply(model),
        })
    }
}

/// The `user_id` and `client_id` params most commands take, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserClient {
    pub user_id: Option<u64>,
    pub client_id: Option<u64>,
}

impl UserClient {
    pub fn from_params<D: Doc>(params: &D) -> Result<UserClient, ParamsError> {
        Ok(UserClient {
            user_id: parse_id(param(params, "user_id")?.as_ref()),
            client_id: parse_id(param(params, "client_id")?.as_ref()),
        })
    }

    /// Checks 1 and 2 of every user-client command: both ids valid and known.
    pub fn resolve<D: Doc>(self, model: &Model<D>) -> Result<(u64, u64), Response> {
        let user_id = self
            .user_id
            .filter(|id| model.user(*id).is_some())
            .ok_or_else(|| Response::error(message::INVALID_USER_ID))?;
        let client_id = self
            .client_id
            .filter(|id| model.client(*id).is_some())
            .ok_or_else(|| Response::error(message::INVALID_CLIENT_ID))?;
        Ok((user_id, client_id))
    }
}

/// `Invalid permission: <name>` for the first unknown name.
pub(crate) fn invalid_permission(name: &str) -> Response {
    Response::error(format!(
        "{}{}",
        message::INVALID_PERMISSION,
        crate::params::shown_name(name)
    ))
}
