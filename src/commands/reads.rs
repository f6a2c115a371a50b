//! Which records a command reads: the plan a storage backend follows to
//! load the slice of the state a command runs on, and the reference slicer
//! that builds the same slice from a whole state.
//!
//! A slice is a valid state holding every record the command can look at
//! for its params, so the command answers on the slice exactly as on the
//! whole state (`tests/vectors.rs` checks this on every vector).

use serde::Serialize;

use super::Command;

/// The records a command reads for given params ([`Command::reads`]).
///
/// A plan that names nothing (see [`ReadPlan::reads_nothing`]) means the
/// params alone decide the answer: the command answers the same on an
/// empty state, so a host (the admin page checking a form before it sends
/// anything) needs no records to run it.
///
/// Serialised (and returned by `readPlan` in JavaScript) as
/// `{"command","writes","users","clients","links","members_with_email",
/// "users_with_email","max_user_id","users_page"}`.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::Command;
/// let plan = Command::CreateClientInvite
///     .reads(&json!({"client_id": 3, "email": " Ana@Example.com ", "permissions": "profile"}))
///     .unwrap();
/// assert_eq!(serde_json::to_value(&plan).unwrap(), json!({
///     "command": "CreateClientInvite", "writes": true, "users": [], "clients": [3], "links": [],
///     "members_with_email": [{"client_id": 3, "email_key": "ana@example.com"}],
///     "users_with_email": [], "max_user_id": false, "users_page": null
/// }));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReadPlan {
    /// The command's WHMCS name (`None` for an unknown command, which reads
    /// nothing and answers `Command Not Found`).
    pub command: Option<&'static str>,
    /// Whether the command can write: a backend locks what it reads.
    pub writes: bool,
    /// Users by id.
    pub users: Vec<u64>,
    /// Clients by id (each with its owner, the client's `owner_user_id`).
    pub clients: Vec<u64>,
    /// Links by user and client.
    pub links: Vec<LinkKey>,
    /// The users with an email key who own or are linked to a client, with
    /// that client and their link to it.
    pub members_with_email: Vec<MemberQuery>,
    /// Every user whose email key ([`crate::match_key`] of the stored email)
    /// equals one of these.
    pub users_with_email: Vec<String>,
    /// The user with the largest id, and a client whose `owner_user_id` is
    /// the largest (AddUser's next id is one more than both).
    pub max_user_id: bool,
    /// GetUsers: one page of users (see [`UsersQuery`]).
    pub users_page: Option<UsersQuery>,
}

/// A link by its two ids.
///
/// ```
/// let k = whmcs_permissions::LinkKey { user_id: 2, client_id: 1 };
/// assert_eq!(serde_json::to_string(&k).unwrap(), r#"{"user_id":2,"client_id":1}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LinkKey {
    /// The link's user.
    pub user_id: u64,
    /// The link's client.
    pub client_id: u64,
}

/// Users with an email who own or are linked to a client.
///
/// ```
/// let q = whmcs_permissions::MemberQuery { client_id: 1, email_key: "a@b.co".into() };
/// assert_eq!(serde_json::to_string(&q).unwrap(), r#"{"client_id":1,"email_key":"a@b.co"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberQuery {
    /// The client.
    pub client_id: u64,
    /// The [`crate::match_key`] of the email.
    pub email_key: String,
}

/// One page of GetUsers, as the core parsed its params: the users that
/// match `search`, by id (descending when `descending`), skipping `start`,
/// at most `limit` of them.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::{Command, UsersQuery};
/// let plan = Command::GetUsers.reads(&json!({"search": " ANA ", "sorting": "desc"})).unwrap();
/// assert_eq!(plan.users_page, Some(UsersQuery { start: 0, limit: 25, descending: true, search: Some("ana".into()) }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UsersQuery {
    /// `limitstart`: how many matching users to skip.
    pub start: u64,
    /// `limitnum`: the most users on the page.
    pub limit: u64,
    /// `sorting` was `DESC`.
    pub descending: bool,
    /// The [`crate::match_key`] a user's email, first name, last name or
    /// `firstname + " " + lastname` must start with, when searching.
    pub search: Option<String>,
}

impl ReadPlan {
    pub(super) fn for_command(command: Command) -> ReadPlan {
        ReadPlan {
            command: Some(command.name()),
            writes: command.writes(),
            ..ReadPlan::default()
        }
    }

