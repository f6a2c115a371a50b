//! Reading a host state into a [`Model`]: whole and eager, in the order of
//! SPEC section 7, reporting the first fault with its JSON path.

use crate::prelude::*;

use super::index::SlotIndex;
use super::{Client, Invite, InviteSource, Link, Model, User};
use crate::doc::{Doc, HostError, Kind};
use crate::params::{parse_id_number, php_trim, shown_name};
use crate::text::{display_message, push_all, push_u64, Message};
use crate::vocabulary::{Permission, PermissionSet};

/// A fault in the host's state: thrown to JavaScript as `StateError`.
///
/// `path` is a JSON path from `state` (`state.user_clients[3].permissions[1]`)
/// and the message reads `"<path>: <what is wrong>"`.
///
/// ```
/// use serde_json::json;
/// use whmcs_permissions::{get_user_permissions, CallError, StateErrorKind};
/// let bad = json!({"users": [{"id": 1}, {"id": 1}], "clients": []});
/// let Err(CallError::State(e)) = get_user_permissions(&bad, &json!({})) else { panic!() };
/// assert_eq!(e.path, "state.users[1].id");
/// assert_eq!(e.kind, StateErrorKind::DuplicateUserId(1));
/// assert_eq!(e.to_string(), "state.users[1].id: duplicate user id 1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateError {
    /// Where the fault is: `state`, `state.users[4].id`, ...
    pub path: String,
    /// What is wrong there.
    pub kind: StateErrorKind,
}

/// What is wrong at a [`StateError`]'s path.
///
/// ```
/// use whmcs_permissions::{Kind, StateErrorKind};
/// assert_eq!(StateErrorKind::NotAnArray(Kind::Null).to_string(), "must be an array, got null");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateErrorKind {
    /// An object was expected.
    NotAnObject(Kind),
    /// `users` or `clients` is absent.
    ArrayRequired,
    /// An array was expected.
    NotAnArray(Kind),
    /// A required field (an id, `owner_user_id`, `permissions`) is absent.
    Required,
    /// An id that is not a positive safe integer; holds how the value reads.
    BadId(String),
    /// A later user with an id used before.
    DuplicateUserId(u64),
    /// A later client with an id used before.
    DuplicateClientId(u64),
    /// A link's `user_id` names no user.
    NoSuchUser(u64),
    /// A link's `client_id` names no client.
    NoSuchClient(u64),
    /// A second link for the same user and client.
    DuplicateLink {
        /// The link's user.
        user_id: u64,
        /// The link's client.
        client_id: u64,
    },
    /// A text field (`email`, `firstname`, ...) that is not a string.
    NotAString(Kind),
    /// An element of a `permissions` array that is not a string.
    NotAPermissionName(Kind),
    /// A name that is not one of the 13 (shown as in messages: at most 64
    /// code points, then `...`).
    UnknownPermission(String),
    /// `permissions` that is neither an array nor a string.
    BadPermissions(Kind),
    /// Reading the value threw (a getter or a proxy trap).
    Unreadable(HostError),
    /// Copying the record for the returned state threw.
    Uncopyable(HostError),
}

