//! A model back as the host's state: a new object in canonical form.

use crate::prelude::*;

use super::{InviteSource, Model};
use crate::doc::{Doc, HostError};
use crate::vocabulary::PermissionSet;

impl<D: Doc> Model<D> {
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

/// A permission set as a host array of names, canonical order.
fn permissions_doc<D: Doc>(set: PermissionSet) -> D {
    D::new_array(set.names().map(D::from_str).collect())
}
