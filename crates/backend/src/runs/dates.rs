//! Dates: the valid-to day and links' end of life, in the organisation's time zone.

use super::*;

pub(super) fn parse_date(field: &str, raw: &str) -> Result<jiff::civil::Date, Error> {
    raw.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| AppError::invalid(field, "Enter a date as YYYY-MM-DD.").into())
}

/// The first instant after the valid-to day in the organisation's time zone.
pub fn end_of_day(settings: &Settings, day: time::Date) -> Result<OffsetDateTime, Error> {
    crate::local_time::end_of_day(&settings.time_zone, day)
}

/// When a link issued at `now` dies: the end of the valid-to day, or 8 days, whichever
/// comes first.
pub fn link_expiry(
    settings: &Settings,
    valid_to: time::Date,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, Error> {
    Ok(end_of_day(settings, valid_to)?.min(now + time::Duration::days(LINK_LIFETIME_DAYS)))
}
