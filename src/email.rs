//! The email rules every command shares: when an address is valid, and
//! when two addresses match.

/// Longest email address accepted, in code points.
pub const MAX_EMAIL_CHARS: usize = 254;

/// Whether an (already PHP-trimmed) email address is valid: one `@`, a
/// non-empty local part, a dotted domain with no empty label, no Unicode
/// whitespace, at most 254 code points.
///
/// ```
/// use whmcs_permissions::is_plausible_email;
/// assert!(is_plausible_email("c@example.com"));
/// assert!(!is_plausible_email("c@example"));
/// assert!(!is_plausible_email("c@example..com"));
/// assert!(!is_plausible_email("c d@example.com"));
/// ```
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !email.chars().any(char::is_whitespace)
        && email.chars().count() <= MAX_EMAIL_CHARS
}

/// The form two texts are compared in: the whole string's full Unicode
/// lowercase (as JavaScript's `toLowerCase`: a final capital sigma lowers
/// by context, `ß` stays `ß`). Two emails *match* when their keys are equal;
/// GetUsers' search is a prefix of a key. Storage backends index this key.
///
/// ```
/// use whmcs_permissions::match_key;
/// assert_eq!(match_key("ÄNNE@Example.COM"), "änne@example.com");
/// assert_eq!(match_key("ΟΔΟΣ@X.GR"), "οδος@x.gr");
/// ```
pub fn match_key(text: &str) -> String {
    crate::lowercase::to_lowercase(text)
}
