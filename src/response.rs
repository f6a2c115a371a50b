//! WHMCS responses and change records, and rendering responses as the
//! WHMCS API does (JSON or XML).

use crate::prelude::*;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::vocabulary::PermissionSet;

/// Every message the API answers with. They live here and nowhere else.
///
/// All are WHMCS's own, byte for byte, except [`message::USER_ID_LIMIT`](crate::message::USER_ID_LIMIT), which is
/// this library's (WHMCS's database assigns ids, so it documents none).
///
/// ```
/// use whmcs_permissions::message;
/// assert_eq!(message::INVALID_USER_ID, "Invalid user id");
/// ```
pub mod message {
    /// UpdateUserPermissions, GetUserPermissions, DeleteUserClient: step 1.
    pub const INVALID_USER_ID: &str = "Invalid user id";
    /// Step 2 of the user-client commands; step 2 of CreateClientInvite.
    pub const INVALID_CLIENT_ID: &str = "Invalid client id";
    /// UpdateUserPermissions on the client's owner.
    pub const CANNOT_SET_ON_OWNER: &str = "Permissions cannot be set on a client owner";
    /// UpdateUserPermissions without permissions.
    pub const MISSING_PERMISSIONS: &str = "Missing permissions definition";
    /// No link between the user and the client.
    pub const NOT_ASSOCIATED: &str = "User is not associated with client";
    /// Followed by the first unknown name (see [`crate::shown_name`]).
    pub const INVALID_PERMISSION: &str = "Invalid permission: ";
    /// DeleteUserClient on the client's owner.
    pub const CANNOT_REMOVE_OWNER: &str = "You cannot remove the account owner";
    /// CreateClientInvite without an email.
    pub const EMAIL_REQUIRED: &str = "Email is required";
    /// CreateClientInvite, AddUser, UpdateUser: an email that is not valid.
    pub const EMAIL_NOT_VALID: &str = "The email address entered is not valid";
    /// CreateClientInvite without permissions.
    pub const PERMISSIONS_REQUIRED: &str = "User permissions are required";
    /// CreateClientInvite for a user who owns or is linked to the client.
    pub const ALREADY_ASSOCIATED: &str = "User already associated with client";
    /// AddUser without `firstname`.
    pub const NO_FIRST_NAME: &str = "You did not enter a first name";
    /// AddUser without `lastname`.
    pub const NO_LAST_NAME: &str = "You did not enter a last name";
    /// AddUser without `email`.
    pub const NO_EMAIL: &str = "You did not enter an email address";
    /// AddUser without `password2`.
    pub const NO_PASSWORD: &str = "You did not enter a password";
    /// AddUser and UpdateUser with an email another user has.
    pub const EMAIL_EXISTS: &str = "A user already exists with that email address";
    /// AddUser when the next id would pass 2^53-1 (this library's message).
    pub const USER_ID_LIMIT: &str = "User ID limit reached";
    /// UpdateUser with an invalid or unknown `user_id`.
    pub const INVALID_USER_ID_REQUESTED: &str = "Invalid User ID requested";
    /// UpdateUser with none of the four fields.
    pub const USER_FIELD_REQUIRED: &str =
        "One of `email`, `firstname`, `lastname`, or `language` is required";
    /// ResetPassword with neither `id` nor `email`.
    pub const ID_OR_EMAIL_REQUIRED: &str = "Please enter the email address or provide the id";
    /// ResetPassword for no user.
    pub const USER_NOT_FOUND: &str = "User Not Found";
    /// ResetPassword with an email that is not valid.
    pub const RESET_EMAIL_NOT_VALID: &str = "Please provide a valid email address";
    /// Any other command name.
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
/// assert_eq!(serde_json::to_string(&Response::UserId(7)).unwrap(), r#"{"result":"success","user_id":"7"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// `{"result":"success"}`
    Success,
    /// `{"result":"success","permissions":{"permission":[...]}}`
    Permissions(PermissionSet),
    /// `{"result":"success","user_id":"<id>"}` (AddUser, UpdateUser: the id
    /// as a decimal string, as WHMCS documents it).
    UserId(u64),
    /// GetUsers: `{"result":"success","totalresults":T,"startnumber":S,
    /// "numreturned":N,"users":[...]}`.
    Users(UsersPage),
    /// `{"result":"error","message":"..."}`
    Error(String),
}

impl Response {
    /// An error response.
    ///
    /// ```
    /// let r = whmcs_permissions::Response::error("Invalid user id");
    /// assert_eq!(r.message(), Some("Invalid user id"));
    /// ```
    pub fn error(message: impl Into<String>) -> Response {
        Response::Error(message.into())
    }

    /// Whether `result` is `success`.
    ///
    /// ```
    /// assert!(whmcs_permissions::Response::Success.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        !matches!(self, Response::Error(_))
    }

    /// The error message, if this is an error.
    ///
    /// ```
    /// assert_eq!(whmcs_permissions::Response::Success.message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        match self {
            Response::Error(m) => Some(m),
            _ => None,
        }
    }
}

/// One page of GetUsers.
///
/// ```
/// use whmcs_permissions::{Response, UsersPage};
/// let page = Response::Users(UsersPage { total: 0, start: 5, users: vec![] });
/// assert_eq!(serde_json::to_string(&page).unwrap(),
///     r#"{"result":"success","totalresults":0,"startnumber":5,"numreturned":0,"users":[]}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsersPage {
    /// How many users matched (`totalresults`).
    pub total: u64,
    /// The `limitstart` the page starts at (`startnumber`).
    pub start: u64,
    /// The page (`numreturned` is its length).
    pub users: Vec<UserSummary>,
}