impl Message for StateErrorKind {
    fn write_to(&self, out: &mut String) {
        use StateErrorKind::*;
        let got = |out: &mut String, what: &str, k: &Kind| {
            push_all(out, &["must be ", what, ", got ", k.article()])
        };
        let id = |out: &mut String, what: &str, id: &u64, rest: &str| {
            out.push_str(what);
            push_u64(out, *id);
            out.push_str(rest);
        };
        match self {
            NotAnObject(k) => got(out, "an object", k),
            ArrayRequired => out.push_str("is required and must be an array"),
            NotAnArray(k) => got(out, "an array", k),
            Required => out.push_str("is required"),
            BadId(v) => push_all(
                out,
                &["must be a positive safe integer (1 ..= 2^53-1), got ", v],
            ),
            DuplicateUserId(i) => id(out, "duplicate user id ", i, ""),
            DuplicateClientId(i) => id(out, "duplicate client id ", i, ""),
            NoSuchUser(i) => id(out, "no user with id ", i, " in state.users"),
            NoSuchClient(i) => id(out, "no client with id ", i, " in state.clients"),
            DuplicateLink { user_id, client_id } => {
                id(out, "duplicate link for user ", user_id, " and client ");
                push_u64(out, *client_id);
            }
            NotAString(k) => got(out, "a string", k),
            NotAPermissionName(k) => got(out, "a permission name", k),
            UnknownPermission(name) => push_all(out, &["unknown permission \"", name, "\""]),
            BadPermissions(k) => got(
                out,
                "an array of permission names or a comma-separated string",
                k,
            ),
            Unreadable(e) => {
                out.push_str("could not be read: ");
                e.write_to(out);
            }
            Uncopyable(e) => {
                out.push_str("could not be copied: ");
                e.write_to(out);
            }
        }
    }
}

impl Message for StateError {
    fn write_to(&self, out: &mut String) {
        push_all(out, &[&self.path, ": "]);
        self.kind.write_to(out);
    }
}

display_message!(StateErrorKind, StateError);

impl core::error::Error for StateError {}

/// The text fields checked on every user, in order (SPEC section 7).
const USER_TEXT_FIELDS: [&str; 4] = ["email", "firstname", "lastname", "language"];

/// Validates a whole state and indexes it.
pub(crate) fn read_state<D: Doc>(state: &D) -> Result<Model<D>, StateError> {
    Reader::default().state(state).map_err(|fault| *fault)
}

/// One step of a JSON path.
#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
    KeyIndex(&'static str, usize),
}

/// Walks a state in the documented order, with the current path. The path
/// is kept as steps and only written out for a fault: reading a valid state
/// formats nothing.
#[derive(Default)]
struct Reader {
    path: Vec<Seg>,
}

/// A fault while reading, boxed: every `?` on the way out moves a pointer,
/// not the error (a third of `read_state`'s code was those moves).
type Fault = Box<StateError>;

impl Reader {
    fn fault(&self, kind: StateErrorKind) -> Fault {
        let mut path = String::from("state");
        for seg in &self.path {
            let (key, index) = match *seg {
                Seg::Key(k) => (Some(k), None),
                Seg::Index(i) => (None, Some(i)),
                Seg::KeyIndex(k, i) => (Some(k), Some(i)),
            };
            if let Some(k) = key {
                push_all(&mut path, &[".", k]);
            }
            if let Some(i) = index {
                path.push('[');
                push_u64(&mut path, i as u64);
                path.push(']');
            }
        }
        Box::new(StateError { path, kind })
    }

    fn with<T>(&mut self, seg: Seg, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(seg);
        let out = f(self);
        self.path.pop();
        out
    }

    fn host<T>(&self, r: Result<T, HostError>) -> Result<T, Fault> {
        r.map_err(|e| self.fault(StateErrorKind::Unreadable(e)))
    }

    fn field<D: Doc>(&mut self, obj: &D, key: &'static str) -> Result<Option<D>, Fault> {
        let r = obj.get(key);
        self.with(Seg::Key(key), |me| me.host(r))
    }

    fn object<D: Doc>(&self, value: &D) -> Result<(), Fault> {
        match value.kind() {
            Kind::Object => Ok(()),
            other => Err(self.fault(StateErrorKind::NotAnObject(other))),
        }
    }

    /// An array field and its length; `optional` arrays may be absent
    /// (`None`). Elements are read by the caller, one at a time.
    fn array<D: Doc>(
        &mut self,
        obj: &D,
        key: &'static str,
        optional: bool,
    ) -> Result<Option<(D, usize)>, Fault> {
        let value = self.field(obj, key)?;
        self.with(Seg::Key(key), |me| match value {
            None if optional => Ok(None),
            None => Err(me.fault(StateErrorKind::ArrayRequired)),
            Some(v) if v.kind() == Kind::Array => {
                let len = me.host(v.array_len())?;
                Ok(Some((v, len)))
            }
            Some(v) => Err(me.fault(StateErrorKind::NotAnArray(v.kind()))),
        })
    }

