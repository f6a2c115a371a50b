//! The email rules every command shares: when an address is valid, and
//! when two addresses match.

use crate::prelude::*;

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
    // Bytes, not `str` searches: `@` and `.` are ASCII, and a label is
    // empty exactly where the domain starts or ends with `.` or holds `..`.
    let domain = domain.as_bytes();
    if local.is_empty()
        || domain.contains(&b'@')
        || !domain.contains(&b'.')
        || domain.first() == Some(&b'.')
        || domain.last() == Some(&b'.')
        || domain.windows(2).any(|pair| pair == b"..")
    {
        return false;
    }
    let mut chars = 0;
    for c in email.chars() {
        if c.is_whitespace() {
            return false;
        }
        chars += 1;
    }
    chars <= MAX_EMAIL_CHARS
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
