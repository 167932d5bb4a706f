//! What the browser and the server both know about Datacheck, and nothing else: parsed
//! domain values (`domain`), the serde types that cross the wire (`wire`) and the error
//! that crosses it (`error`). No views and no database: the UI, the backend and the
//! DMS API all build on this crate, and it builds on none of them.

pub mod closed;
pub mod display;
pub mod domain;
pub mod error;
pub mod rules;
pub mod wire;
pub mod words;

// The database's text encoding of core's closed sets, for the backend's queries.
#[cfg(feature = "sqlx")]
mod stored {
    use crate::domain::FieldType;
    use crate::wire::mutations::{AnswerKind, AnswerSource, MutationStatus, Section};
    use crate::wire::{
        ConsentSource, ConsentState, ContactKind, FieldRule, ImportStatus, LegalBasis, RunStatus,
        StaffRole,
    };

    crate::stored_as_text!(
        AnswerKind,
        AnswerSource,
        ConsentSource,
        ConsentState,
        ContactKind,
        FieldRule,
        FieldType,
        ImportStatus,
        LegalBasis,
        MutationStatus,
        RunStatus,
        Section,
        StaffRole,
    );
}
