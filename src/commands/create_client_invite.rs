//! `CreateClientInvite`: invite an email address to a client.

use super::invalid_permission;
use crate::doc::{Doc, Kind};
use crate::params::{param, parse_id, php_trim, ParamsError, PermissionsParam};
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation};

/// Longest email address accepted, in code points.
pub const MAX_EMAIL_CHARS: usize = 254;

/// The parsed params of `CreateClientInvite`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateClientInvite {
    /// The PHP-trimmed email; `None` when missing, not a string or empty.
    pub email: Option<String>,
    pub client_id: Option<u64>,
    pub permissions: PermissionsParam,
}

impl CreateClientInvite {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsError> {
        let email = param(params, "email")?
            .filter(|v| v.kind() == Kind::String)
            .and_then(|v| v.as_string())
            .map(|s| php_trim(&s).to_owned())
            .filter(|s| !s.is_empty());
        Ok(CreateClientInvite {
            email,
            client_id: parse_id(param(params, "client_id")?.as_ref()),
            permissions: PermissionsParam::from_param(param(params, "permissions")?.as_ref()),
        })
    }

    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> (Response, Vec<Change>) {
        match self.check(model) {
            Err(response) => (response, Vec::new()),
            Ok((client_id, email, permissions)) => {
                model.add_invite(client_id, email.clone(), permissions);
                let change = Change::AddInvite {
                    client_id,
                    email,
                    permissions,
                };
                (Response::Success, vec![change])
            }
        }
    }

    fn check<D: Doc>(
        &self,
        model: &Model<D>,
    ) -> Result<(u64, String, crate::PermissionSet), Response> {
        let email = self
            .email
            .as_ref()
            .ok_or_else(|| Response::error(message::EMAIL_REQUIRED))?;
        let client_id = self
            .client_id
            .filter(|id| model.client(*id).is_some())
            .ok_or_else(|| Response::error(message::INVALID_CLIENT_ID))?;
        if !is_plausible_email(email) {
            return Err(Response::error(message::EMAIL_NOT_VALID));
        }
        let PermissionsParam::Given {
            known,
            first_unknown,
        } = &self.permissions
        else {
            return Err(Response::error(message::PERMISSIONS_REQUIRED));
        };
        if is_associated(model, client_id, email) {
            return Err(Response::error(message::ALREADY_ASSOCIATED));
        }
        if let Some(name) = first_unknown {
            return Err(invalid_permission(name));
        }
        Ok((client_id, email.clone(), *known))
    }
}

/// One `@`, a non-empty local part, a dotted domain with no empty label, no
/// whitespace, at most 254 code points.
///
/// ```
/// use whmcs_permissions::is_plausible_email;
/// assert!(is_plausible_email("c@example.com"));
/// assert!(!is_plausible_email("c@example"));
/// assert!(!is_plausible_email("c@example..com"));
/// assert!(!is_plausible_email("c d@example.com"));
/// ```
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !email.chars().any(char::is_whitespace)
        && email.chars().count() <= MAX_EMAIL_CHARS
}

/// Whether a user with this email (Unicode-lowercased on both sides) owns
/// or is linked to the client.
fn is_associated<D: Doc>(model: &Model<D>, client_id: u64, email: &str) -> bool {
    let wanted = email.to_lowercase();
    model.users.iter().any(|user| {
        user.email().is_some_and(|e| e.to_lowercase() == wanted)
            && model.relation(user.id, client_id) != Relation::None
    })
}
