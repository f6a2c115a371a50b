//! `GetPermissionsList`: the 13 permission names in canonical order.

use crate::response::Response;
use crate::vocabulary::PermissionSet;

/// `{"result":"success","permissions":{"permission":[the 13]}}`.
///
/// (The WHMCS docs' example shows `"status"`; real responses use `"result"`.)
pub fn get_permissions_list() -> Response {
    Response::Permissions(PermissionSet::ALL)
}
