//! Datacheck's backend: the state, the database (`db/`) and every feature's rules that
//! run on the server only. It knows no views and no HTTP request: the app's server
//! functions, the customer pages' form posts and the DMS API call into it with who is
//! asking, and it answers with the wire types of `datacheck_core`.

pub mod admin;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod consent;
pub mod contacts;
pub mod data_request;
pub mod db;
pub mod error;
pub mod fields;
pub mod import;
pub mod jobs;
pub mod local_time;
pub mod mail;
pub mod mutations;
pub mod password;
pub mod plausible;
pub mod portal;
pub mod preferences;
pub mod runs;
pub mod scope;
pub mod state;
pub mod throttle;
pub mod webhooks;

pub use error::{Error, Result};
pub use state::{AppState, DeployEnv, Settings};
