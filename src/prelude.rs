//! What std's prelude holds, taken from `alloc`, so that every module reads
//! the same with and without `std` (`use crate::prelude::*;`).

#[allow(unused_imports)]
pub(crate) use alloc::{
    borrow::ToOwned,
    boxed::Box,
    format,
    string::{String, ToString},
    vec,
    vec::Vec,
};
