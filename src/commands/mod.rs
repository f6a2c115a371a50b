//! The WHMCS commands, one module each, and the command table: each
//! command's name, params, whether it writes, and which rows it reads.
//!
//! Every command is a pure function of a validated [`Model`] and its params;
//! it answers with a [`Response`] and the [`Change`]s it made, and changes
//! the model only on success. [`Command::reads`] says which records a
//! command can look at for given params (the slice a database backend
//! loads): it is a `match` over every command, so a new command cannot
//! forget its rows, and `tests/vectors.rs` runs every vector on its slice.

use crate::prelude::*;

mod add_user;
mod create_client_invite;
mod delete_user_client;
mod get_permissions_list;
mod get_user_permissions;
mod get_users;
mod reads;
mod reset_password;
mod update_user;
mod update_user_permissions;

use core::fmt;

pub use get_permissions_list::get_permissions_list;
pub use reads::{LinkKey, MemberQuery, ReadPlan, UsersQuery};

pub(crate) use get_users::GetUsers;

use crate::api::CallError;
use crate::doc::Doc;
use crate::params::{expect_params_object, param, parse_id, ParamsError, ParamsFault};
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation, Undo};

/// The commands this crate implements: WHMCS 8's Users API.
///
/// ```
/// use whmcs_permissions::Command;
/// assert_eq!(Command::ALL.len(), 9);
/// assert_eq!(Command::AddUser.params(), ["firstname", "lastname", "email", "password2", "language"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Replace a linked user's permissions on a client.
    UpdateUserPermissions,
    /// The 13 permission names.
    GetPermissionsList,
    /// What a user may do on a client.
    GetUserPermissions,
    /// Remove a user's access to a client.
    DeleteUserClient,
    /// Invite an email address to a client.
    CreateClientInvite,
    /// Add a user.
    AddUser,
    /// Change a user's name, email or language.
    UpdateUser,
    /// List users, paged, sorted and searched.
    GetUsers,
    /// Ask for a user's password-reset mail.
    ResetPassword,
}

/// One row of the command table.
struct Entry {
    command: Command,
    name: &'static str,
    params: &'static [&'static str],
    writes: bool,
}

const TABLE: [Entry; 9] = [
    Entry {
        command: Command::UpdateUserPermissions,
        name: "UpdateUserPermissions",
        params: &["user_id", "client_id", "permissions"],
        writes: true,
    },
    Entry {
        command: Command::GetPermissionsList,
        name: "GetPermissionsList",
        params: &[],
        writes: false,
    },
    Entry {
        command: Command::GetUserPermissions,
        name: "GetUserPermissions",
        params: &["user_id", "client_id"],
        writes: false,
    },
    Entry {
        command: Command::DeleteUserClient,
        name: "DeleteUserClient",
        params: &["user_id", "client_id"],
        writes: true,
    },
    Entry {
        command: Command::CreateClientInvite,
        name: "CreateClientInvite",
        params: &["client_id", "email", "permissions"],
        writes: true,
    },
    Entry {
        command: Command::AddUser,
        name: "AddUser",
        params: &["firstname", "lastname", "email", "password2", "language"],
        writes: true,
    },
    Entry {
        command: Command::UpdateUser,
        name: "UpdateUser",
        params: &["user_id", "firstname", "lastname", "email", "language"],
        writes: true,
    },
    Entry {
        command: Command::GetUsers,
        name: "GetUsers",
        params: &["limitstart", "limitnum", "sorting", "search"],
        writes: false,
    },
    Entry {
        command: Command::ResetPassword,
        name: "ResetPassword",
        params: &["id", "email"],
        writes: true,
    },
];

/// What a command did: its answer, its change records, and how to undo
/// what it changed in the model (for a store's atomic batches).
pub(crate) struct Applied<D> {
    pub response: Response,
    pub changes: Vec<Change>,
    pub undo: Option<Undo<D>>,
}

impl<D> Applied<D> {
    /// An answer that changed nothing. Out of line: inlined, each of the
    /// commands' many early answers copies the whole record.
    #[inline(never)]
    fn answer(response: Response) -> Applied<D> {
        Applied {
            response,
            changes: Vec::new(),
            undo: None,
        }
    }
}

impl Command {
    /// Every command, in the order of the README's command table.
    pub const ALL: [Command; 9] = [
        Command::UpdateUserPermissions,
        Command::GetPermissionsList,
        Command::GetUserPermissions,
        Command::DeleteUserClient,
        Command::CreateClientInvite,
        Command::AddUser,
        Command::UpdateUser,
        Command::GetUsers,
        Command::ResetPassword,
    ];

