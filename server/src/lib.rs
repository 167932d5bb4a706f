//! The Datacheck server: configuration, HTTP start-up and the command line. Product
//! logic lives in the `app` crate's `server` module; this crate wires it together.

pub mod cli;
pub mod config;
pub mod contact_export;
pub mod customer_page;
pub mod dms_api;
pub mod dms_consent;
pub mod dms_mutations;
pub mod import_upload;
pub mod mutation_export;
pub mod page_policy;
pub mod portal_post;
pub mod preferences_post;
pub mod same_origin;
pub mod startup;
pub mod webhook;
