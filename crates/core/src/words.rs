//! The customer's words that the backend keeps or shows but does not own: the lines of a
//! review, and the consent statements an answer keeps as its proof. The UI owns the
//! translations (`app/locales`); it supplies them through this trait, so the backend
//! says the same as the page without depending on it.

use crate::wire::{Change, ChangeLine, PortalView};

pub trait CustomerWords: Send + Sync {
    /// The review's lines for a set of changes, in the view's language.
    fn change_lines(&self, view: &PortalView, changes: &[Change]) -> Vec<ChangeLine>;
    /// The consent statement as the customer page shows it, its legend first.
    fn consent_statement(&self, language: &str, company: &str) -> String;
    /// What a one-click unsubscribe tells the customer it did.
    fn unsubscribed_statement(&self, language: &str) -> String;
}
