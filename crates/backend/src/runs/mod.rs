//! Data check runs: the wizard's drafts (each step checked and saved), issuing links and
//! queueing mails when a run is sent, reminders, cancelling, and what the overview and
//! the run page show. Mail content and delivery are `server::mail`'s job.
//!
//! Every step is checked here whatever the browser checked, and sending checks every
//! step again: a draft saved before the catalogue or the register changed cannot send
//! something the wizard would now refuse.

use crate::Error;
use crate::audit::{self, Actor};
use crate::auth::Staff;
use crate::db::{self, contact::ListFilter, run_recipient::Selection};
use crate::mail::{MailKind, MailStatus};
use crate::{AppState, Settings, local_time, mail};
use datacheck_core::domain::{CustomerNo, Email, MailValues, Template, Text, normalize};
use datacheck_core::error::{AppError, FieldMessage};
use datacheck_core::wire::mutations::AnswerKind;
use datacheck_core::wire::{
    CompanyId, CompanyRef, FieldDef, FieldRule, FieldRuleRow, MailPreview, MailTemplate,
    PreviewContact, RecipientFilter, RecipientSummary, ReminderTemplates, ReminderWording,
    RunDefaults, RunDraft, RunId, RunProgress, RunTemplates, UnreachableContact, display_name,
};
use datacheck_core::wire::{RunPhase, RunStatus};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Links live at most this long after they were issued (SPEC §4).
pub const LINK_LIFETIME_DAYS: i64 = 8;
/// A list of customer numbers holds at most this many.
pub const LIST_MAX: usize = 100_000;

mod config;
mod dates;
mod draft;
mod field_rules;
mod message;
mod overview;
mod planned;
mod recipients;
mod send;

pub use config::*;
pub use dates::*;
pub use draft::*;
pub use field_rules::*;
pub use message::*;
pub use overview::*;
pub use planned::*;
pub use recipients::*;
pub use send::*;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn links_die_at_the_end_of_the_valid_to_day_in_the_organisations_zone() {
        let s = Settings::for_unit_tests();
        // Summer time: the day ends at 22:00 UTC.
        assert_eq!(
            end_of_day(&s, date!(2026 - 07 - 01)).unwrap(),
            datetime!(2026-07-01 22:00 UTC)
        );
        // Winter time: at 23:00 UTC.
        assert_eq!(
            end_of_day(&s, date!(2026 - 12 - 01)).unwrap(),
            datetime!(2026-12-01 23:00 UTC)
        );
        // The day clocks go back (25 hours long) still ends at local midnight.
        assert_eq!(
            end_of_day(&s, date!(2026 - 10 - 25)).unwrap(),
            datetime!(2026-10-25 23:00 UTC)
        );
    }

    #[test]
    fn links_never_live_longer_than_eight_days() {
        let s = Settings::for_unit_tests();
        let now = datetime!(2026-11-23 12:00 UTC);
        assert_eq!(
            link_expiry(&s, date!(2026 - 11 - 25), now).unwrap(),
            datetime!(2026-11-25 23:00 UTC)
        );
        assert_eq!(
            link_expiry(&s, date!(2026 - 12 - 31), now).unwrap(),
            datetime!(2026-12-01 12:00 UTC)
        );
    }

    #[test]
    fn a_token_issued_for_a_run_opens_until_one_second_before_its_expiry() {
        let s = Settings::for_unit_tests();
        let now = datetime!(2026-11-23 12:00 UTC);
        let exp = link_expiry(&s, date!(2026 - 11 - 25), now).unwrap();
        let link = mail::portal_link(&s, 7, exp);
        let token = link.rsplit('/').next().unwrap();
        let open = |at: OffsetDateTime| {
            s.link_keys
                .open(link_token::Purpose::Portal, token, at.unix_timestamp())
        };
        assert_eq!(open(exp - time::Duration::seconds(1)).unwrap().subject, 7);
        assert!(matches!(
            open(exp + time::Duration::seconds(1)),
            Err(link_token::OpenError::Expired(_))
        ));
    }

    #[test]
    fn customer_number_lists_accept_lines_commas_and_quotes_and_drop_duplicates() {
        assert_eq!(
            parse_customer_numbers("K1\r\nK2, K3;\"K4\"\n\nK1\tK5").unwrap(),
            vec!["K1", "K2", "K3", "K4", "K5"]
        );
        assert!(parse_customer_numbers(" \n ").is_err());
    }
}
