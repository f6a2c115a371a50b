//! The state model: users, clients with their owner, user-client links and
//! invites, indexed for O(1) lookups, and the changes commands make to it.
//!
//! [`validate`] reads a host state into a model (whole and eager, with
//! paths in its errors); [`render`] turns a model back into a host state.
//! A model keeps a handle to every record, so a returned state carries
//! unknown fields untouched.

use crate::prelude::*;

mod index;
mod render;
pub(crate) mod validate;

use core::cell::OnceCell;

use crate::doc::Doc;
use crate::email::match_key;
use crate::vocabulary::PermissionSet;
use index::{link_hash, Groups, HashMulti, SlotIndex};

pub(crate) use index::{hash_text, sort_keyed};

pub use validate::{StateError, StateErrorKind};

/// A user (`tblusers`). Text fields are read from `doc` when a command
/// needs them: most calls never do, and decoding every user's email on
/// every call would cost more than the rest of validation.
#[derive(Clone, Debug)]
pub(crate) struct User<D> {
    pub id: u64,
    pub doc: D,
}

impl<D: Doc> User<D> {
    /// A text field (validated to be a string when present).
    pub fn text(&self, field: &str) -> Option<String> {
        self.doc
            .get(field)
            .ok()
            .flatten()
            .and_then(|v| v.as_string())
    }

    pub fn email(&self) -> Option<String> {
        self.text("email")
    }
}

/// A client account (`tblclients`) and the user who owns it.
#[derive(Clone, Debug)]
pub(crate) struct Client<D> {
    pub id: u64,
    pub owner_user_id: u64,
    pub doc: D,
}

/// A user's access to a client (`tblusers_clients`). `user` and `client`
/// are indexes into [`Model::users`] and [`Model::clients`].
#[derive(Clone, Debug)]
pub(crate) struct Link<D> {
    pub user: u32,
    pub client: u32,
    pub permissions: PermissionSet,
    pub doc: D,
}

/// A pending invitation for an email address to a client.
#[derive(Clone, Debug)]
pub(crate) struct Invite<D> {
    pub client_id: u64,
    pub permissions: PermissionSet,
    /// The host's record, or the email of an invite this crate created.
    pub source: InviteSource<D>,
}

/// Where an invite came from.
#[derive(Clone, Debug)]
pub(crate) enum InviteSource<D> {
    /// A record of the host's state.
    State(D),
    /// Created by `CreateClientInvite`, with this (trimmed) email.
    Created(String),
}

/// Who a user is to a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    Owner,
    Linked(PermissionSet),
    None,
}

/// How to undo one change to a [`Model`] (the store keeps a journal of
/// these while a batch runs).
#[derive(Clone, Debug)]
pub(crate) enum Undo<D> {
    Permissions { slot: usize, before: PermissionSet },
    Link { slot: usize, link: Link<D> },
    Invite,
    AddUser { max_id: u64 },
    UpdateUser { slot: usize, doc: D },
}

/// Indexes only some commands need, built on first use and kept up to date
/// by the changes that follow.
#[derive(Clone, Debug, Default)]
struct Lazy {
    /// `match_key(email)` hash → user slots.
    emails: OnceCell<HashMulti>,
    /// User slots in ascending id order.
    by_id: OnceCell<Vec<u32>>,
    /// User slot → its link slots, and the client slots it owns.
    memberships: OnceCell<(Groups, Groups)>,
}

/// A validated state, indexed for O(1) lookups.
///
/// Removed links leave a `None` behind so indexes stay valid and untouched
/// records keep their order.
#[derive(Clone, Debug)]
pub(crate) struct Model<D> {
    pub root: D,
    pub users: Vec<User<D>>,
    pub clients: Vec<Client<D>>,
    pub links: Vec<Option<Link<D>>>,
    pub invites: Vec<Invite<D>>,
    /// The largest user id or `owner_user_id` (0 when there is none).
    pub max_id: u64,
    /// `id` → slot in `users`.
    user_index: SlotIndex,
    /// `id` → slot in `clients`.
    client_index: SlotIndex,
    /// (user id, client id) → slot in `links`, filed under `link_hash` of
    /// the ids: a link is found without looking up its user or client first.
    link_index: SlotIndex,
    lazy: Lazy,
}

