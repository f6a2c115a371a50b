//! `UpdateUser`: change a user's name, email or language (SPEC section 8).

use crate::prelude::*;

use super::{Applied, ReadPlan};
use crate::doc::Doc;
use crate::email::{is_plausible_email, match_key};
use crate::params::{param, parse_id, text_param, ParamsFault};
use crate::response::{message, Change, Response, UserField, UserFields};
use crate::state::{Model, StateError, StateErrorKind};

/// The parsed params of `UpdateUser`: the given fields, trimmed, in
/// [`UserField::ALL`] order.
pub(super) struct UpdateUser {
    user_id: Option<u64>,
    fields: Vec<(UserField, String)>,
}

impl UpdateUser {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        let user_id = parse_id(param(params, "user_id")?.as_ref());
        let mut fields = Vec::new();
        for field in UserField::ALL {
            if let Some(value) = text_param(params, field.name())? {
                fields.push((field, value));
            }
        }
        Ok(UpdateUser { user_id, fields })
    }

    fn email(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == UserField::Email)
            .map(|(_, v)| v.as_str())
    }

    /// The user, and the users with the new email when it is valid;
    /// nothing for an invalid `user_id` (check 1 answers from the params).
    pub fn reads(&self, plan: &mut ReadPlan) {
        let Some(user_id) = self.user_id else {
            return;
        };
        plan.users.push(user_id);
        plan.users_with_email.extend(
            self.email()
                .filter(|email| is_plausible_email(email))
                .map(match_key),
        );
    }

    /// Sets the given fields on a copy of the user's record. The copy runs
    /// the host's getters: one that throws is a `StateError` at the record.
    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> Result<Applied<D>, StateError> {
        let (user_id, slot) = match self.check(model) {
            Ok(found) => found,
            Err(response) => return Ok(Applied::answer(response)),
        };
        let user = &model.users[slot];
        let (mut before, mut after) = (UserFields::default(), UserFields::default());
        for (field, value) in &self.fields {
            let current = user.text(field.name());
            if current.as_deref() != Some(value.as_str()) {
                before.0.push((*field, current));
                after.0.push((*field, Some(value.clone())));
            }
        }
        if after.0.is_empty() {
            return Ok(Applied::answer(Response::UserId(user_id)));
        }
        let mut doc = user.doc.copy_object().map_err(|e| StateError {
            path: {
                let mut path = String::from("state.users[");
                crate::text::push_u64(&mut path, slot as u64);
                path.push(']');
                path
            },
            kind: StateErrorKind::Uncopyable(e),
        })?;
        for (field, value) in &after.0 {
            doc.set(
                field.name(),
                D::from_str(value.as_deref().unwrap_or_default()),
            );
        }
        let undo = model.replace_user(slot, doc);
        Ok(Applied {
            response: Response::UserId(user_id),
            changes: vec![Change::UpdateUser {
                user_id,
                before,
                after,
            }],
            undo: Some(undo),
        })
    }

    /// Checks 1 to 4; the user's id and slot when they pass.
    fn check<D: Doc>(&self, model: &Model<D>) -> Result<(u64, usize), Response> {
        let (user_id, slot) = self
            .user_id
            .and_then(|id| Some((id, model.user_position(id)?)))
            .ok_or_else(|| Response::error(message::INVALID_USER_ID_REQUESTED))?;
        if self.fields.is_empty() {
            return Err(Response::error(message::USER_FIELD_REQUIRED));
        }
        if let Some(email) = self.email() {
            if !is_plausible_email(email) {
                return Err(Response::error(message::EMAIL_NOT_VALID));
            }
            let taken = model
                .users_with_email(&match_key(email))
                .iter()
                .any(|other| other.id != user_id);
            if taken {
                return Err(Response::error(message::EMAIL_EXISTS));
            }
        }
        Ok((user_id, slot))
    }
}
