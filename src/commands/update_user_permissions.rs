//! `UpdateUserPermissions`: replace a linked user's permissions on a client.

use super::{invalid_permission, UserClient};
use crate::doc::Doc;
use crate::params::{param, ParamsError, PermissionsParam};
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation};

/// The parsed params of `UpdateUserPermissions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateUserPermissions {
    pub ids: UserClient,
    pub permissions: PermissionsParam,
}

impl UpdateUserPermissions {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsError> {
        Ok(UpdateUserPermissions {
            ids: UserClient::from_params(params)?,
            permissions: PermissionsParam::from_param(param(params, "permissions")?.as_ref()),
        })
    }

    /// Checks in WHMCS order; on success replaces the link's permissions.
    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> (Response, Vec<Change>) {
        let (user_id, client_id) = match self.ids.resolve(model) {
            Ok(ids) => ids,
            Err(response) => return (response, Vec::new()),
        };
        let relation = model.relation(user_id, client_id);
        if relation == Relation::Owner {
            return (Response::error(message::CANNOT_SET_ON_OWNER), Vec::new());
        }
        let PermissionsParam::Given {
            known,
            first_unknown,
        } = &self.permissions
        else {
            return (Response::error(message::MISSING_PERMISSIONS), Vec::new());
        };
        let Relation::Linked(before) = relation else {
            return (Response::error(message::NOT_ASSOCIATED), Vec::new());
        };
        if let Some(name) = first_unknown {
            return (invalid_permission(name), Vec::new());
        }
        if before == *known {
            return (Response::Success, Vec::new());
        }
        model.set_link_permissions(user_id, client_id, *known);
        let change = Change::SetPermissions {
            user_id,
            client_id,
            before,
            after: *known,
        };
        (Response::Success, vec![change])
    }
}