    /// A positive safe integer field, which must be a number.
    fn id<D: Doc>(&mut self, obj: &D, key: &'static str) -> Result<u64, Fault> {
        let value = self.field(obj, key)?;
        self.with(Seg::Key(key), |me| {
            let Some(value) = value else {
                return Err(me.fault(StateErrorKind::Required));
            };
            value
                .as_f64()
                .filter(|_| value.kind() == Kind::Number)
                .and_then(parse_id_number)
                .ok_or_else(|| me.fault(StateErrorKind::BadId(describe(&value))))
        })
    }

    /// An optional text field (checked, not decoded).
    fn text<D: Doc>(&mut self, obj: &D, key: &'static str) -> Result<(), Fault> {
        let value = self.field(obj, key)?;
        self.with(Seg::Key(key), |me| match value {
            Some(v) if v.kind() != Kind::String => {
                Err(me.fault(StateErrorKind::NotAString(v.kind())))
            }
            _ => Ok(()),
        })
    }

    /// A required `permissions` field: an array of exact names or a comma
    /// string of them.
    fn permissions<D: Doc>(&mut self, obj: &D) -> Result<PermissionSet, Fault> {
        let value = self.field(obj, "permissions")?;
        self.with(Seg::Key("permissions"), |me| {
            let Some(value) = value else {
                return Err(me.fault(StateErrorKind::Required));
            };
            let unknown = |name: &str| StateErrorKind::UnknownPermission(shown_name(name));
            let mut set = PermissionSet::EMPTY;
            match value.kind() {
                Kind::String => {
                    let text = value.as_string().unwrap_or_default();
                    for segment in text.split(',').map(php_trim).filter(|s| !s.is_empty()) {
                        set.insert(
                            Permission::from_name(segment)
                                .ok_or_else(|| me.fault(unknown(segment)))?,
                        );
                    }
                }
                Kind::Array => {
                    let len = me.host(value.array_len())?;
                    for k in 0..len {
                        me.with(Seg::Index(k), |me| {
                            let item = me.host(value.array_get(k))?;
                            if let Some(p) = Permission::from_doc(&item) {
                                set.insert(p);
                                return Ok(());
                            }
                            if item.kind() != Kind::String {
                                return Err(
                                    me.fault(StateErrorKind::NotAPermissionName(item.kind()))
                                );
                            }
                            let name = item.as_string().unwrap_or_default();
                            set.insert(
                                Permission::from_name(&name)
                                    .ok_or_else(|| me.fault(unknown(&name)))?,
                            );
                            Ok(())
                        })?;
                    }
                }
                other => return Err(me.fault(StateErrorKind::BadPermissions(other))),
            }
            Ok(set)
        })
    }

