//! Shows UTC instants in the organisation's time zone.

use time::OffsetDateTime;

/// `23-11-2026 14:05`: day first, as staff in the Netherlands read dates.
pub fn date_time(at: OffsetDateTime, tz: &jiff::tz::TimeZone) -> String {
    match to_zoned(at, tz) {
        Some(z) => z.strftime("%d-%m-%Y %H:%M").to_string(),
        None => at.to_string(),
    }
}

pub fn date(at: OffsetDateTime, tz: &jiff::tz::TimeZone) -> String {
    match to_zoned(at, tz) {
        Some(z) => z.strftime("%d-%m-%Y").to_string(),
        None => at.date().to_string(),
    }
}

fn to_zoned(at: OffsetDateTime, tz: &jiff::tz::TimeZone) -> Option<jiff::Zoned> {
    let ts = jiff::Timestamp::new(at.unix_timestamp(), at.nanosecond() as i32).ok()?;
    Some(ts.to_zoned(tz.clone()))
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
