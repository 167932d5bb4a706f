//! The organisation's time zone, and the one place where the two date-time libraries
//! meet: the database's values are `time`'s (what sqlx decodes), time zones are jiff's
//! (with its bundled zone data). Everything that turns one into the other is here.

use crate::Error;
use time::OffsetDateTime;

/// `23-11-2026 14:05`: day first, as staff in the Netherlands read dates.
pub fn date_time(at: OffsetDateTime, tz: &jiff::tz::TimeZone) -> String {
    match zoned(at, tz) {
        Some(z) => z.strftime("%d-%m-%Y %H:%M").to_string(),
        None => at.to_string(),
    }
}

pub fn date(at: OffsetDateTime, tz: &jiff::tz::TimeZone) -> String {
    match zoned(at, tz) {
        Some(z) => z.strftime("%d-%m-%Y").to_string(),
        None => at.date().to_string(),
    }
}

/// A stored instant in the organisation's time zone (`None` only outside jiff's range).
pub fn zoned(at: OffsetDateTime, tz: &jiff::tz::TimeZone) -> Option<jiff::Zoned> {
    let ts = jiff::Timestamp::new(at.unix_timestamp(), at.nanosecond() as i32).ok()?;
    Some(ts.to_zoned(tz.clone()))
}

/// A jiff instant as the database stores it.
pub fn instant(ts: jiff::Timestamp) -> Result<OffsetDateTime, Error> {
    OffsetDateTime::from_unix_timestamp_nanos(ts.as_nanosecond())
        .map_err(|e| Error::failed("converting an instant to the time crate", e))
}

/// The first instant after `day` in `tz`: when a day ends there.
pub fn end_of_day(tz: &jiff::tz::TimeZone, day: time::Date) -> Result<OffsetDateTime, Error> {
    let doing = "finding the end of a day in the organisation's time zone";
    let next = to_jiff_date(day)?
        .tomorrow()
        .map_err(|e| Error::failed(doing, e))?
        .to_zoned(tz.clone())
        .map_err(|e| Error::failed(doing, e))?;
    instant(next.timestamp())
}

/// A calendar day as the database stores it.
pub fn to_time_date(d: jiff::civil::Date) -> Result<time::Date, Error> {
    let doing = "converting a date to the time crate";
    let month = time::Month::try_from(d.month() as u8).map_err(|e| Error::failed(doing, e))?;
    time::Date::from_calendar_date(d.year() as i32, month, d.day() as u8)
        .map_err(|e| Error::failed(doing, e))
}

/// A stored calendar day, for jiff's arithmetic in a time zone.
pub fn to_jiff_date(d: time::Date) -> Result<jiff::civil::Date, Error> {
    jiff::civil::Date::new(d.year() as i16, d.month() as i8, d.day() as i8)
        .map_err(|e| Error::failed("converting a date to jiff", e))
}

/// Today's date in the time zone `tz`.
pub fn today(tz: &jiff::tz::TimeZone) -> jiff::civil::Date {
    jiff::Zoned::now().with_time_zone(tz.clone()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_amsterdam_summer_and_winter_time() {
        let tz = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
        let summer = time::macros::datetime!(2026-07-01 12:00 UTC);
        let winter = time::macros::datetime!(2026-12-01 12:00 UTC);
        assert_eq!(date_time(summer, &tz), "01-07-2026 14:00");
        assert_eq!(date_time(winter, &tz), "01-12-2026 13:00");
        // Late evening UTC is already the next day in Amsterdam.
        assert_eq!(
            date(time::macros::datetime!(2026-12-31 23:30 UTC), &tz),
            "01-01-2027"
        );
    }
}
