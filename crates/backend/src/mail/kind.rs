//! What a queued mail is, and where it stands: stored in `outbox_mail` as text.

use datacheck_core::closed_set;

/// Why a mail is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// A run's first mail to a recipient.
    Invitation,
    /// A run's reminder to those who have not answered.
    Reminder,
    /// A wizard's test mail to the staff user themself.
    Test,
    /// A new link for a customer whose link ran out.
    FreshLink,
}

closed_set!(MailKind {
    Invitation => "invitation",
    Reminder => "reminder",
    Test => "test",
    FreshLink => "fresh_link",
});

/// Where a queued mail stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailStatus {
    Queued,
    Sent,
    /// Given up on: refused for good, or out of attempts.
    Failed,
    /// Never to go out: its run was cancelled, or its link revoked.
    Cancelled,
}

closed_set!(MailStatus {
    Queued => "queued",
    Sent => "sent",
    Failed => "failed",
    Cancelled => "cancelled",
});

datacheck_core::stored_as_text!(MailKind, MailStatus);

impl std::fmt::Display for MailKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
