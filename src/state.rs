//! The state model (users, clients with their owner, user-client links,
//! invites), its whole-and-eager validation, and rendering it back.
//!
//! Validation reads the host value through [`Doc`] and keeps a handle to
//! every record, so a returned state carries unknown fields untouched.

use std::fmt::{self, Write};

use crate::doc::{Doc, HostError, Kind};
use crate::index::{pair, SlotIndex};
use crate::params::{parse_id_number, php_trim, shown_name};
use crate::vocabulary::{Permission, PermissionSet};

/// A fault in the host's state: thrown to JavaScript as `StateError`.
///
/// `path` is a JSON path from `state` (`state.user_clients[3].permissions[1]`)
/// and the message reads `"<path>: <what is wrong>"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateError {
    pub path: String,
    pub problem: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl std::error::Error for StateError {}

/// A user (`tblusers`).
///
/// The email is read from `doc` when a command needs it (see
/// [`User::email`]): most calls never do, and decoding every user's email on
/// every call would cost more than the rest of validation.
#[derive(Clone, Debug)]
pub struct User<D> {
    pub id: u64,
    pub doc: D,
}

impl<D: Doc> User<D> {
    /// The user's `email` (validated to be a string when present).
    pub fn email(&self) -> Option<String> {
        self.doc
            .get("email")
            .ok()
            .flatten()
            .and_then(|e| e.as_string())
    }
}

/// A client account (`tblclients`) and the user who owns it.
#[derive(Clone, Debug)]
pub struct Client<D> {
    pub id: u64,
    pub owner_user_id: u64,
    pub doc: D,
}

/// A user's access to a client (`tblusers_clients`). `user` and `client`
/// are indexes into [`Model::users`] and [`Model::clients`].
#[derive(Clone, Debug)]
pub struct Link<D> {
    pub user: u32,
    pub client: u32,
    pub permissions: PermissionSet,
    pub doc: D,
}

/// A pending invitation for an email address to a client.
#[derive(Clone, Debug)]
pub struct Invite<D> {
    pub client_id: u64,
    pub permissions: PermissionSet,
    /// The host's record, or the email of an invite this crate created.
    pub source: InviteSource<D>,
}

/// Where an invite came from.
#[derive(Clone, Debug)]
pub enum InviteSource<D> {
    /// A record of the host's state.
    State(D),
    /// Created by `CreateClientInvite`, with this (trimmed) email.
    Created(String),
}

/// A validated state, indexed for O(1) lookups.
///
/// Removed links leave a `None` behind so indexes stay valid and untouched
/// records keep their order.
#[derive(Clone, Debug)]
pub struct Model<D> {
    pub root: D,
    pub users: Vec<User<D>>,
    pub clients: Vec<Client<D>>,
    pub links: Vec<Option<Link<D>>>,
    pub invites: Vec<Invite<D>>,
    /// `id` → slot in `users`.
    user_index: SlotIndex,
    /// `id` → slot in `clients`.
    client_index: SlotIndex,
    /// `pair(user slot, client slot)` → slot in `links`.
    link_index: SlotIndex,
    /// While a transaction is open, how to undo each change made in it.
    journal: Option<Vec<Undo<D>>>,
}

/// How to undo one change to a [`Model`].
#[derive(Clone, Debug)]
enum Undo<D> {
    Permissions { slot: usize, before: PermissionSet },
    Link { slot: usize, link: Link<D> },
    Invite,
}

/// Who a user is to a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Owner,
    Linked(PermissionSet),
    None,
}

impl<D: Doc> Model<D> {
    /// Validates a whole state (SPEC section 7 order) and indexes it.
    pub fn from_doc(state: &D) -> Result<Model<D>, StateError> {
        Reader::default().state(state)
    }

    fn user_slot(&self, id: u64) -> Option<u32> {
        let users = &self.users;
        self.user_index.get(id, |s| users[s as usize].id)
    }

    fn client_slot(&self, id: u64) -> Option<u32> {
        let clients = &self.clients;
        self.client_index.get(id, |s| clients[s as usize].id)
    }

