//! The integration tests, linked into one binary. Linked one per file, each test
//! executable carried the whole server (over a gigabyte apiece in a dev build), so
//! sixteen of them cost minutes of linking and tens of gigabytes of disk.

mod common;

mod admin_scope;
mod auth;
mod cli;
mod consent;
mod contacts;
mod crash;
mod data_managers;
mod dms_api;
mod erasure;
mod fields;
mod http_layer;
mod import;
mod mutation_review;
mod mutations;
mod outage;
mod outbox;
mod portal;
mod portal_links;
mod portal_log;
mod runs;
mod same_origin;
mod seed;
mod subscription_types;
mod unsubscribe;
mod webhook;
