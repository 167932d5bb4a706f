//! Data check runs as the wizard edits them and the overview and run page show them.

use super::CompanyRef;
use serde::{Deserialize, Serialize};

/// Where a run stands, as stored. (Staff see its `RunPhase`.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Draft,
    Sending,
    Sent,
    Cancelled,
}

crate::closed_set!(RunStatus {
    Draft => "draft",
    Sending => "sending",
    Sent => "sent",
    Cancelled => "cancelled",
});

impl RunStatus {
    /// Sending has begun: the run's links exist.
    pub fn is_out(self) -> bool {
        matches!(self, RunStatus::Sending | RunStatus::Sent)
    }
}

/// Where a run stands as staff see it: its stored status, except that a run that went
/// out and whose links have all run out is expired (derived from the date, never stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    Draft,
    Sending,
    Sent,
    Expired,
    Cancelled,
}

crate::closed_set!(RunPhase {
    Draft => "draft",
    Sending => "sending",
    Sent => "sent",
    Expired => "expired",
    Cancelled => "cancelled",
});

impl RunPhase {
    /// The phase of a run with `status` whose links expire at `links_expire_at`, at `now`.
    pub fn of(
        status: RunStatus,
        links_expire_at: Option<time::OffsetDateTime>,
        now: time::OffsetDateTime,
    ) -> RunPhase {
        match (status, links_expire_at) {
            (s, Some(at)) if s.is_out() && now >= at => RunPhase::Expired,
            (RunStatus::Draft, _) => RunPhase::Draft,
            (RunStatus::Sending, _) => RunPhase::Sending,
            (RunStatus::Sent, _) => RunPhase::Sent,
            (RunStatus::Cancelled, _) => RunPhase::Cancelled,
        }
    }

    /// Its links still open, so reminders can go out.
    pub fn is_live(self) -> bool {
        matches!(self, RunPhase::Sending | RunPhase::Sent)
    }
}

super::id_type!(
    /// A data check run.
    RunId
);

/// Subject and body of the mail in one language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailTemplate {
    pub subject: String,
    pub body: String,
}

/// The run's mail in both languages; the recipient's language picks one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTemplates {
    pub nl: MailTemplate,
    pub en: MailTemplate,
    /// What reminders say differently (runs saved before reminders had their own
    /// wording have none: their reminders prefix the first mail's subject).
    #[serde(default)]
    pub reminder: ReminderTemplates,
}

/// A reminder's own wording in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderTemplates {
    pub nl: ReminderWording,
    pub en: ReminderWording,
}

/// A reminder's subject, and the line above the first mail's message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderWording {
    pub subject: String,
    pub opening: String,
}

impl RunTemplates {
    pub fn for_language(&self, language: &str) -> &MailTemplate {
        if language == "en" { &self.en } else { &self.nl }
    }

    /// The reminder as one template: its own subject (else the first mail's, marked
    /// as a reminder), and its opening line above the first mail's message.
    pub fn reminder_for(&self, language: &str) -> MailTemplate {
        let first = self.for_language(language);
        let own = if language == "en" {
            &self.reminder.en
        } else {
            &self.reminder.nl
        };
        let subject = if own.subject.trim().is_empty() {
            let prefix = if language == "en" {
                "Reminder"
            } else {
                "Herinnering"
            };
            format!("{prefix}: {}", first.subject)
        } else {
            own.subject.clone()
        };
        let body = if own.opening.trim().is_empty() {
            first.body.clone()
        } else {
            format!("{}\n\n{}", own.opening.trim(), first.body)
        };
        MailTemplate { subject, body }
    }

    /// What a new run starts with: a complete, friendly mail in both languages.
    pub fn starter() -> Self {
        RunTemplates {
            nl: MailTemplate {
                subject: "Kloppen uw gegevens bij <company> nog?".into(),
                body: "Beste <name>,\n\n\
                       Wij willen graag zeker weten dat wij de juiste gegevens van u hebben. \
                       Wilt u ze even nakijken? Het kost een minuut: u hoeft niet in te loggen.\n\n\
                       <link>\n\n\
                       De link is persoonlijk en werkt tot en met <valid_until>.\n\n\
                       Met vriendelijke groet,\n<company>"
                    .into(),
            },
            en: MailTemplate {
                subject: "Is your information at <company> still correct?".into(),
                body: "Dear <name>,\n\n\
                       We would like to make sure we have your correct details. \
                       Could you take a minute to check them? No login is needed.\n\n\
                       <link>\n\n\
                       The link is personal and works until <valid_until>.\n\n\
                       Kind regards,\n<company>"
                    .into(),
            },
            reminder: ReminderTemplates {
                nl: ReminderWording {
                    subject: "Herinnering: kloppen uw gegevens bij <company> nog?".into(),
                    opening: "Een paar dagen geleden vroegen wij u uw gegevens na te kijken. \
                              Heeft u dat nog niet gedaan? Het kan nog steeds."
                        .into(),
                },
                en: ReminderWording {
                    subject: "Reminder: is your information at <company> still correct?".into(),
                    opening: "A few days ago we asked you to check your details. \
                              Not done yet? There is still time."
                        .into(),
                },
            },
        }
    }
}

