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
        let relation = match self.ids.resolve(model) {
            Ok((_, _, relation)) => relation,
            Err(response) => return response,
        };
        match relation {
            Relation::Owner => Response::Permissions(PermissionSet::ALL),
            Relation::Linked(set) => Response::Permissions(set),
            Relation::None => Response::error(message::NOT_ASSOCIATED),
        }
    }
}
