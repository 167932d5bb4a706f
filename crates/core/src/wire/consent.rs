//! Consent as staff and the preferences page see it: purposes with a legal basis and
//! a state, the history of changes, subscription types, and the preferences page.

use super::{ContactId, SubscriptionChoice};
use serde::{Deserialize, Serialize};

/// Why the organisation may process data for a purpose (GDPR art. 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    Consent,
    Contract,
    LegalObligation,
    LegitimateInterest,
    VitalInterest,
    PublicTask,
}

crate::closed_set!(LegalBasis {
    Consent => "consent",
    Contract => "contract",
    LegalObligation => "legal_obligation",
    LegitimateInterest => "legitimate_interest",
    VitalInterest => "vital_interest",
    PublicTask => "public_task",
});

impl LegalBasis {
    /// A basis as people type it (a CSV cell, an API field): any case, spaces or dashes.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        crate::closed::ClosedSet::from_stored(&s)
    }

    pub fn label(self) -> &'static str {
        match self {
            LegalBasis::Consent => "Consent",
            LegalBasis::Contract => "Contract",
            LegalBasis::LegalObligation => "Legal obligation",
            LegalBasis::LegitimateInterest => "Legitimate interest",
            LegalBasis::VitalInterest => "Vital interest",
            LegalBasis::PublicTask => "Public task",
        }
    }
}

/// Where a consent change came from (`consent_event.source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// A data check's customer page.
    Portal,
    Preferences,
    Staff,
    /// The DMS, through its API key.
    Api,
    /// One-click unsubscribe from a mail.
    Unsubscribe,
    /// A CSV import of the register.
    Import,
    /// The defaults the consent migration gave every contact.
    Migration,
}

crate::closed_set!(ConsentSource {
    Portal => "portal",
    Preferences => "preferences",
    Staff => "staff",
    Api => "api",
    Unsubscribe => "unsubscribe",
    Import => "import",
    Migration => "migration",
});

/// Where a person stands on a purpose that needs their say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    Given,
    None,
    Withdrawn,
}

crate::closed_set!(ConsentState {
    Given => "given",
    None => "none",
    Withdrawn => "withdrawn",
});

impl ConsentState {
    /// A state as people type it (a CSV cell, a form): also yes/no, ja/nee, empty.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "given" | "yes" | "ja" => Some(ConsentState::Given),
            "none" | "" => Some(ConsentState::None),
            "withdrawn" | "no" | "nee" => Some(ConsentState::Withdrawn),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConsentState::Given => "Given",
            ConsentState::None => "None",
            ConsentState::Withdrawn => "Withdrawn",
        }
    }
}

/// Whether marketing mail may go to someone: they consented, or the organisation
/// relies on legitimate interest and they have not objected.
pub fn may_market(basis: LegalBasis, state: ConsentState) -> bool {
    match state {
        ConsentState::Given => true,
        ConsentState::Withdrawn => false,
        ConsentState::None => basis == LegalBasis::LegitimateInterest,
    }
}

/// One purpose for one contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeState {
    pub key: String,
    pub name: String,
    pub legal_basis: LegalBasis,
    pub state: ConsentState,
    /// When the state last changed, in the organisation's time zone.
    pub changed: Option<String>,
}

/// One entry of a contact's consent history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentHistoryRow {
    pub id: i64,
    pub at: String,
    /// `e_marketing`, `sales_service` or `subscription:<key>`.
    pub purpose: String,
    /// The purpose or subscription type in words.
    pub purpose_name: String,
    pub legal_basis: LegalBasis,
    pub state: ConsentState,
    pub source: ConsentSource,
    pub actor: String,
    pub shown_text: String,
}

/// The consent card of the staff contact page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactConsent {
    pub contact: ContactId,
    pub purposes: Vec<PurposeState>,
    /// Every active subscription type, with whether the contact is subscribed.
    pub subscriptions: Vec<SubscriptionChoice>,
    pub may_market: bool,
    /// Newest first.
    pub history: Vec<ConsentHistoryRow>,
    /// Whether a preferences link is live (it can be revoked).
    pub live_link: bool,
}

/// A subscription type as admins manage it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionTypeRow {
    pub id: i64,
    pub key: String,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
    pub active: bool,
    pub position: i32,
    /// Contacts subscribed now.
    pub subscribers: i64,
}

/// The preferences page (`/p/{token}`): subscriptions and e-marketing consent only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreferencesState {
    Open(Box<PreferencesView>),
    Invalid,
    Throttled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferencesView {
    pub action: String,
    pub company: String,
    pub name: String,
    pub language: String,
    pub types: Vec<SubscriptionChoice>,
    /// `given`, `withdrawn` or `none`.
    pub consent: String,
    pub submission_key: String,
    /// What the last POST did, shown once above the form.
    pub saved: Option<PreferencesSaved>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreferencesSaved {
    Saved,
    Nothing,
    UnsubscribedAll,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legitimate_interest_allows_marketing_until_objection() {
        use ConsentState::*;
        use LegalBasis::*;
        assert!(may_market(LegitimateInterest, None));
        assert!(!may_market(LegitimateInterest, Withdrawn));
        assert!(!may_market(Consent, None));
        assert!(may_market(Consent, Given));
        assert!(!may_market(Consent, Withdrawn));
    }

    #[test]
    fn bases_and_states_parse_as_people_write_them() {
        assert_eq!(
            LegalBasis::parse("Legitimate interest"),
            Some(LegalBasis::LegitimateInterest)
        );
        assert_eq!(LegalBasis::parse("contract"), Some(LegalBasis::Contract));
        assert_eq!(LegalBasis::parse("maybe"), None);
        assert_eq!(ConsentState::parse("Ja"), Some(ConsentState::Given));
        assert_eq!(
            ConsentState::parse("withdrawn"),
            Some(ConsentState::Withdrawn)
        );
        assert_eq!(ConsentState::parse("perhaps"), None);
    }
}