/// Who receives the run: contacts matching filters, or a list of customer numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientFilter {
    /// `person` or `organisation`.
    pub kind: Option<String>,
    pub city: Option<String>,
    /// Free text over name, customer number and e-mail address.
    pub q: Option<String>,
    /// Only contacts that confirmed nothing on or after this date (`YYYY-MM-DD`).
    pub confirmed_before: Option<String>,
}

/// What a customer may do with a field in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    Hidden,
    ReadOnly,
    Editable,
}

crate::closed_set!(FieldRule {
    Hidden => "hidden",
    ReadOnly => "read_only",
    Editable => "editable",
});

impl FieldRule {
    pub fn parse(s: &str) -> Option<FieldRule> {
        crate::closed::ClosedSet::from_stored(s)
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldRule::Hidden => "Hidden",
            FieldRule::ReadOnly => "Read-only",
            FieldRule::Editable => "Editable",
        }
    }
}

/// One catalogue field in the wizard's data-fields step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRuleRow {
    pub key: String,
    pub label: String,
    pub builtin: bool,
    pub rule: FieldRule,
    /// The most the catalogue allows (a field customers may not see is always hidden).
    pub max: FieldRule,
}

/// A run as the wizard edits it. Every step's values, as the forms show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDraft {
    pub id: RunId,
    pub status: RunStatus,
    /// The furthest step saved; the stepper lets staff go one beyond it.
    pub steps_done: i16,
    pub name: String,
    pub company: CompanyRef,
    /// `YYYY-MM-DD`
    pub valid_to: String,
    pub sender_name: String,
    pub sender_email: String,
    pub reply_to: String,
    /// `filter` or `list`
    pub recipient_mode: String,
    pub filter: RecipientFilter,
    /// The customer numbers of a list, one per line.
    pub recipient_list: String,
    pub templates: RunTemplates,
    pub fields: Vec<FieldRuleRow>,
    pub show_contact_persons: bool,
    pub show_notifications: bool,
    pub show_subscriptions: bool,
    /// The mail is marketing: contacts who withdrew e-marketing consent are left out.
    pub marketing: bool,
}

/// Defaults for a new run's first step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDefaults {
    pub companies: Vec<CompanyRef>,
    pub valid_to: String,
    pub sender_email: String,
    pub reply_to: String,
}

/// A contact that cannot receive the run's mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreachableContact {
    pub id: i64,
    pub customer_no: String,
    pub name: String,
    pub reason: String,
}

/// A contact the preview can be rendered for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewContact {
    pub id: i64,
    pub customer_no: String,
    pub name: String,
    pub language: String,
}

/// Who the run will reach, as the recipients and send steps show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientSummary {
    /// Contacts selected (reachable or not).
    pub selected: i64,
    /// Those with an e-mail address: the mails that will go out.
    pub reachable: i64,
    pub dutch: i64,
    pub english: i64,
    /// The first unreachable contacts (at most 100), and how many there are.
    pub unreachable: Vec<UnreachableContact>,
    pub unreachable_total: i64,
    /// Reachable contacts who withdrew e-marketing consent; left out when `marketing`.
    pub withdrawn: i64,
    pub marketing: bool,
    /// Listed customer numbers that are not in the company's register.
    pub unknown_numbers: Vec<String>,
    /// A few reachable contacts to preview the mail for.
    pub sample: Vec<PreviewContact>,
}

/// A rendered mail, as the preview shows it and the dev mailbox stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPreview {
    pub from: String,
    pub reply_to: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The HTML body's content (paragraphs), escaped.
    pub html: String,
}

/// Mails of a run by state: the progress bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunProgress {
    pub status: RunPhase,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl RunProgress {
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.failed + self.cancelled
    }

    pub fn done(&self) -> bool {
        self.queued == 0
    }
}

