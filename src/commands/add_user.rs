//! `AddUser`: add a user (SPEC section 8).

use crate::prelude::*;

use super::{Applied, ReadPlan};
use crate::doc::Doc;
use crate::email::{is_plausible_email, match_key};
use crate::params::{text_param, ParamsFault, MAX_ID};
use crate::response::{message, Change, NewUser, Response};
use crate::state::Model;

/// The parsed params of `AddUser`: each text param PHP-trimmed, `None`
/// when not given. The password is only checked for presence: it never
/// leaves the params (the host hashes `password2` itself).
pub(super) struct AddUser {
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    has_password: bool,
    language: Option<String>,
}

impl AddUser {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        Ok(AddUser {
            firstname: text_param(params, "firstname")?,
            lastname: text_param(params, "lastname")?,
            email: text_param(params, "email")?,
            has_password: text_param(params, "password2")?.is_some(),
            language: text_param(params, "language")?,
        })
    }

    /// The users with that email, and the largest ids; nothing when a name
    /// or the email is not given or the email is not valid (the params
    /// alone decide the answer then). The plan never depends on
    /// `password2`, so a host can leave the password out when it asks for
    /// the rows (the admin page does).
    pub fn reads(&self, plan: &mut ReadPlan) {
        let decided = self.firstname.is_none()
            || self.lastname.is_none()
            || !self.email.as_deref().is_some_and(is_plausible_email);
        if decided {
            return;
        }
        plan.users_with_email
            .extend(self.email.as_deref().map(match_key));
        plan.max_user_id = true;
    }

    pub fn apply<D: Doc>(&self, model: &mut Model<D>) -> Applied<D> {
        let user = match self.check(model) {
            Ok(user) => user,
            Err(response) => return Applied::answer(response),
        };
        let mut doc = D::new_object();
        doc.set("id", D::from_id(user.id));
        doc.set("firstname", D::from_str(&user.firstname));
        doc.set("lastname", D::from_str(&user.lastname));
        doc.set("email", D::from_str(&user.email));
        if let Some(language) = &user.language {
            doc.set("language", D::from_str(language));
        }
        let undo = model.add_user(user.id, doc);
        Applied {
            response: Response::UserId(user.id),
            changes: vec![Change::AddUser {
                user_id: user.id,
                user,
            }],
            undo: Some(undo),
        }
    }

    fn check<D: Doc>(&self, model: &Model<D>) -> Result<NewUser, Response> {
        let required = |value: &Option<String>, missing: &str| {
            value.clone().ok_or_else(|| Response::error(missing))
        };
        let firstname = required(&self.firstname, message::NO_FIRST_NAME)?;
        let lastname = required(&self.lastname, message::NO_LAST_NAME)?;
        let email = required(&self.email, message::NO_EMAIL)?;
        if !self.has_password {
            return Err(Response::error(message::NO_PASSWORD));
        }
        if !is_plausible_email(&email) {
            return Err(Response::error(message::EMAIL_NOT_VALID));
        }
        if !model.users_with_email(&match_key(&email)).is_empty() {
            return Err(Response::error(message::EMAIL_EXISTS));
        }
        if model.max_id >= MAX_ID {
            return Err(Response::error(message::USER_ID_LIMIT));
        }
        Ok(NewUser {
            id: model.max_id + 1,
            firstname,
            lastname,
            email,
            language: self.language.clone(),
        })
    }
}