    fn entry(self) -> &'static Entry {
        &TABLE[self as usize]
    }

    /// The WHMCS name, e.g. `UpdateUserPermissions`.
    ///
    /// ```
    /// assert_eq!(whmcs_permissions::Command::GetUsers.name(), "GetUsers");
    /// ```
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The params the command reads, in WHMCS's documented order.
    ///
    /// ```
    /// assert_eq!(whmcs_permissions::Command::ResetPassword.params(), ["id", "email"]);
    /// ```
    pub fn params(self) -> &'static [&'static str] {
        self.entry().params
    }

    /// Whether the command can produce changes (a backend locks what it
    /// reads for these).
    ///
    /// ```
    /// use whmcs_permissions::Command;
    /// assert!(Command::DeleteUserClient.writes() && !Command::GetUsers.writes());
    /// ```
    pub fn writes(self) -> bool {
        self.entry().writes
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
        let lower = crate::lowercase::to_lowercase(name);
        TABLE
            .iter()
            .find(|e| is_lowercase_of(&lower, e.name))
            .map(|e| e.command)
    }

    /// The records the command can read for these params: what a storage
    /// backend loads into the slice it runs the command on.
    ///
    /// ```
    /// use serde_json::json;
    /// use whmcs_permissions::Command;
    /// let plan = Command::DeleteUserClient.reads(&json!({"user_id": "2", "client_id": 1})).unwrap();
    /// assert_eq!((plan.users, plan.clients), (vec![2], vec![1]));
    /// ```
    pub fn reads<D: Doc>(self, params: &D) -> Result<ReadPlan, ParamsError> {
        self.plan(params).map_err(|fault| *fault)
    }

    fn plan<D: Doc>(self, params: &D) -> Result<ReadPlan, ParamsFault> {
        expect_params_object(params)?;
        let mut plan = ReadPlan::for_command(self);
        match self {
            Command::UpdateUserPermissions
            | Command::GetUserPermissions
            | Command::DeleteUserClient => UserClient::from_params(params)?.reads(&mut plan),
            Command::GetPermissionsList => {}
            Command::CreateClientInvite => {
                create_client_invite::CreateClientInvite::from_params(params)?.reads(&mut plan)
            }
            Command::AddUser => add_user::AddUser::from_params(params)?.reads(&mut plan),
            Command::UpdateUser => update_user::UpdateUser::from_params(params)?.reads(&mut plan),
            Command::GetUsers => GetUsers::from_params(params)?.reads(&mut plan),
            Command::ResetPassword => {
                reset_password::ResetPassword::from_params(params)?.reads(&mut plan)
            }
        }
        Ok(plan)
    }

    /// Reads params (which must be an object) and runs the command.
    pub(crate) fn run<D: Doc>(
        self,
        model: &mut Model<D>,
        params: &D,
    ) -> Result<Applied<D>, CallError> {
        expect_params_object(params)?;
        Ok(match self {
            Command::UpdateUserPermissions => {
                update_user_permissions::UpdateUserPermissions::from_params(params)?.apply(model)
            }
            Command::GetPermissionsList => Applied::answer(get_permissions_list()),
            Command::GetUserPermissions => Applied::answer(
                get_user_permissions::GetUserPermissions::from_params(params)?.answer(model),
            ),
            Command::DeleteUserClient => {
                delete_user_client::DeleteUserClient::from_params(params)?.apply(model)
            }
            Command::CreateClientInvite => {
                create_client_invite::CreateClientInvite::from_params(params)?.apply(model)
            }
            Command::AddUser => add_user::AddUser::from_params(params)?.apply(model),
            Command::UpdateUser => update_user::UpdateUser::from_params(params)?.apply(model)?,
            Command::GetUsers => Applied::answer(GetUsers::from_params(params)?.answer(model)),
            Command::ResetPassword => {
                reset_password::ResetPassword::from_params(params)?.apply(model)
            }
        })
    }
}

/// Whether `lower` is the ASCII lowercase of `name`. Out of line: inlined, the
/// lookup above unrolls into nine comparisons (5 KB of .wasm).
#[inline(never)]
fn is_lowercase_of(lower: &str, name: &str) -> bool {
    lower.len() == name.len() && lower.eq_ignore_ascii_case(name)
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The `user_id` and `client_id` params most commands take, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct UserClient {
    user_id: Option<u64>,
    client_id: Option<u64>,
}

impl UserClient {
    fn from_params<D: Doc>(params: &D) -> Result<UserClient, ParamsFault> {
        Ok(UserClient {
            user_id: parse_id(param(params, "user_id")?.as_ref()),
            client_id: parse_id(param(params, "client_id")?.as_ref()),
        })
    }

    /// The user, the client with its owner, and their link.
    fn reads(self, plan: &mut ReadPlan) {
        plan.users.extend(self.user_id);
        plan.clients.extend(self.client_id);
        if let (Some(user_id), Some(client_id)) = (self.user_id, self.client_id) {
            plan.links.push(LinkKey { user_id, client_id });
        }
    }

    /// Checks 1 and 2 of every user-client command (both ids valid and
    /// known), and how the user relates to the client. A link proves both
    /// ids known, so a linked pair is looked up once.
    fn resolve<D: Doc>(self, model: &Model<D>) -> Result<(u64, u64, Relation), Response> {
        if let (Some(user_id), Some(client_id)) = (self.user_id, self.client_id) {
            if let Some(relation) = model.link_relation(user_id, client_id) {
                return Ok((user_id, client_id, relation));
            }
        }
        let user_id = self
            .user_id
            .filter(|id| model.user(*id).is_some())
            .ok_or_else(|| Response::error(message::INVALID_USER_ID))?;
        let client_id = self
            .client_id
            .filter(|id| model.client(*id).is_some())
            .ok_or_else(|| Response::error(message::INVALID_CLIENT_ID))?;
        Ok((user_id, client_id, model.relation(user_id, client_id)))
    }
}

/// `Invalid permission: <name>` for the first unknown name.
fn invalid_permission(name: &str) -> Response {
    let mut text = String::from(message::INVALID_PERMISSION);
    text.push_str(&crate::params::shown_name(name));
    Response::Error(text)
}