    /// Whether the plan names no record at all: the params alone decide
    /// the answer (AddUser without a first name, UpdateUser with an invalid
    /// `user_id`, an unknown command), the same on any state.
    ///
    /// ```
    /// use serde_json::json;
    /// use whmcs_permissions::Command;
    /// let plan = |p| Command::AddUser.reads(&p).unwrap().reads_nothing();
    /// assert!(plan(json!({"lastname": "Alves", "email": "ana@example.com", "password2": "x"})));
    /// assert!(plan(json!({"firstname": "Ana", "lastname": "Alves", "email": "ana@", "password2": "x"})));
    /// assert!(!plan(json!({"firstname": "Ana", "lastname": "Alves", "email": "ana@example.com", "password2": "x"})));
    /// // The password is never looked at: without it, the same rows.
    /// assert!(!plan(json!({"firstname": "Ana", "lastname": "Alves", "email": "ana@example.com"})));
    /// ```
    pub fn reads_nothing(&self) -> bool {
        let ReadPlan {
            command: _,
            writes: _,
            users,
            clients,
            links,
            members_with_email,
            users_with_email,
            max_user_id,
            users_page,
        } = self;
        users.is_empty()
            && clients.is_empty()
            && links.is_empty()
            && members_with_email.is_empty()
            && users_with_email.is_empty()
            && !max_user_id
            && users_page.is_none()
    }

    /// The plan of an unknown command: nothing to read.
    ///
    /// ```
    /// assert_eq!(whmcs_permissions::ReadPlan::unknown_command().command, None);
    /// ```
    pub fn unknown_command() -> ReadPlan {
        ReadPlan::default()
    }
}

/// The reference slicer: the slice of a whole validated model a plan
/// reads, which the storage backends' slices are tested against.
#[cfg(test)]
mod slicer {
    use super::ReadPlan;
    use crate::commands::GetUsers;
    use crate::doc::Doc;
    use crate::state::Model;

    impl ReadPlan {
        /// The slice of a validated model this plan reads, as a host state:
        /// the records in state order, invites left out (no command reads them).
        /// The reference the storage backends' slices are tested against.
        pub(crate) fn slice<D: Doc>(&self, model: &Model<D>) -> Result<D, crate::doc::HostError> {
            let mut users = vec![false; model.users.len()];
            let mut clients = vec![false; model.clients.len()];
            let mut links = vec![false; model.links.len()];
            let user_slot = |id: u64| model.users.iter().position(|u| u.id == id);
            let client_slot = |id: u64| model.clients.iter().position(|c| c.id == id);
            let link_slot = |user_id: u64, client_id: u64| {
                model.links.iter().position(|l| {
                    l.as_ref()
                        .is_some_and(|l| model.link_ids(l) == (user_id, client_id))
                })
            };
            let add_user = |id: u64, users: &mut Vec<bool>| {
                if let Some(s) = user_slot(id) {
                    users[s] = true;
                }
            };
            for &id in &self.users {
                add_user(id, &mut users);
            }
            for &id in &self.clients {
                if let Some(s) = client_slot(id) {
                    clients[s] = true;
                }
            }
            for key in &self.links {
                if let Some(s) = link_slot(key.user_id, key.client_id) {
                    links[s] = true;
                }
            }
            for key in &self.users_with_email {
                for user in model.users_with_email(key) {
                    add_user(user.id, &mut users);
                }
            }
            for q in &self.members_with_email {
                let Some(c) = client_slot(q.client_id) else {
                    continue;
                };
                clients[c] = true;
                for user in model.users_with_email(&q.email_key) {
                    if model.relation(user.id, q.client_id) != crate::state::Relation::None {
                        add_user(user.id, &mut users);
                        if let Some(l) = link_slot(user.id, q.client_id) {
                            links[l] = true;
                        }
                    }
                }
            }
            if self.max_user_id {
                if let Some(top) = model.users.iter().map(|u| u.id).max() {
                    add_user(top, &mut users);
                }
                let top_owner = model
                    .clients
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, c)| c.owner_user_id);
                if let Some((s, _)) = top_owner {
                    clients[s] = true;
                }
            }
            if let Some(query) = &self.users_page {
                for id in GetUsers::page_ids(model, query) {
                    add_user(id, &mut users);
                    for (client_id, _) in model.clients_of(id) {
                        if let Some(s) = client_slot(client_id) {
                            clients[s] = true;
                        }
                        if let Some(s) = link_slot(id, client_id) {
                            links[s] = true;
                        }
                    }
                }
            }

