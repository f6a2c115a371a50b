//! `GetUserPermissions`: what a user may do on a client.

use super::UserClient;
use crate::doc::Doc;
use crate::params::ParamsFault;
use crate::response::{message, Response};
use crate::state::{Model, Relation};
use crate::vocabulary::PermissionSet;

/// The parsed params of `GetUserPermissions`.
pub(super) struct GetUserPermissions {
    ids: UserClient,
}

impl GetUserPermissions {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        Ok(GetUserPermissions {
            ids: UserClient::from_params(params)?,
        })
    }

    /// The owner holds all 13; a linked user holds the link's set.
    pub fn answer<D: Doc>(&self, model: &Model<D>) -> Response {
        let (user_id, client_id) = match self.ids.resolve(model) {
            Ok(ids) => ids,
            Err(response) => return response,
        };
        match model.relation(user_id, client_id) {
            Relation::Owner => Response::Permissions(PermissionSet::ALL),
            Relation::Linked(set) => Response::Permissions(set),
            Relation::None => Response::error(message::NOT_ASSOCIATED),
        }
    }
}
