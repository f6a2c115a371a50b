//! `ResetPassword`: find the user whose password-reset mail the host
//! sends (SPEC section 8).

use crate::prelude::*;

use super::{Applied, ReadPlan};
use crate::doc::{Doc, Kind};
use crate::email::{is_plausible_email, match_key};
use crate::params::{param, parse_id, php_trim, text_param, ParamsFault};
use crate::response::{message, Change, Response};
use crate::state::Model;

/// The parsed params of `ResetPassword`.
pub(super) struct ResetPassword {
    /// `Some` when `id` was sent (not missing, not null, not a string that
    /// is empty after PHP-trim): then the parsed id, `None` when invalid.
    id: Option<Option<u64>>,
    email: Option<String>,
}

impl ResetPassword {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        let id = param(params, "id")?.filter(|v| match v.kind() {
            Kind::Null => false,
            Kind::String => !php_trim(&v.as_string().unwrap_or_default()).is_empty(),
            _ => true,
        });
        Ok(ResetPassword {
            id: id.map(|v| parse_id(Some(&v))),
            email: text_param(params, "email")?,
        })
    }

    /// The user by id when `id` was sent, else the users with that email
    /// when it is valid (an invalid one is answered from the params).
    pub fn reads(&self, plan: &mut ReadPlan) {
        match self.id {
            Some(id) => plan.users.extend(id),
            None => plan.users_with_email.extend(
                self.email
                    .as_deref()
                    .filter(|email| is_plausible_email(email))
                    .map(match_key),
            ),
        }
    }

    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> Applied<D> {
        match self.find(model) {
            Err(response) => Applied::answer(response),
            Ok(user_id) => Applied {
                response: Response::Success,
                changes: vec![Change::ResetPassword { user_id }],
                undo: None,
            },
        }
    }

    fn find<D: Doc>(&self, model: &Model<D>) -> Result<u64, Response> {
        let not_found = || Response::error(message::USER_NOT_FOUND);
        match (self.id, &self.email) {
            (None, None) => Err(Response::error(message::ID_OR_EMAIL_REQUIRED)),
            (Some(id), _) => id
                .filter(|id| model.user(*id).is_some())
                .ok_or_else(not_found),
            (None, Some(email)) => {
                if !is_plausible_email(email) {
                    return Err(Response::error(message::RESET_EMAIL_NOT_VALID));
                }
                let found = model.users_with_email(&match_key(email));
                found.first().map(|u| u.id).ok_or_else(not_found)
            }
        }
    }
}
