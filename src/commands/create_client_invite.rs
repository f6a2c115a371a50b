//! `CreateClientInvite`: invite an email address to a client.

use crate::prelude::*;

use super::{invalid_permission, Applied, MemberQuery, ReadPlan};
use crate::doc::Doc;
use crate::email::{is_plausible_email, match_key};
use crate::params::{param, parse_id, text_param, ParamsFault, PermissionsParam};
use crate::response::{message, Change, Response};
use crate::state::{Model, Relation};
use crate::vocabulary::PermissionSet;

/// The parsed params of `CreateClientInvite`.
pub(super) struct CreateClientInvite {
    /// The PHP-trimmed email; `None` when missing, not a string or empty.
    email: Option<String>,
    client_id: Option<u64>,
    permissions: PermissionsParam,
}

impl CreateClientInvite {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        Ok(CreateClientInvite {
            email: text_param(params, "email")?,
            client_id: parse_id(param(params, "client_id")?.as_ref()),
            permissions: PermissionsParam::from_param(param(params, "permissions")?.as_ref()),
        })
    }

    /// The client with its owner, and the users with that email who belong to it.
    pub fn reads(&self, plan: &mut ReadPlan) {
        plan.clients.extend(self.client_id);
        if let (Some(client_id), Some(email)) = (self.client_id, &self.email) {
            plan.members_with_email.push(MemberQuery {
                client_id,
                email_key: match_key(email),
            });
        }
    }

    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> Applied<D> {
        match self.check(model) {
            Err(response) => Applied::answer(response),
            Ok((client_id, email, permissions)) => {
                let undo = model.add_invite(client_id, email.clone(), permissions);
                Applied {
                    response: Response::Success,
                    changes: vec![Change::AddInvite {
                        client_id,
                        email,
                        permissions,
                    }],
                    undo: Some(undo),
                }
            }
        }
    }

    fn check<D: Doc>(&self, model: &Model<D>) -> Result<(u64, String, PermissionSet), Response> {
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
        let associated = model
            .users_with_email(&match_key(email))
            .iter()
            .any(|user| model.relation(user.id, client_id) != Relation::None);
        if associated {
            return Err(Response::error(message::ALREADY_ASSOCIATED));
        }
        if let Some(name) = first_unknown {
            return Err(invalid_permission(name));
        }
        Ok((client_id, email.clone(), *known))
    }
}
