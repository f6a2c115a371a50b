//! `GetPermissionsList`: the 13 permission names in canonical order.

use crate::response::Response;
use crate::vocabulary::PermissionSet;

/// `{"result":"success","permissions":{"permission":[the 13]}}`.
///
/// (The WHMCS docs' example shows `"status"`; real responses use `"result"`.)
///
/// ```
/// let r = whmcs_permissions::get_permissions_list();
/// assert!(serde_json::to_string(&r).unwrap().starts_with(r#"{"result":"success","permissions":{"permission":["profile","#));
/// ```
pub fn get_permissions_list() -> Response {
    Response::Permissions(PermissionSet::ALL)
}