/// The runs overview's filters, as they sit in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunQuery {
    pub company: Option<i64>,
    /// draft, sending, sent, expired, cancelled
    pub status: Option<String>,
    pub q: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    pub id: RunId,
    pub name: String,
    pub company: String,
    pub status: RunPhase,
    pub sent_on: Option<String>,
    pub valid_to: String,
    pub recipients: i64,
    pub changed: i64,
    pub unchanged: i64,
    /// Responses per day since sending (at most 14 days), for the small chart.
    pub responses_per_day: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPage {
    pub rows: Vec<RunRow>,
    pub total: i64,
    pub next: Option<String>,
    pub prev: Option<String>,
}

/// A sent (or sending, or cancelled) run's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: RunId,
    pub name: String,
    pub company: CompanyRef,
    pub status: RunPhase,
    pub valid_to: String,
    pub sent_on: Option<String>,
    pub sent_by: Option<String>,
    pub links_expire: Option<String>,
    pub cancelled_on: Option<String>,
    pub progress: RunProgress,
    pub funnel: Funnel,
    /// Recipients a reminder would go to now (0 when reminders are not possible).
    pub remindable: i64,
    pub reminders_sent: i64,
    pub responses_per_day: Vec<i64>,
    /// Reminders planned when the run was sent, in order.
    pub planned: Vec<PlannedReminder>,
}

/// A reminder planned so many days after sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedReminder {
    pub id: i64,
    pub days_after: i16,
    /// When it is due, once the run is sent.
    pub due: Option<String>,
    /// When it went out, and to how many.
    pub done: Option<String>,
    pub queued: Option<i64>,
}

/// Sent → failed → opened → responded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub recipients: i64,
    pub sent: i64,
    pub failed: i64,
    pub opened: i64,
    pub responded: i64,
    pub changed: i64,
    pub unchanged: i64,
}

/// Where one recipient of a run stands, as the run page shows it: derived from their
/// link, their answer and their invitation mail, never stored as such.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientState {
    Queued,
    Sent,
    Failed,
    /// The run was cancelled before the mail went out.
    Cancelled,
    Opened,
    Changed,
    Unchanged,
    Revoked,
}

crate::closed_set!(RecipientState {
    Queued => "queued",
    Sent => "sent",
    Failed => "failed",
    Cancelled => "cancelled",
    Opened => "opened",
    Changed => "changed",
    Unchanged => "unchanged",
    Revoked => "revoked",
});

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecipientRow {
    pub id: i64,
    pub contact_id: i64,
    pub customer_no: String,
    pub name: String,
    pub email: String,
    pub language: String,
    pub state: RecipientState,
    pub detail: Option<String>,
    /// Whether a reminder can go to this recipient now (staff may tick them).
    pub remindable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecipientPage {
    pub rows: Vec<RunRecipientRow>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

/// The dev mailbox list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevMailRow {
    pub id: i64,
    pub received: String,
    pub to: String,
    pub subject: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevMail {
    pub id: i64,
    pub received: String,
    pub message_id: String,
    pub mail: MailPreview,
    /// Links found in the text part, to click.
    pub links: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_reminder_has_its_own_subject_and_opening_or_the_first_mails_marked() {
        let t = RunTemplates::starter();
        let r = t.reminder_for("en");
        assert_eq!(r.subject, t.reminder.en.subject);
        assert!(r.body.starts_with(&t.reminder.en.opening));
        assert!(r.body.ends_with(&t.en.body));
        // A run saved before reminders had their own wording reads as before.
        let json = serde_json::json!({ "nl": t.nl, "en": t.en });
        let old: RunTemplates = serde_json::from_value(json).unwrap();
        let r = old.reminder_for("nl");
        assert_eq!(r.subject, format!("Herinnering: {}", t.nl.subject));
        assert_eq!(r.body, t.nl.body);
    }

    #[test]
    fn a_run_that_went_out_is_expired_from_the_moment_its_links_die() {
        let at = datetime!(2026-12-01 23:00 UTC);
        let before = datetime!(2026-12-01 22:59:59 UTC);
        for (status, live) in [
            (RunStatus::Sending, RunPhase::Sending),
            (RunStatus::Sent, RunPhase::Sent),
        ] {
            assert_eq!(RunPhase::of(status, Some(at), before), live);
            assert_eq!(RunPhase::of(status, Some(at), at), RunPhase::Expired);
            assert!(live.is_live());
        }
        assert!(!RunPhase::Expired.is_live());
    }

    #[test]
    fn drafts_and_cancelled_runs_keep_their_status_whatever_the_date() {
        let at = datetime!(2026-12-01 23:00 UTC);
        let after = datetime!(2027-01-01 00:00 UTC);
        assert_eq!(RunPhase::of(RunStatus::Draft, None, after), RunPhase::Draft);
        assert_eq!(
            RunPhase::of(RunStatus::Cancelled, Some(at), after),
            RunPhase::Cancelled
        );
    }
}