impl<D: Doc> Model<D> {
    /// Validates a whole state (SPEC section 7 order) and indexes it.
    pub fn from_doc(state: &D) -> Result<Model<D>, StateError> {
        validate::read_state(state)
    }

    fn empty(root: D) -> Model<D> {
        Model {
            root,
            users: Vec::new(),
            clients: Vec::new(),
            links: Vec::new(),
            invites: Vec::new(),
            max_id: 0,
            user_index: SlotIndex::default(),
            client_index: SlotIndex::default(),
            link_index: SlotIndex::default(),
            lazy: Lazy::default(),
        }
    }

    fn user_slot(&self, id: u64) -> Option<u32> {
        let users = &self.users;
        self.user_index.get(id, |s| id_at(users, s))
    }

    fn client_slot(&self, id: u64) -> Option<u32> {
        let clients = &self.clients;
        self.client_index
            .get(id, |s| clients.get(s as usize).map_or(u64::MAX, |c| c.id))
    }

    /// The position of a user in `users`.
    pub fn user_position(&self, id: u64) -> Option<usize> {
        self.user_slot(id).map(|s| s as usize)
    }

    pub fn user(&self, id: u64) -> Option<&User<D>> {
        self.user_slot(id).and_then(|i| self.users.get(i as usize))
    }

    pub fn client(&self, id: u64) -> Option<&Client<D>> {
        self.client_slot(id)
            .and_then(|i| self.clients.get(i as usize))
    }

    /// The index in `links` of the link between two ids.
    fn link_slot(&self, user_id: u64, client_id: u64) -> Option<usize> {
        self.link_index
            .get_hashed(link_hash(user_id, client_id), |s| {
                self.link_ids_at(s) == Some((user_id, client_id))
            })
            .map(|i| i as usize)
    }

    /// The (user id, client id) of the live link in `slot`.
    fn link_ids_at(&self, slot: u32) -> Option<(u64, u64)> {
        ids_at(&self.users, &self.clients, &self.links, slot)
    }

    /// Files the link in `slot` (already in `links`) under its ids, which
    /// no other link joins.
    pub(super) fn index_link(&mut self, slot: u32, user_id: u64, client_id: u64) {
        let (users, clients, links) = (&self.users, &self.clients, &self.links);
        self.link_index
            .insert_new(link_hash(user_id, client_id), slot, &|s| {
                ids_at(users, clients, links, s).map_or(0, |(u, c)| link_hash(u, c))
            });
    }

    pub fn link(&self, user_id: u64, client_id: u64) -> Option<&Link<D>> {
        self.links
            .get(self.link_slot(user_id, client_id)?)?
            .as_ref()
    }

    /// How `user_id` relates to `client_id`.
    pub fn relation(&self, user_id: u64, client_id: u64) -> Relation {
        self.link_relation(user_id, client_id)
            .unwrap_or_else(|| match self.client(client_id) {
                Some(c) if c.owner_user_id == user_id => Relation::Owner,
                _ => Relation::None,
            })
    }

    /// How `user_id` relates to `client_id` when a link joins them (`None`
    /// when none does). Found, the link's client record is the one to ask
    /// about the owner: a linked pair costs one table and three records.
    pub fn link_relation(&self, user_id: u64, client_id: u64) -> Option<Relation> {
        let link = self.link(user_id, client_id)?;
        Some(match self.clients.get(link.client as usize) {
            Some(c) if c.owner_user_id == user_id => Relation::Owner,
            _ => Relation::Linked(link.permissions),
        })
    }

    /// The live links, in state order.
    pub fn links(&self) -> impl Iterator<Item = &Link<D>> {
        self.links.iter().flatten()
    }

    /// The ids a link joins.
    #[cfg(test)]
    pub fn link_ids(&self, link: &Link<D>) -> (u64, u64) {
        (
            self.users[link.user as usize].id,
            self.clients[link.client as usize].id,
        )
    }

