//! Closed sets of values kept as text: a run's status, a contact's kind, a field's type.
//! Each value has exactly one text (`text`), and only that text reads back
//! (`from_stored`): what the database holds is decoded into the enum, and a text outside
//! the set is an error that names it, never a default.
//!
//! With the `sqlx` feature, `stored_as_text!` gives such an enum the database's text
//! encoding, so the backend's queries decode a column straight into it
//! (`status AS "status: RunStatus"`). Core itself runs no query.

pub trait ClosedSet: Copy + Sized + 'static {
    /// Every value, in the order lists show them.
    const ALL: &'static [Self];

    /// The value's one text, as stored and as sent.
    fn text(self) -> &'static str;

    /// The value whose text is exactly `s`.
    fn from_stored(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.text() == s)
    }
}

/// Implements `ClosedSet` from a list of variants and their texts, and the inherent
/// `as_str` the rest of the code reads.
#[macro_export]
macro_rules! closed_set {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $crate::closed::ClosedSet for $ty {
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            fn text(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }
        }

        impl $ty {
            pub const ALL: &'static [Self] = <Self as $crate::closed::ClosedSet>::ALL;

            pub fn as_str(self) -> &'static str {
                $crate::closed::ClosedSet::text(self)
            }
        }
    };
}

/// The database's text encoding for `ClosedSet` types (backend only: `sqlx` feature).
#[cfg(feature = "sqlx")]
#[macro_export]
macro_rules! stored_as_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::sqlx::Type<::sqlx::Postgres> for $ty {
            fn type_info() -> ::sqlx::postgres::PgTypeInfo {
                <str as ::sqlx::Type<::sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &::sqlx::postgres::PgTypeInfo) -> bool {
                <str as ::sqlx::Type<::sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::Postgres> for $ty {
            fn decode(
                value: ::sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let s = <&str as ::sqlx::Decode<::sqlx::Postgres>>::decode(value)?;
                <$ty as $crate::closed::ClosedSet>::from_stored(s).ok_or_else(|| {
                    format!("{s:?} is not a known {}", stringify!($ty)).into()
                })
            }
        }

        impl ::sqlx::Encode<'_, ::sqlx::Postgres> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut ::sqlx::postgres::PgArgumentBuffer,
            ) -> Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                let text = $crate::closed::ClosedSet::text(*self);
                <&str as ::sqlx::Encode<::sqlx::Postgres>>::encode_by_ref(&text, buf)
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::ClosedSet;
    use crate::domain::FieldType;
    use crate::wire::mutations::{AnswerKind, AnswerSource, MutationStatus, Section};
    use crate::wire::{
        ConsentSource, ConsentState, ContactKind, FieldRule, ImportStatus, LegalBasis,
        RecipientState, RunPhase, RunStatus, StaffRole,
    };

    fn round_trips<T: ClosedSet + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(T::from_stored(v.text()), Some(*v));
        }
        let mut texts: Vec<&str> = T::ALL.iter().map(|v| v.text()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), T::ALL.len(), "two values share a text");
    }

    #[test]
    fn every_value_reads_back_from_its_own_text_and_no_other() {
        round_trips::<StaffRole>();
        round_trips::<FieldType>();
        round_trips::<MutationStatus>();
        round_trips::<LegalBasis>();
        round_trips::<ConsentState>();
        round_trips::<ContactKind>();
        round_trips::<FieldRule>();
        round_trips::<ImportStatus>();
        round_trips::<RunStatus>();
        round_trips::<RunPhase>();
        round_trips::<ConsentSource>();
        round_trips::<RecipientState>();
        round_trips::<AnswerKind>();
        round_trips::<AnswerSource>();
        round_trips::<Section>();
        // Stored text is exact: what a form may spell differently is not stored so.
        assert_eq!(ConsentState::from_stored("ja"), None);
        assert_eq!(ConsentState::from_stored("Given"), None);
        assert_eq!(FieldType::from_stored(""), None);
    }
}