/// A user as GetUsers lists it: text fields are `""` where the record has
/// none (or a non-string `datecreated`/`validationdata`).
///
/// ```
/// use whmcs_permissions::{ClientRef, UserSummary};
/// let u = UserSummary { id: 2, firstname: "Ana".into(), lastname: "".into(), email: "".into(),
///     datecreated: "".into(), validationdata: "".into(), clients: vec![ClientRef { id: 1, is_owner: true }] };
/// assert_eq!(serde_json::to_string(&u).unwrap(),
///     r#"{"id":2,"firstname":"Ana","lastname":"","email":"","datecreated":"","validationdata":"","clients":[{"id":1,"isOwner":true}]}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct UserSummary {
    /// The user's id.
    pub id: u64,
    /// `firstname`, or `""`.
    pub firstname: String,
    /// `lastname`, or `""`.
    pub lastname: String,
    /// `email`, or `""`.
    pub email: String,
    /// `datecreated` when it is a string, or `""`.
    pub datecreated: String,
    /// `validationdata` when it is a string, or `""`.
    pub validationdata: String,
    /// Every client the user owns or is linked to, by ascending id.
    pub clients: Vec<ClientRef>,
}

/// A client in a [`UserSummary`].
///
/// ```
/// let c = whmcs_permissions::ClientRef { id: 3, is_owner: false };
/// assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"id":3,"isOwner":false}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClientRef {
    /// The client's id.
    pub id: u64,
    /// Whether the user owns it.
    #[serde(rename = "isOwner")]
    pub is_owner: bool,
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
            Response::UserId(id) => {
                let mut s = serializer.serialize_struct("Response", 2)?;
                s.serialize_field("result", "success")?;
                s.serialize_field("user_id", &crate::text::u64_text(*id))?;
                s.end()
            }
            Response::Users(page) => {
                let mut s = serializer.serialize_struct("Response", 5)?;
                s.serialize_field("result", "success")?;
                s.serialize_field("totalresults", &page.total)?;
                s.serialize_field("startnumber", &page.start)?;
                s.serialize_field("numreturned", &page.users.len())?;
                s.serialize_field("users", &page.users)?;
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
    /// UpdateUserPermissions replaced a link's permissions.
    SetPermissions {
        /// The link's user.
        user_id: u64,
        /// The link's client.
        client_id: u64,
        /// The permissions before.
        before: PermissionSet,
        /// The permissions now.
        after: PermissionSet,
    },
    /// DeleteUserClient removed a link.
    RemoveLink {
        /// The link's user.
        user_id: u64,
        /// The link's client.
        client_id: u64,
        /// The permissions it had.
        before: PermissionSet,
    },
    /// CreateClientInvite appended an invite.
    AddInvite {
        /// The client invited to.
        client_id: u64,
        /// The (trimmed) email invited.
        email: String,
        /// The permissions offered.
        permissions: PermissionSet,
    },
    /// AddUser appended a user (the password is not in it: the host hashes
    /// `password2` from the params when it stores the user).
    AddUser {
        /// The new user's id.
        user_id: u64,
        /// The new record.
        user: NewUser,
    },
    /// UpdateUser changed some of a user's fields.
    UpdateUser {
        /// The user.
        user_id: u64,
        /// The changed fields' old values (`null` where the record lacked one).
        before: UserFields,
        /// The changed fields' new values.
        after: UserFields,
    },
    /// ResetPassword found the user: the host sends the reset mail.
    ResetPassword {
        /// The user.
        user_id: u64,
    },
}

/// The record AddUser appends: `{id, firstname, lastname, email}`, plus
/// `language` when it was given.
///
/// ```
/// let u = whmcs_permissions::NewUser { id: 7, firstname: "Ana".into(), lastname: "Lee".into(),
///     email: "ana@example.com".into(), language: None };
/// assert_eq!(serde_json::to_string(&u).unwrap(),
///     r#"{"id":7,"firstname":"Ana","lastname":"Lee","email":"ana@example.com"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NewUser {
    /// The new id.
    pub id: u64,
    /// The trimmed first name.
    pub firstname: String,
    /// The trimmed last name.
    pub lastname: String,
    /// The trimmed email.
    pub email: String,
    /// The trimmed language, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// The user fields UpdateUser sets, in the order change records list them.
///
/// ```
/// assert_eq!(whmcs_permissions::UserField::Email.name(), "email");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserField {
    /// `firstname`
    Firstname,
    /// `lastname`
    Lastname,
    /// `email`
    Email,
    /// `language`
    Language,
}

impl UserField {
    /// All four, in change-record order.
    pub const ALL: [UserField; 4] = [
        UserField::Firstname,
        UserField::Lastname,
        UserField::Email,
        UserField::Language,
    ];

    /// The field's key in a user record.
    pub fn name(self) -> &'static str {
        match self {
            UserField::Firstname => "firstname",
            UserField::Lastname => "lastname",
            UserField::Email => "email",
            UserField::Language => "language",
        }
    }
}

/// Some user fields and their values (`None`: the record lacked the field),
/// serialised as an object in [`UserField::ALL`] order.
///
/// ```
/// use whmcs_permissions::{UserField, UserFields};
/// let f = UserFields(vec![(UserField::Lastname, None), (UserField::Email, Some("a@b.co".into()))]);
/// assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"lastname":null,"email":"a@b.co"}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserFields(pub Vec<(UserField, Option<String>)>);

impl Serialize for UserFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, value) in &self.0 {
            map.serialize_entry(field.name(), value)?;
        }
        map.end()
    }
}
