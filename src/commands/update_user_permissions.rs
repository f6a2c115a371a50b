//! `UpdateUserPermissions`: replace a linked user's permissions on a client.

use crate::prelude::*;

use super::{invalid_permission, Applied, UserClient};
use crate::doc::Doc;
use crate::params::{param, ParamsFault, PermissionsParam};
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation};

/// The parsed params of `UpdateUserPermissions`.
pub(super) struct UpdateUserPermissions {
    ids: UserClient,
    permissions: PermissionsParam,
}

impl UpdateUserPermissions {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        Ok(UpdateUserPermissions {
            ids: UserClient::from_params(params)?,
            permissions: PermissionsParam::from_param(param(params, "permissions")?.as_ref()),
        })
    }

    /// Checks in WHMCS order; on success replaces the link's permissions.
    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> Applied<D> {
        let (user_id, client_id, relation) = match self.ids.resolve(model) {
            Ok(resolved) => resolved,
            Err(response) => return Applied::answer(response),
        };
        if relation == Relation::Owner {
            return Applied::answer(Response::error(message::CANNOT_SET_ON_OWNER));
        }
        let PermissionsParam::Given {
            known,
            first_unknown,
        } = &self.permissions
        else {
            return Applied::answer(Response::error(message::MISSING_PERMISSIONS));
        };
        let Relation::Linked(before) = relation else {
            return Applied::answer(Response::error(message::NOT_ASSOCIATED));
        };
        if let Some(name) = first_unknown {
            return Applied::answer(invalid_permission(name));
        }
        if before == *known {
            return Applied::answer(Response::Success);
        }
        let undo = model.set_link_permissions(user_id, client_id, *known);
        Applied {
            response: Response::Success,
            changes: vec![Change::SetPermissions {
                user_id,
                client_id,
                before,
                after: *known,
            }],
            undo,
        }
    }
}
