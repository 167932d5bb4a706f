//! What the browser and the server both know about Datacheck, and nothing else: parsed
//! domain values (`domain`), the serde types that cross the wire (`wire`) and the error
//! that crosses it (`error`). No views and no database: the UI, the backend and the
//! DMS API all build on this crate, and it builds on none of them.

pub mod display;
pub mod domain;
pub mod error;
pub mod wire;
pub mod words;
