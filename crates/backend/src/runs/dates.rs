//! Dates: the valid-to day, links' end of life, and the two date types that still meet here.

use super::*;

pub(super) fn today(settings: &Settings) -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(settings.time_zone.clone())
        .date()
}

pub(super) fn to_time_date(d: jiff::civil::Date) -> Result<time::Date, Error> {
    let doing = "converting a date to the time crate";
    let month = time::Month::try_from(d.month() as u8).map_err(|e| Error::failed(doing, e))?;
    time::Date::from_calendar_date(d.year() as i32, month, d.day() as u8)
        .map_err(|e| Error::failed(doing, e))
}

pub(super) fn to_jiff_date(d: time::Date) -> Result<jiff::civil::Date, Error> {
    jiff::civil::Date::new(d.year() as i16, d.month() as i8, d.day() as i8)
        .map_err(|e| Error::failed("converting a date to jiff", e))
}

pub(super) fn parse_date(field: &str, raw: &str) -> Result<jiff::civil::Date, Error> {
    raw.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| AppError::invalid(field, "Enter a date as YYYY-MM-DD.").into())
}

/// The first instant after the valid-to day in the organisation's time zone.
pub fn end_of_day(settings: &Settings, day: time::Date) -> Result<OffsetDateTime, Error> {
    let doing = "finding the end of a day in the organisation's time zone";
    let next = to_jiff_date(day)?
        .tomorrow()
        .map_err(|e| Error::failed(doing, e))?
        .to_zoned(settings.time_zone.clone())
        .map_err(|e| Error::failed(doing, e))?;
    OffsetDateTime::from_unix_timestamp(next.timestamp().as_second())
        .map_err(|e| Error::failed("converting the end of a day to a timestamp", e))
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
