//! The Datacheck server binary: the command line (`cli`), its configuration (`config`),
//! start-up and shutdown (`serve`), the HTTP face of the staff app and the customer
//! pages (`http`), and the DMS API (`dms`). Product rules live in the `backend` crate,
//! pages in `app`; this crate wires them to the network.

pub mod cli;
pub mod config;
pub mod dms;
pub mod http;
pub mod serve;
