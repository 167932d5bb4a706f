//! Server functions by area. Each checks who is asking (`require_staff`/`require_admin`)
//! before anything else, and validates its input itself: the client's checks are a
//! convenience, never a guarantee.

pub mod admin;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod caller;
pub mod contacts;
pub mod dev_mailbox;
pub mod fields;
pub mod import;
pub mod mutations;
pub mod runs;
pub mod subscriptions;
