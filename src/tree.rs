//! Responses, change records and read plans as host values, built
//! directly: the same trees their `serde::Serialize` impls describe (key
//! order included; the unit tests compare the two), without a serde
//! serializer in the WebAssembly binary.
//!
//! `wasm.rs` implements [`Tree`] for `JsValue`; the tests implement it for
//! `serde_json::Value`.

use crate::prelude::*;

use crate::commands::{LinkKey, MemberQuery, ReadPlan, UsersQuery};
use crate::response::{Change, ClientRef, NewUser, Response, UserFields, UserSummary};
use crate::text::u64_text;
use crate::vocabulary::PermissionSet;

/// A host value under construction: the shapes JSON has.
pub(crate) trait Tree: Sized {
    fn null() -> Self;
    fn bool(b: bool) -> Self;
    /// A count or an id (at most 2^53-1, so exact as a JS number).
    fn number(n: u64) -> Self;
    fn string(s: &str) -> Self;
    /// One of the crate's own words (a result, an op, a permission name):
    /// the same as [`Tree::string`], which a host may make once and reuse.
    fn name(s: &'static str) -> Self {
        Self::string(s)
    }
    fn array(items: Vec<Self>) -> Self;
    /// A new empty object.
    fn object() -> Self;
    /// Appends a key to an object this module made.
    fn set(&mut self, key: &'static str, value: Self);

    /// `self` with one more key (for building objects in one expression).
    fn with(mut self, key: &'static str, value: Self) -> Self {
        self.set(key, value);
        self
    }
}

/// A value that becomes a [`Tree`].
pub(crate) trait ToTree {
    fn to_tree<T: Tree>(&self) -> T;
}

impl<V: ToTree> ToTree for [V] {
    fn to_tree<T: Tree>(&self) -> T {
        T::array(self.iter().map(ToTree::to_tree).collect())
    }
}

impl<V: ToTree> ToTree for Vec<V> {
    fn to_tree<T: Tree>(&self) -> T {
        self.as_slice().to_tree()
    }
}

impl<V: ToTree> ToTree for Option<V> {
    fn to_tree<T: Tree>(&self) -> T {
        self.as_ref().map_or_else(T::null, ToTree::to_tree)
    }
}

impl ToTree for u64 {
    fn to_tree<T: Tree>(&self) -> T {
        T::number(*self)
    }
}

impl ToTree for String {
    fn to_tree<T: Tree>(&self) -> T {
        T::string(self)
    }
}

impl ToTree for &str {
    fn to_tree<T: Tree>(&self) -> T {
        T::string(self)
    }
}

impl ToTree for PermissionSet {
    fn to_tree<T: Tree>(&self) -> T {
        T::array(self.names().map(T::name).collect())
    }
}

/// `{"result": result}`, the start of every response.
fn result<T: Tree>(result: &'static str) -> T {
    T::object().with("result", T::name(result))
}

impl ToTree for Response {
    fn to_tree<T: Tree>(&self) -> T {
        match self {
            Response::Success => result("success"),
            Response::Permissions(set) => result::<T>("success")
                .with("permissions", T::object().with("permission", set.to_tree())),
            Response::UserId(id) => {
                result::<T>("success").with("user_id", T::string(&u64_text(*id)))
            }
            Response::Users(page) => result::<T>("success")
                .with("totalresults", T::number(page.total))
                .with("startnumber", T::number(page.start))
                .with("numreturned", T::number(page.users.len() as u64))
                .with("users", page.users.to_tree()),
            Response::Error(message) => result::<T>("error").with("message", T::string(message)),
        }
    }
}

impl ToTree for UserSummary {
    fn to_tree<T: Tree>(&self) -> T {
        T::object()
            .with("id", T::number(self.id))
            .with("firstname", T::string(&self.firstname))
            .with("lastname", T::string(&self.lastname))
            .with("email", T::string(&self.email))
            .with("datecreated", T::string(&self.datecreated))
            .with("validationdata", T::string(&self.validationdata))
            .with("clients", self.clients.to_tree())
    }
}

impl ToTree for ClientRef {
    fn to_tree<T: Tree>(&self) -> T {
        T::object()
            .with("id", T::number(self.id))
            .with("isOwner", T::bool(self.is_owner))
    }
}

/// `{"op": op, "user_id": user_id}`, the start of most change records.
fn op<T: Tree>(op: &'static str, key: &'static str, id: u64) -> T {
    T::object().with("op", T::name(op)).with(key, T::number(id))
}

impl ToTree for Change {
    fn to_tree<T: Tree>(&self) -> T {
        match self {
            Change::SetPermissions {
                user_id,
                client_id,
                before,
                after,
            } => op::<T>("set_permissions", "user_id", *user_id)
                .with("client_id", T::number(*client_id))
                .with("before", before.to_tree())
                .with("after", after.to_tree()),
            Change::RemoveLink {
                user_id,
                client_id,
                before,
            } => op::<T>("remove_link", "user_id", *user_id)
                .with("client_id", T::number(*client_id))
                .with("before", before.to_tree()),
            Change::AddInvite {
                client_id,
                email,
                permissions,
            } => op::<T>("add_invite", "client_id", *client_id)
                .with("email", T::string(email))
                .with("permissions", permissions.to_tree()),
            Change::AddUser { user_id, user } => {
                op::<T>("add_user", "user_id", *user_id).with("user", user.to_tree())
            }
            Change::UpdateUser {
                user_id,
                before,
                after,
            } => op::<T>("update_user", "user_id", *user_id)
                .with("before", before.to_tree())
                .with("after", after.to_tree()),
            Change::ResetPassword { user_id } => op("reset_password", "user_id", *user_id),
        }
    }
}

impl ToTree for NewUser {
    fn to_tree<T: Tree>(&self) -> T {
        let mut user = T::object()
            .with("id", T::number(self.id))
            .with("firstname", T::string(&self.firstname))
            .with("lastname", T::string(&self.lastname))
            .with("email", T::string(&self.email));
        if let Some(language) = &self.language {
            user.set("language", T::string(language));
        }
        user
    }
}

impl ToTree for UserFields {
    fn to_tree<T: Tree>(&self) -> T {
        let mut fields = T::object();
        for (field, value) in &self.0 {
            fields.set(field.name(), value.to_tree());
        }
        fields
    }
}

impl ToTree for ReadPlan {
    fn to_tree<T: Tree>(&self) -> T {
        T::object()
            .with("command", self.command.to_tree())
            .with("writes", T::bool(self.writes))
            .with("users", self.users.to_tree())
            .with("clients", self.clients.to_tree())
            .with("links", self.links.to_tree())
            .with("members_with_email", self.members_with_email.to_tree())
            .with("users_with_email", self.users_with_email.to_tree())
            .with("max_user_id", T::bool(self.max_user_id))
            .with("users_page", self.users_page.to_tree())
    }
}

impl ToTree for LinkKey {
    fn to_tree<T: Tree>(&self) -> T {
        T::object()
            .with("user_id", T::number(self.user_id))
            .with("client_id", T::number(self.client_id))
    }
}

impl ToTree for MemberQuery {
    fn to_tree<T: Tree>(&self) -> T {
        T::object()
            .with("client_id", T::number(self.client_id))
            .with("email_key", T::string(&self.email_key))
    }
}

impl ToTree for UsersQuery {
    fn to_tree<T: Tree>(&self) -> T {
        T::object()
            .with("start", T::number(self.start))
            .with("limit", T::number(self.limit))
            .with("descending", T::bool(self.descending))
            .with("search", self.search.to_tree())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::UserField;
    use crate::vocabulary::PermissionSet;
    use serde_json::Value;

    impl Tree for Value {
        fn null() -> Self {
            Value::Null
        }
        fn bool(b: bool) -> Self {
            Value::Bool(b)
        }
        fn number(n: u64) -> Self {
            Value::from(n)
        }
        fn string(s: &str) -> Self {
            Value::from(s)
        }
        fn array(items: Vec<Self>) -> Self {
            Value::Array(items)
        }
        fn object() -> Self {
            Value::Object(serde_json::Map::new())
        }
        fn set(&mut self, key: &'static str, value: Self) {
            if let Value::Object(map) = self {
                map.insert(key.into(), value);
            }
        }
    }

    /// The tree, as JSON text, is the serde serialisation, byte for byte.
    fn same<V: ToTree + serde::Serialize>(v: V) {
        let tree: Value = v.to_tree();
        assert_eq!(
            serde_json::to_string(&tree).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }

    #[test]
    fn trees_are_the_serde_serialisation() {
        let set = PermissionSet::from_bits(0b1_0000_0000_0101);
        same(vec![
            Response::Success,
            Response::Permissions(set),
            Response::UserId(9_007_199_254_740_991),
            Response::error("Invalid user id"),
            Response::Users(crate::response::UsersPage {
                total: 3,
                start: 1,
                users: vec![UserSummary {
                    id: 2,
                    firstname: "Ana".into(),
                    lastname: "".into(),
                    email: "a@b.co".into(),
                    datecreated: "x".into(),
                    validationdata: "".into(),
                    clients: vec![
                        ClientRef {
                            id: 1,
                            is_owner: true,
                        },
                        ClientRef {
                            id: 4,
                            is_owner: false,
                        },
                    ],
                }],
            }),
        ]);
        let user = |language: Option<&str>| NewUser {
            id: 7,
            firstname: "A".into(),
            lastname: "B".into(),
            email: "a@b.co".into(),
            language: language.map(Into::into),
        };
        same(vec![
            Change::SetPermissions {
                user_id: 2,
                client_id: 1,
                before: PermissionSet::EMPTY,
                after: set,
            },
            Change::RemoveLink {
                user_id: 2,
                client_id: 1,
                before: set,
            },
            Change::AddInvite {
                client_id: 1,
                email: "x@y.z".into(),
                permissions: set,
            },
            Change::AddUser {
                user_id: 7,
                user: user(None),
            },
            Change::AddUser {
                user_id: 7,
                user: user(Some("en")),
            },
            Change::UpdateUser {
                user_id: 3,
                before: UserFields(vec![
                    (UserField::Lastname, None),
                    (UserField::Email, Some("a".into())),
                ]),
                after: UserFields(vec![
                    (UserField::Lastname, Some("L".into())),
                    (UserField::Email, Some("b".into())),
                ]),
            },
            Change::ResetPassword { user_id: 5 },
        ]);
        same(ReadPlan::default());
        same(ReadPlan {
            command: Some("GetUsers"),
            writes: true,
            users: vec![1, 2],
            clients: vec![3],
            links: vec![LinkKey {
                user_id: 1,
                client_id: 3,
            }],
            members_with_email: vec![MemberQuery {
                client_id: 3,
                email_key: "k".into(),
            }],
            users_with_email: vec!["e".into()],
            max_user_id: true,
            users_page: Some(UsersQuery {
                start: 0,
                limit: 25,
                descending: true,
                search: Some("s".into()),
            }),
        });
        same(ReadPlan {
            users_page: Some(UsersQuery {
                start: 1,
                limit: 2,
                descending: false,
                search: None,
            }),
            ..ReadPlan::default()
        });
    }
}