    pub fn user(&self, id: u64) -> Option<&User<D>> {
        self.user_slot(id).map(|i| &self.users[i as usize])
    }

    pub fn client(&self, id: u64) -> Option<&Client<D>> {
        self.client_slot(id).map(|i| &self.clients[i as usize])
    }

    /// The index in `links` of the link between two ids.
    fn link_slot(&self, user_id: u64, client_id: u64) -> Option<usize> {
        let key = pair(self.user_slot(user_id)?, self.client_slot(client_id)?);
        let links = &self.links;
        self.link_index
            .get(key, |s| link_key(links, s))
            .map(|i| i as usize)
    }

    pub fn link(&self, user_id: u64, client_id: u64) -> Option<&Link<D>> {
        self.links[self.link_slot(user_id, client_id)?].as_ref()
    }

    /// How `user_id` relates to `client_id`.
    pub fn relation(&self, user_id: u64, client_id: u64) -> Relation {
        match self.client(client_id) {
            Some(c) if c.owner_user_id == user_id => Relation::Owner,
            Some(_) => match self.link(user_id, client_id) {
                Some(link) => Relation::Linked(link.permissions),
                None => Relation::None,
            },
            None => Relation::None,
        }
    }

    /// The live links, in state order.
    pub fn links(&self) -> impl Iterator<Item = &Link<D>> {
        self.links.iter().flatten()
    }

    /// The ids a link joins.
    pub fn link_ids(&self, link: &Link<D>) -> (u64, u64) {
        (
            self.users[link.user as usize].id,
            self.clients[link.client as usize].id,
        )
    }

    pub fn set_link_permissions(&mut self, user_id: u64, client_id: u64, set: PermissionSet) {
        let Some(slot) = self.link_slot(user_id, client_id) else {
            return;
        };
        if let Some(link) = self.links[slot].as_mut() {
            let before = std::mem::replace(&mut link.permissions, set);
            if let Some(journal) = self.journal.as_mut() {
                journal.push(Undo::Permissions { slot, before });
            }
        }
    }

    pub fn remove_link(&mut self, user_id: u64, client_id: u64) {
        let Some(slot) = self.link_slot(user_id, client_id) else {
            return;
        };
        if let Some(link) = self.links[slot].take() {
            let links = &self.links;
            self.link_index
                .remove(pair(link.user, link.client), |s| link_key(links, s));
            if let Some(journal) = self.journal.as_mut() {
                journal.push(Undo::Link { slot, link });
            }
        }
    }

    pub fn add_invite(&mut self, client_id: u64, email: String, permissions: PermissionSet) {
        self.invites.push(Invite {
            client_id,
            permissions,
            source: InviteSource::Created(email),
        });
        if let Some(journal) = self.journal.as_mut() {
            journal.push(Undo::Invite);
        }
    }