            let mut out = D::new_object();
            let pick = |flags: &[bool],
                        docs: Vec<Result<D, crate::doc::HostError>>|
             -> Result<D, crate::doc::HostError> {
                let mut items = Vec::new();
                for (flag, doc) in flags.iter().zip(docs) {
                    if *flag {
                        items.push(doc?);
                    }
                }
                Ok(D::new_array(items))
            };
            let user_docs = model.users.iter().map(|u| u.doc.copy_object()).collect();
            out.set("users", pick(&users, user_docs)?);
            let client_docs = model.clients.iter().map(|c| c.doc.copy_object()).collect();
            out.set("clients", pick(&clients, client_docs)?);
            let link_docs = model
                .links
                .iter()
                .map(|l| match l {
                    Some(l) => {
                        let mut doc = l.doc.copy_object()?;
                        doc.set(
                            "permissions",
                            D::new_array(l.permissions.names().map(D::from_str).collect()),
                        );
                        Ok(doc)
                    }
                    None => Ok(D::new_object()),
                })
                .collect();
            out.set("user_clients", pick(&links, link_docs)?);
            out.set("invites", D::new_array(Vec::new()));
            Ok(out)
        }
    }
}

/// Every vector's command, run on the slice its plan reads, answers as on
/// the whole state: the plan cannot miss a record a command looks at.
#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::api::{get_users_page, local_api};
    use crate::commands::Command;
    use crate::state::Model;

    /// The command and params of a case that runs one (functional call
    /// names are the commands' names in camelCase).
    fn command_of(c: &Value) -> Option<(Command, Value)> {
        let call = c["call"].as_str()?;
        if call == "localApi" {
            return Some((
                Command::from_name(c["command"].as_str()?)?,
                c.get("postData")?.clone(),
            ));
        }
        let command = Command::ALL
            .into_iter()
            .find(|cmd| cmd.name().eq_ignore_ascii_case(call))?;
        Some((command, c.get("params").cloned().unwrap_or(json!({}))))
    }

    #[test]
    fn every_command_answers_on_its_slice_as_on_the_whole_state() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        let (mut checked, mut failures) = (0, Vec::new());
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let file: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for c in file["cases"].as_array().unwrap() {
                let Some((command, params)) = command_of(c) else {
                    continue;
                };
                let state = match c["state"].get("$ref").and_then(Value::as_str) {
                    Some(name) => file["states"][name].clone(),
                    None => c["state"].clone(),
                };
                let Ok(whole) = local_api(&json!(command.name()), &params, &state) else {
                    continue;
                };
                let plan = command.reads(&params).unwrap();
                let model = Model::from_doc(&state).unwrap();
                let slice = plan.slice(&model).unwrap();
                let (response, changes) = if command == Command::GetUsers {
                    let total = whole.response_total();
                    (
                        get_users_page(&slice, &params, total).map(|r| json!(r)),
                        json!([]),
                    )
                } else {
                    match local_api(&json!(command.name()), &params, &slice) {
                        Ok(o) => (Ok(json!(o.response)), json!(o.changes)),
                        Err(e) => (Err(e), json!(null)),
                    }
                };
                checked += 1;
                let want = (json!(whole.response), json!(whole.changes));
                match response {
                    Ok(r) if (r.clone(), changes.clone()) == want => {}
                    other => failures.push(format!(
                        "{} {}: plan {}\nslice {slice}\ngot {other:?} {changes}\nwant {} {}",
                        path.display(),
                        c["name"],
                        json!(plan),
                        want.0,
                        want.1
                    )),
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {checked} slices answer differently:\n{}",
            failures.len(),
            failures.join("\n\n")
        );
        assert!(checked > 900, "only {checked} cases checked");
    }

    trait Total {
        fn response_total(&self) -> u64;
    }

    impl Total for crate::api::Outcome<Value> {
        fn response_total(&self) -> u64 {
            match &self.response {
                crate::response::Response::Users(page) => page.total,
                _ => 0,
            }
        }
    }
}
