//! `GetUsers`: users, searched, sorted by id and paged (SPEC section 8).

use crate::prelude::*;

use super::{ReadPlan, UsersQuery};
use crate::doc::Doc;
use crate::email::match_key;
use crate::params::{param, parse_count, php_trim, text_param, ParamsFault};
use crate::response::{ClientRef, Response, UserSummary, UsersPage};
use crate::state::{sort_keyed, Model, User};

/// `limitnum` when it is not given (or not valid).
pub const DEFAULT_LIMIT: u64 = 25;

/// The parsed params of `GetUsers`.
pub(crate) struct GetUsers {
    query: UsersQuery,
}

impl GetUsers {
    pub fn from_params<D: Doc>(params: &D) -> Result<Self, ParamsFault> {
        let start = parse_count(param(params, "limitstart")?.as_ref(), 0).unwrap_or(0);
        let limit = parse_count(param(params, "limitnum")?.as_ref(), 1).unwrap_or(DEFAULT_LIMIT);
        let descending = param(params, "sorting")?
            .and_then(|v| v.as_string().filter(|_| v.kind() == crate::Kind::String))
            .is_some_and(|s| php_trim(&s).eq_ignore_ascii_case("DESC"));
        let search = text_param(params, "search")?.map(|s| match_key(&s));
        Ok(GetUsers {
            query: UsersQuery {
                start,
                limit,
                descending,
                search,
            },
        })
    }

    /// One page of users, with every client they own or are linked to.
    pub fn reads(self, plan: &mut ReadPlan) {
        plan.users_page = Some(self.query);
    }

    /// Filter, count, sort, page, render.
    pub fn answer<D: Doc>(&self, model: &Model<D>) -> Response {
        let (total, page) = select(model, &self.query);
        render(model, &self.query, total, page)
    }

    /// One page rendered from a slice that holds exactly that page's users
    /// (the host filtered, sorted and paged them, and counted `total`).
    pub fn answer_page<D: Doc>(&self, slice: &Model<D>, total: u64) -> Response {
        let mut page: Vec<&User<D>> = slice
            .users
            .iter()
            .filter(|u| matches(u, self.query.search.as_deref()))
            .collect();
        sort(&mut page, self.query.descending);
        page.truncate(usize::try_from(self.query.limit).unwrap_or(usize::MAX));
        render(slice, &self.query, total, page)
    }

    /// The ids of the page's users (for the reference slicer).
    #[cfg(test)]
    pub fn page_ids<D: Doc>(model: &Model<D>, query: &UsersQuery) -> Vec<u64> {
        select(model, query).1.iter().map(|u| u.id).collect()
    }
}

/// The matching users' count and the page of them. Without a search this
/// costs what the page costs (the model keeps users in id order).
fn select<'m, D: Doc>(model: &'m Model<D>, q: &UsersQuery) -> (u64, Vec<&'m User<D>>) {
    let start = usize::try_from(q.start).unwrap_or(usize::MAX);
    let limit = usize::try_from(q.limit).unwrap_or(usize::MAX);
    match q.search.as_deref() {
        None => {
            let order = model.id_order();
            let total = order.len();
            let from = start.min(total);
            let to = from.saturating_add(limit).min(total);
            let slots = if q.descending {
                &order[total - to..total - from]
            } else {
                &order[from..to]
            };
            let mut page: Vec<&User<D>> = slots.iter().map(|&s| &model.users[s as usize]).collect();
            if q.descending {
                page.reverse();
            }
            (total as u64, page)
        }
        Some(search) => {
            let mut found: Vec<&User<D>> = model
                .users
                .iter()
                .filter(|u| matches(u, Some(search)))
                .collect();
            sort(&mut found, q.descending);
            let total = found.len() as u64;
            let page = found.into_iter().skip(start).take(limit).collect();
            (total, page)
        }
    }
}

/// Sorts users by id; ids are unique in a model, so descending is the
/// ascending order reversed.
fn sort<D>(users: &mut Vec<&User<D>>, descending: bool) {
    let mut keyed: Vec<(u64, u32)> = (users.iter().enumerate())
        .map(|(i, user)| (user.id, i as u32))
        .collect();
    sort_keyed(&mut keyed);
    if descending {
        keyed.reverse();
    }
    let sorted = keyed
        .iter()
        .filter_map(|&(_, i)| users.get(i as usize).copied())
        .collect();
    *users = sorted;
}

/// Whether one of the user's email, first name, last name or full name
/// (`firstname + " " + lastname`, both present) starts with `search` (a
/// match key), stored fields compared untrimmed and lowercased.
fn matches<D: Doc>(user: &User<D>, search: Option<&str>) -> bool {
    let Some(search) = search else {
        return true;
    };
    let starts = |text: &str| match_key(text).starts_with(search);
    let first = user.text("firstname");
    let last = user.text("lastname");
    user.email().is_some_and(|e| starts(&e))
        || first.as_deref().is_some_and(starts)
        || last.as_deref().is_some_and(starts)
        || matches!((&first, &last), (Some(f), Some(l)) if starts(&crate::text::concat(&[f, " ", l])))
}

fn render<D: Doc>(model: &Model<D>, q: &UsersQuery, total: u64, page: Vec<&User<D>>) -> Response {
    let users = page
        .into_iter()
        .map(|user| UserSummary {
            id: user.id,
            firstname: user.text("firstname").unwrap_or_default(),
            lastname: user.text("lastname").unwrap_or_default(),
            email: user.email().unwrap_or_default(),
            datecreated: user.text("datecreated").unwrap_or_default(),
            validationdata: user.text("validationdata").unwrap_or_default(),
            clients: model
                .clients_of(user.id)
                .into_iter()
                .map(|(id, is_owner)| ClientRef { id, is_owner })
                .collect(),
        })
        .collect();
    Response::Users(UsersPage {
        total,
        start: q.start,
        users,
    })
}