    fn state<D: Doc>(&mut self, state: &D) -> Result<Model<D>, Fault> {
        self.object(state)?;
        let users = self.array(state, "users", false)?;
        let clients = self.array(state, "clients", false)?;
        let (users, user_count) = users.unwrap_or_else(|| (state.clone(), 0));
        let (clients, client_count) = clients.unwrap_or_else(|| (state.clone(), 0));

        let mut model = Model::empty(state.clone());
        model.users.reserve_exact(reserve(user_count));
        model.clients.reserve_exact(reserve(client_count));
        model.user_index = SlotIndex::with_capacity(reserve(user_count));
        model.client_index = SlotIndex::with_capacity(reserve(client_count));

        for i in 0..user_count {
            self.with(Seg::KeyIndex("users", i), |me| {
                let doc = me.host(users.array_get(i))?;
                me.object(&doc)?;
                let id = me.id(&doc, "id")?;
                if model.user_slot(id).is_some() {
                    return Err(me.with(Seg::Key("id"), |me| {
                        me.fault(StateErrorKind::DuplicateUserId(id))
                    }));
                }
                for field in USER_TEXT_FIELDS {
                    me.text(&doc, field)?;
                }
                model.users.push(User { id, doc });
                model.max_id = model.max_id.max(id);
                let users = &model.users;
                let _ = model
                    .user_index
                    .insert(id, i as u32, |s| super::id_at(users, s));
                Ok(())
            })?;
        }

        for i in 0..client_count {
            self.with(Seg::KeyIndex("clients", i), |me| {
                let doc = me.host(clients.array_get(i))?;
                me.object(&doc)?;
                let id = me.id(&doc, "id")?;
                if model.client_slot(id).is_some() {
                    return Err(me.with(Seg::Key("id"), |me| {
                        me.fault(StateErrorKind::DuplicateClientId(id))
                    }));
                }
                let owner_user_id = me.id(&doc, "owner_user_id")?;
                model.clients.push(Client {
                    id,
                    owner_user_id,
                    doc,
                });
                model.max_id = model.max_id.max(owner_user_id);
                let clients = &model.clients;
                let _ = model.client_index.insert(id, i as u32, |s| {
                    clients.get(s as usize).map_or(u64::MAX, |c| c.id)
                });
                Ok(())
            })?;
        }

        let (links, link_count) = self
            .array(state, "user_clients", true)?
            .unwrap_or_else(|| (state.clone(), 0));
        model.links.reserve_exact(reserve(link_count));
        model.link_index = SlotIndex::with_capacity(reserve(link_count));
        for i in 0..link_count {
            self.with(Seg::KeyIndex("user_clients", i), |me| {
                let doc = me.host(links.array_get(i))?;
                me.object(&doc)?;
                let user_id = me.id(&doc, "user_id")?;
                let Some(user) = model.user_slot(user_id) else {
                    return Err(me.with(Seg::Key("user_id"), |me| {
                        me.fault(StateErrorKind::NoSuchUser(user_id))
                    }));
                };
                let client_id = me.id(&doc, "client_id")?;
                let Some(client) = model.client_slot(client_id) else {
                    return Err(me.with(Seg::Key("client_id"), |me| {
                        me.fault(StateErrorKind::NoSuchClient(client_id))
                    }));
                };
                if model.link(user_id, client_id).is_some() {
                    return Err(me.fault(StateErrorKind::DuplicateLink { user_id, client_id }));
                }
                let permissions = me.permissions(&doc)?;
                model.links.push(Some(Link {
                    user,
                    client,
                    permissions,
                    doc,
                }));
                model.index_link(i as u32, user_id, client_id);
                Ok(())
            })?;
        }

        let (invites, invite_count) = self
            .array(state, "invites", true)?
            .unwrap_or_else(|| (state.clone(), 0));
        model.invites.reserve_exact(reserve(invite_count));
        for i in 0..invite_count {
            self.with(Seg::KeyIndex("invites", i), |me| {
                let doc = me.host(invites.array_get(i))?;
                me.object(&doc)?;
                let client_id = me.id(&doc, "client_id")?;
                me.text(&doc, "email")?;
                let permissions = me.permissions(&doc)?;
                model.invites.push(Invite {
                    client_id,
                    permissions,
                    source: InviteSource::State(doc),
                });
                Ok::<(), Fault>(())
            })?;
        }
        Ok(model)
    }
}

/// How many records to make room for ahead of reading an array of `len`:
/// all of them, up to a million. An array's length is no promise of records
/// (a sparse `[]` with `length = 2 ** 32 - 1` holds none), so room beyond
/// that grows as records are read.
fn reserve(len: usize) -> usize {
    len.min(1 << 20)
}

/// A short description of a bad id value for messages.
fn describe<D: Doc>(value: &D) -> String {
    match value.kind() {
        Kind::Number => value
            .as_f64()
            .map_or_else(|| "a number".into(), D::number_text),
        Kind::String => {
            let s = value.as_string().unwrap_or_default();
            crate::text::concat(&["the string \"", &shown_name(&s), "\""])
        }
        other => other.article().into(),
    }
}
