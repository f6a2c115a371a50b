//! `DeleteUserClient`: remove a user's access to a client.

use crate::prelude::*;

use super::{Applied, UserClient};
use crate::doc::Doc;
use crate::params::ParamsFault;
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation};

/// The parsed params of `DeleteUserClient`.
pub(super) struct DeleteUserClient {
    ids: UserClient,
}

impl DeleteUserClient {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        Ok(DeleteUserClient {
            ids: UserClient::from_params(params)?,
        })
    }

    /// The owner cannot be removed; a linked user's link is.
    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> Applied<D> {
        let (user_id, client_id, relation) = match self.ids.resolve(model) {
            Ok(resolved) => resolved,
            Err(response) => return Applied::answer(response),
        };
        match relation {
            Relation::Owner => Applied::answer(Response::error(message::CANNOT_REMOVE_OWNER)),
            Relation::None => Applied::answer(Response::error(message::NOT_ASSOCIATED)),
            Relation::Linked(before) => {
                let undo = model.remove_link(user_id, client_id);
                Applied {
                    response: Response::Success,
                    changes: vec![Change::RemoveLink {
                        user_id,
                        client_id,
                        before,
                    }],
                    undo,
                }
            }
        }
    }
}
