//! `DeleteUserClient`: remove a user's access to a client.

use super::UserClient;
use crate::doc::Doc;
use crate::params::ParamsError;
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation};

/// The parsed params of `DeleteUserClient`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeleteUserClient {
    pub ids: UserClient,
}

impl DeleteUserClient {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsError> {
        Ok(DeleteUserClient {
            ids: UserClient::from_params(params)?,
        })
    }

    /// The owner cannot be removed; a linked user's link is.
    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> (Response, Vec<Change>) {
        let (user_id, client_id) = match self.ids.resolve(model) {
            Ok(ids) => ids,
            Err(response) => return (response, Vec::new()),
        };
        match model.relation(user_id, client_id) {
            Relation::Owner => (Response::error(message::CANNOT_REMOVE_OWNER), Vec::new()),
            Relation::None => (Response::error(message::NOT_ASSOCIATED), Vec::new()),
            Relation::Linked(before) => {
                model.remove_link(user_id, client_id);
                let change = Change::RemoveLink {
                    user_id,
                    client_id,
                    before,
                };
                (Response::Success, vec![change])
            }
        }
    }
}