    /// Starts recording changes so that [`Model::rollback`] can undo them.
    pub fn begin(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Keeps the changes made since [`Model::begin`].
    pub fn commit(&mut self) {
        self.journal = None;
    }

    /// Undoes every change made since [`Model::begin`], newest first.
    pub fn rollback(&mut self) {
        for undo in self.journal.take().unwrap_or_default().into_iter().rev() {
            match undo {
                Undo::Permissions { slot, before } => {
                    if let Some(link) = self.links[slot].as_mut() {
                        link.permissions = before;
                    }
                }
                Undo::Link { slot, link } => {
                    let key = pair(link.user, link.client);
                    self.links[slot] = Some(link);
                    let links = &self.links;
                    let _ = self
                        .link_index
                        .insert(key, slot as u32, |s| link_key(links, s));
                }
                Undo::Invite => {
                    self.invites.pop();
                }
            }
        }
    }

    /// The state as the host sees it: a new object in canonical form
    /// (`user_clients` and `invites` present, every `permissions` an array in
    /// canonical order), unknown fields and record order kept.
    pub fn to_doc(&self) -> Result<D, HostError> {
        let mut out = self.root.copy_object()?;
        let mut users = Vec::with_capacity(self.users.len());
        for user in &self.users {
            users.push(user.doc.copy_object()?);
        }
        out.set("users", D::new_array(users));
        let mut clients = Vec::with_capacity(self.clients.len());
        for client in &self.clients {
            clients.push(client.doc.copy_object()?);
        }
        out.set("clients", D::new_array(clients));
        let mut links = Vec::with_capacity(self.links.len());
        for link in self.links() {
            let mut doc = link.doc.copy_object()?;
            doc.set("permissions", permissions_doc(link.permissions));
            links.push(doc);
        }
        out.set("user_clients", D::new_array(links));
        let mut invites = Vec::with_capacity(self.invites.len());
        for invite in &self.invites {
            invites.push(match &invite.source {
                InviteSource::State(doc) => {
                    let mut doc = doc.copy_object()?;
                    doc.set("permissions", permissions_doc(invite.permissions));
                    doc
                }
                InviteSource::Created(email) => {
                    let mut doc = D::new_object();
                    doc.set("client_id", D::from_id(invite.client_id));
                    doc.set("email", D::from_str(email));
                    doc.set("permissions", permissions_doc(invite.permissions));
                    doc
                }
            });
        }
        out.set("invites", D::new_array(invites));
        Ok(out)
    }
}

/// The index key of the link in `slot`.
fn link_key<D>(links: &[Option<Link<D>>], slot: u32) -> u64 {
    links[slot as usize]
        .as_ref()
        .map_or(u64::MAX, |l| pair(l.user, l.client))
}

/// A permission set as a host array of names, canonical order.
pub fn permissions_doc<D: Doc>(set: PermissionSet) -> D {
    D::from_permissions(set)
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

type Fault = StateError;

impl Reader {
    fn fault(&self, problem: impl Into<String>) -> Fault {
        let mut path = String::from("state");
        for seg in &self.path {
            let _ = match seg {
                Seg::Key(k) => write!(path, ".{k}"),
                Seg::Index(i) => write!(path, "[{i}]"),
                Seg::KeyIndex(k, i) => write!(path, ".{k}[{i}]"),
            };
        }
        StateError {
            path,
            problem: problem.into(),
        }
    }

    fn with<T>(&mut self, seg: Seg, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(seg);
        let out = f(self);
        self.path.pop();
        out
    }

    fn host<T>(&self, r: Result<T, HostError>) -> Result<T, Fault> {
        r.map_err(|HostError(e)| self.fault(format!("could not be read: {e}")))
    }

    fn field<D: Doc>(&mut self, obj: &D, key: &'static str) -> Result<Option<D>, Fault> {
        let r = obj.get(key);
        self.with(Seg::Key(key), |me| me.host(r))
    }

    fn object<D: Doc>(&self, value: &D) -> Result<(), Fault> {
        match value.kind() {
            Kind::Object => Ok(()),
            other => Err(self.fault(format!("must be an object, got {}", other.article()))),
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
            None => Err(me.fault("is required and must be an array")),
            Some(v) if v.kind() == Kind::Array => {
                let len = me.host(v.array_len())?;
                Ok(Some((v, len)))
            }
            Some(v) => Err(me.fault(format!("must be an array, got {}", v.kind().article()))),
        })
    }

    /// A positive safe integer field, which must be a number.
    fn id<D: Doc>(&mut self, obj: &D, key: &'static str) -> Result<u64, Fault> {
        let value = self.field(obj, key)?;
        self.with(Seg::Key(key), |me| {
            let Some(value) = value else {
                return Err(me.fault("is required"));
            };
            value
                .as_f64()
                .filter(|_| value.kind() == Kind::Number)
                .and_then(parse_id_number)
                .ok_or_else(|| {
                    me.fault(format!(
                        "must be a positive safe integer (1 ..= 2^53-1), got {}",
                        describe(&value)
                    ))
                })
        })
    }

    /// An optional string field (checked, not decoded).
    fn email<D: Doc>(&mut self, obj: &D) -> Result<(), Fault> {
        let value = self.field(obj, "email")?;
        self.with(Seg::Key("email"), |me| match value {
            Some(v) if v.kind() != Kind::String => {
                Err(me.fault(format!("must be a string, got {}", v.kind().article())))
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
                return Err(me.fault("is required"));
            };
            let mut set = PermissionSet::EMPTY;
            match value.kind() {
                Kind::String => {
                    let text = value.as_string().unwrap_or_default();
                    for segment in text.split(',').map(php_trim).filter(|s| !s.is_empty()) {
                        set.insert(Permission::from_name(segment).ok_or_else(|| {
                            me.fault(format!("unknown permission \"{}\"", shown_name(segment)))
                        })?);
                    }
                }
                Kind::Array => {
                    let len = me.host(value.array_len())?;
                    for k in 0..len {
                        me.with(Seg::Index(k), |me| {
                            let item = me.host(value.array_get(k))?;
                            if item.kind() != Kind::String {
                                return Err(me.fault(format!(
                                    "must be a permission name, got {}",
                                    item.kind().article()
                                )));
                            }
                            set.insert(item.as_permission().ok_or_else(|| {
                                let name = item.as_string().unwrap_or_default();
                                me.fault(format!("unknown permission \"{}\"", shown_name(&name)))
                            })?);
                            Ok(())
                        })?;
                    }
                }
                other => {
                    return Err(me.fault(format!(
                        "must be an array of permission names or a comma-separated string, got {}",
                        other.article()
                    )))
                }
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

        let mut model = Model {
            root: state.clone(),
            users: Vec::with_capacity(reserve(user_count)),
            clients: Vec::with_capacity(reserve(client_count)),
            links: Vec::new(),
            invites: Vec::new(),
            user_index: SlotIndex::with_capacity(reserve(user_count)),
            client_index: SlotIndex::with_capacity(reserve(client_count)),
            link_index: SlotIndex::default(),
            journal: None,
        };

        for i in 0..user_count {
            self.with(Seg::KeyIndex("users", i), |me| {
                let doc = me.host(users.array_get(i))?;
                me.object(&doc)?;
                let id = me.id(&doc, "id")?;
                if model.user_slot(id).is_some() {
                    return Err(me.with(Seg::Key("id"), |me| {
                        me.fault(format!("duplicate user id {id}"))
                    }));
                }
                me.email(&doc)?;
                model.users.push(User { id, doc });
                let users = &model.users;
                let _ = model
                    .user_index
                    .insert(id, i as u32, |s| users[s as usize].id);
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
                        me.fault(format!("duplicate client id {id}"))
                    }));
                }
                let owner_user_id = me.id(&doc, "owner_user_id")?;
                model.clients.push(Client {
                    id,
                    owner_user_id,
                    doc,
                });
                let clients = &model.clients;
                let _ = model
                    .client_index
                    .insert(id, i as u32, |s| clients[s as usize].id);
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
                        me.fault(format!("no user with id {user_id} in state.users"))
                    }));
                };
                let client_id = me.id(&doc, "client_id")?;
                let Some(client) = model.client_slot(client_id) else {
                    return Err(me.with(Seg::Key("client_id"), |me| {
                        me.fault(format!("no client with id {client_id} in state.clients"))
                    }));
                };
                let key = pair(user, client);
                let known = &model.links;
                if model.link_index.get(key, |s| link_key(known, s)).is_some() {
                    return Err(me.fault(format!(
                        "duplicate link for user {user_id} and client {client_id}"
                    )));
                }
                let permissions = me.permissions(&doc)?;
                model.links.push(Some(Link {
                    user,
                    client,
                    permissions,
                    doc,
                }));
                let known = &model.links;
                let _ = model
                    .link_index
                    .insert(key, i as u32, |s| link_key(known, s));
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
                me.email(&doc)?;
                let permissions = me.permissions(&doc)?;
                model.invites.push(Invite {
                    client_id,
                    permissions,
                    source: InviteSource::State(doc),
                });
                Ok(())
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
            format!("the string \"{}\"", shown_name(&s))
        }
        other => other.article().into(),
    }
}
