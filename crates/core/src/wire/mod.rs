//! Typed values that cross the wire between server functions and components.
//! Nothing secret lives here: every type is safe to serialise to a browser.

use serde::{Deserialize, Serialize};

macro_rules! id_type_impl {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}
pub(crate) use id_type_impl as id_type;

id_type!(
    /// A company (branch, dealership): every contact, run and mutation belongs to one.
    CompanyId
);
id_type!(StaffUserId);
id_type!(
    /// A contact in the register (a person or an organisation).
    ContactId
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    Admin,
    Staff,
}

crate::closed_set!(StaffRole {
    Admin => "admin",
    Staff => "staff",
});

impl StaffRole {
    pub fn parse(s: &str) -> Option<Self> {
        crate::closed::ClosedSet::from_stored(s)
    }

    pub fn label(self) -> &'static str {
        match self {
            StaffRole::Admin => "Admin",
            StaffRole::Staff => "Staff",
        }
    }
}

/// The signed-in staff user, as the UI needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: StaffUserId,
    pub email: String,
    pub display_name: String,
    pub role: StaffRole,
    pub must_change_password: bool,
    /// The companies this user may see, by name (all of them for admins).
    pub companies: Vec<CompanyRef>,
    /// Mails go to the dev mailbox (development without SMTP).
    pub dev_mailbox: bool,
}

impl Me {
    pub fn is_admin(&self) -> bool {
        self.role == StaffRole::Admin
    }

    pub fn initials(&self) -> String {
        self.display_name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .flat_map(char::to_uppercase)
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRef {
    pub id: CompanyId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRow {
    pub id: CompanyId,
    pub name: String,
    pub contacts: i64,
    pub staff_users: i64,
    pub created_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUserRow {
    pub id: StaffUserId,
    pub email: String,
    pub display_name: String,
    pub role: StaffRole,
    pub companies: Vec<CompanyRef>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Formatted in the organisation's time zone, or "never".
    pub last_sign_in: String,
}

/// Shown once after inviting a user or resetting a password: it is not stored anywhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryPassword {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// How many contacts each visible company has: the contacts page's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyContactCount {
    pub company: CompanyRef,
    pub contacts: i64,
    pub with_email: i64,
}

mod consent;
mod contacts;
mod fields;
mod import;
pub mod mutations;
mod portal;
mod runs;
pub use consent::*;
pub use contacts::*;
pub use fields::*;
pub use import::*;
pub use portal::*;
pub use runs::*;

/// A key of the DMS API as the admin page lists it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    /// "All companies" or their names.
    pub companies: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

/// A new key, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub key: String,
    /// The secret that signs the key's webhook calls, when it has a webhook.
    pub webhook_secret: Option<String>,
}
