//! WHMCS responses and change records, and rendering responses as the
//! WHMCS API does (JSON or XML).

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::doc::Doc;
use crate::state::permissions_doc;
use crate::vocabulary::PermissionSet;

/// Every message the API answers with. They live here and nowhere else.
pub mod message {
    pub const INVALID_USER_ID: &str = "Invalid user id";
    pub const INVALID_CLIENT_ID: &str = "Invalid client id";
    pub const CANNOT_SET_ON_OWNER: &str = "Permissions cannot be set on a client owner";
    pub const MISSING_PERMISSIONS: &str = "Missing permissions definition";
    pub const NOT_ASSOCIATED: &str = "User is not associated with client";
    /// Followed by the first unknown name (see [`crate::shown_name`]).
    pub const INVALID_PERMISSION: &str = "Invalid permission: ";
    pub const CANNOT_REMOVE_OWNER: &str = "You cannot remove the account owner";
    pub const EMAIL_REQUIRED: &str = "Email is required";
    pub const EMAIL_NOT_VALID: &str = "The email address entered is not valid";
    pub const PERMISSIONS_REQUIRED: &str = "User permissions are required";
    pub const ALREADY_ASSOCIATED: &str = "User already associated with client";
    pub const COMMAND_NOT_FOUND: &str = "Command Not Found";
    /// What the API endpoint answers when credentials are wrong or missing.
    pub const AUTHENTICATION_FAILED: &str = "Authentication Failed";
}

/// A WHMCS API response.
///
/// Serialises with its keys in WHMCS order: `{"result":"success", ...}` or
/// `{"result":"error","message":"..."}`.
///
/// ```
/// use whmcs_permissions::Response;
/// let r = Response::error("Invalid user id");
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"result":"error","message":"Invalid user id"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// `{"result":"success"}`
    Success,
    /// `{"result":"success","permissions":{"permission":[...]}}`
    Permissions(PermissionSet),
    /// `{"result":"error","message":"..."}`
    Error(String),
}

impl Response {
    pub fn error(message: impl Into<String>) -> Response {
        Response::Error(message.into())
    }

    pub fn is_success(&self) -> bool {
        !matches!(self, Response::Error(_))
    }

    /// The error message, if this is an error.
    pub fn message(&self) -> Option<&str> {
        match self {
            Response::Error(m) => Some(m),
            _ => None,
        }
    }
}

#[derive(serde::Serialize)]
struct PermissionList {
    permission: PermissionSet,
}

impl Serialize for Response {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Response::Success => {
                let mut s = serializer.serialize_struct("Response", 1)?;
                s.serialize_field("result", "success")?;
                s.end()
            }
            Response::Permissions(set) => {
                let mut s = serializer.serialize_struct("Response", 2)?;
                s.serialize_field("result", "success")?;
                s.serialize_field("permissions", &PermissionList { permission: *set })?;
                s.end()
            }
            Response::Error(message) => {
                let mut s = serializer.serialize_struct("Response", 2)?;
                s.serialize_field("result", "error")?;
                s.serialize_field("message", message)?;
                s.end()
            }
        }
    }
}

/// What a successful call changed, for audit logs and for writing the
/// change to a database.
///
/// ```
/// use whmcs_permissions::{Change, PermissionSet};
/// let c = Change::RemoveLink { user_id: 2, client_id: 1, before: PermissionSet::EMPTY };
/// assert_eq!(serde_json::to_string(&c).unwrap(),
///     r#"{"op":"remove_link","user_id":2,"client_id":1,"before":[]}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    SetPermissions {
        user_id: u64,
        client_id: u64,
        before: PermissionSet,
        after: PermissionSet,
    },
    RemoveLink {
        user_id: u64,
        client_id: u64,
        before: PermissionSet,
    },
    AddInvite {
        client_id: u64,
        email: String,
        permissions: PermissionSet,
    },
}

impl Change {
    /// The change record as a host value, keys in contract order.
    pub fn to_doc<D: Doc>(&self) -> D {
        let mut out = D::new_object();
        match self {
            Change::SetPermissions {
                user_id,
                client_id,
                before,
                after,
            } => {
                out.set("op", D::from_str("set_permissions"));
                out.set("user_id", D::from_id(*user_id));
                out.set("client_id", D::from_id(*client_id));
                out.set("before", permissions_doc(*before));
                out.set("after", permissions_doc(*after));
            }
            Change::RemoveLink {
                user_id,
                client_id,
                before,
            } => {
                out.set("op", D::from_str("remove_link"));
                out.set("user_id", D::from_id(*user_id));
                out.set("client_id", D::from_id(*client_id));
                out.set("before", permissions_doc(*before));
            }
            Change::AddInvite {
                client_id,
                email,
                permissions,
            } => {
                out.set("op", D::from_str("add_invite"));
                out.set("client_id", D::from_id(*client_id));
                out.set("email", D::from_str(email));
                out.set("permissions", permissions_doc(*permissions));
            }
        }
        out
    }

    /// A list of changes as a host array.
    pub fn list_to_doc<D: Doc>(changes: &[Change]) -> D {
        D::new_array(changes.iter().map(Change::to_doc).collect())
    }
}