    /// The users whose email matches `key` (a [`match_key`]), in `users`
    /// order. O(matches) after the first call on a model.
    pub fn users_with_email(&self, key: &str) -> Vec<&User<D>> {
        let emails = self.lazy.emails.get_or_init(|| {
            let mut index = HashMulti::with_capacity(self.users.len());
            for (slot, user) in self.users.iter().enumerate() {
                if let Some(email) = user.email() {
                    index.insert(hash_text(&match_key(&email)), slot as u32);
                }
            }
            index
        });
        emails
            .candidates(hash_text(key))
            .into_iter()
            .filter_map(|slot| self.users.get(slot as usize))
            .filter(|user| user.email().is_some_and(|e| match_key(&e) == key))
            .collect()
    }

    /// The slots of `users` in ascending id order. O(1) after the first call.
    pub fn id_order(&self) -> &[u32] {
        self.lazy.by_id.get_or_init(|| {
            let mut order: Vec<(u64, u32)> = (self.users.iter().enumerate())
                .map(|(slot, user)| (user.id, slot as u32))
                .collect();
            sort_keyed(&mut order);
            order.into_iter().map(|(_, slot)| slot).collect()
        })
    }

    /// Every client a user owns or is linked to, once each, by ascending
    /// client id, with whether the user owns it. O(the user's clients)
    /// after the first call.
    pub fn clients_of(&self, user_id: u64) -> Vec<(u64, bool)> {
        let Some(slot) = self.user_slot(user_id) else {
            return Vec::new();
        };
        let (links, owned) = self.lazy.memberships.get_or_init(|| {
            let users = self.users.len();
            let links = self
                .links
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.as_ref().map(|l| (l.user, i as u32)));
            let owned = self
                .clients
                .iter()
                .enumerate()
                .filter_map(|(i, c)| self.user_slot(c.owner_user_id).map(|u| (u, i as u32)));
            (Groups::build(users, links), Groups::build(users, owned))
        });
        // (client id, owned): each client once, so sorting the pairs sorts by id.
        let mut out: Vec<(u64, u32)> = owned
            .of(slot)
            .iter()
            .filter_map(|&c| Some((self.clients.get(c as usize)?.id, 1)))
            .collect();
        for &l in links.of(slot) {
            let link = self.links.get(l as usize).and_then(Option::as_ref);
            if let Some(client) = link.and_then(|link| self.clients.get(link.client as usize)) {
                if client.owner_user_id != user_id {
                    out.push((client.id, 0));
                }
            }
        }
        sort_keyed(&mut out);
        out.into_iter()
            .map(|(id, owned)| (id, owned == 1))
            .collect()
    }

    pub fn set_link_permissions(
        &mut self,
        user_id: u64,
        client_id: u64,
        set: PermissionSet,
    ) -> Option<Undo<D>> {
        let slot = self.link_slot(user_id, client_id)?;
        let link = self.links.get_mut(slot)?.as_mut()?;
        let before = core::mem::replace(&mut link.permissions, set);
        Some(Undo::Permissions { slot, before })
    }

    pub fn remove_link(&mut self, user_id: u64, client_id: u64) -> Option<Undo<D>> {
        let slot = self.link_slot(user_id, client_id)?;
        self.link_index
            .remove_slot(link_hash(user_id, client_id), slot as u32);
        let link = self.links.get_mut(slot)?.take()?;
        Some(Undo::Link { slot, link })
    }

    pub fn add_invite(
        &mut self,
        client_id: u64,
        email: String,
        permissions: PermissionSet,
    ) -> Undo<D> {
        self.invites.push(Invite {
            client_id,
            permissions,
            source: InviteSource::Created(email),
        });
        Undo::Invite
    }

    /// Appends a user record whose id is above every id in the model.
    pub fn add_user(&mut self, id: u64, doc: D) -> Undo<D> {
        let undo = Undo::AddUser {
            max_id: self.max_id,
        };
        let slot = self.users.len() as u32;
        self.users.push(User { id, doc });
        let users = &self.users;
        let _ = self.user_index.insert(id, slot, |s| id_at(users, s));
        self.max_id = self.max_id.max(id);
        if let Some(order) = self.lazy.by_id.get_mut() {
            order.push(slot); // the largest id so far: the order stays sorted
        }
        if let (Some(emails), Some(email)) = (
            self.lazy.emails.get_mut(),
            self.users.last().and_then(User::email),
        ) {
            emails.insert(hash_text(&match_key(&email)), slot);
        }
        undo
    }

    /// Replaces the record of the user at `slot` (its id unchanged).
    pub fn replace_user(&mut self, slot: usize, doc: D) -> Undo<D> {
        let old = core::mem::replace(&mut self.users[slot].doc, doc);
        self.reindex_email(slot, &old);
        Undo::UpdateUser { slot, doc: old }
    }

    /// Keeps the email index in step after `users[slot].doc` replaced `old`.
    fn reindex_email(&mut self, slot: usize, old: &D) {
        let Some(emails) = self.lazy.emails.get_mut() else {
            return;
        };
        let email_of = |doc: &D| doc.get("email").ok().flatten().and_then(|v| v.as_string());
        let before = email_of(old).map(|e| hash_text(&match_key(&e)));
        let after = (self.users.get(slot))
            .and_then(User::email)
            .map(|e| hash_text(&match_key(&e)));
        if before != after {
            if let Some(h) = before {
                emails.remove(h, slot as u32);
            }
            if let Some(h) = after {
                emails.insert(h, slot as u32);
            }
        }
    }

    /// Reverses one change (newest first, when there are several).
    pub fn undo(&mut self, undo: Undo<D>) {
        match undo {
            Undo::Permissions { slot, before } => {
                if let Some(Some(link)) = self.links.get_mut(slot) {
                    link.permissions = before;
                }
            }
            Undo::Link { slot, link } => {
                if let Some(entry) = self.links.get_mut(slot) {
                    *entry = Some(link);
                    if let Some((user_id, client_id)) = self.link_ids_at(slot as u32) {
                        self.index_link(slot as u32, user_id, client_id);
                    }
                }
            }
            Undo::Invite => {
                self.invites.pop();
            }
            Undo::AddUser { max_id } => {
                if let Some(user) = self.users.pop() {
                    let slot = self.users.len() as u32;
                    let users = &self.users;
                    // The popped slot is no longer in `users`: it keys as the popped id.
                    self.user_index
                        .remove(user.id, |s| users.get(s as usize).map_or(user.id, |u| u.id));
                    if let Some(order) = self.lazy.by_id.get_mut() {
                        // Its id is the largest, so it is last in id order:
                        // undoing costs O(1), not a scan of every user.
                        if order.last() == Some(&slot) {
                            order.pop();
                        } else {
                            order.retain(|&s| s != slot);
                        }
                    }
                    if let (Some(emails), Some(email)) = (self.lazy.emails.get_mut(), user.email())
                    {
                        emails.remove(hash_text(&match_key(&email)), slot);
                    }
                }
                self.max_id = max_id;
            }
            Undo::UpdateUser { slot, doc } => {
                let newer = core::mem::replace(&mut self.users[slot].doc, doc);
                self.reindex_email(slot, &newer);
            }
        }
    }
}

/// The id of the user in `slot` (`u64::MAX`, which no id equals, for a slot
/// out of range: slots are looked up with `get`, never indexed, so no bounds
/// check with its panic location is compiled in).
fn id_at<D>(users: &[User<D>], slot: u32) -> u64 {
    users.get(slot as usize).map_or(u64::MAX, |u| u.id)
}

/// The (user id, client id) of the live link in `slot`, read from the records it joins.
fn ids_at<D>(
    users: &[User<D>],
    clients: &[Client<D>],
    links: &[Option<Link<D>>],
    slot: u32,
) -> Option<(u64, u64)> {
    let link = links.get(slot as usize)?.as_ref()?;
    Some((
        users.get(link.user as usize)?.id,
        clients.get(link.client as usize)?.id,
    ))
}
