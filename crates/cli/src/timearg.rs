//! Times on the command line: RFC 3339, a date, unix seconds, or relative to now (`2h`, `3d`,
//! `now`, `today`, `yesterday`).

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Parses a time given as RFC 3339 (`2026-11-20T08:00:00Z`), a date (`2026-11-20`, midnight
/// UTC), `today` or `yesterday` (midnight UTC), unix seconds (`1763625600`), `now`, or a
/// duration before `now` (`90m`, `2h`, `3d`, `1w`).
pub fn parse_time(text: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    let midnight = |date: Date| date.midnight().assume_utc();
    match text {
        "now" => return Ok(now),
        "today" => return Ok(midnight(now.date())),
        "yesterday" => {
            return now
                .date()
                .previous_day()
                .map(midnight)
                .ok_or_else(|| "`yesterday` is out of range".into());
        }
        _ => {}
    }
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(midnight(date));
    }
    if let Ok(seconds) = text.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(seconds)
            .map_err(|_| format!("`{text}` is out of range"));
    }
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(time);
    }
    if let Ok(ago) = humantime::parse_duration(text) {
        return ago_from(now, ago).ok_or_else(|| format!("`{text}` reaches too far back"));
    }
    Err(format!(
        "`{text}` is not a time: use RFC 3339 (2026-11-20T08:00:00Z), a date (2026-11-20), today, yesterday, now, unix seconds, or a duration ago such as 2h or 3d"
    ))
}

fn ago_from(now: OffsetDateTime, ago: Duration) -> Option<OffsetDateTime> {
    now.checked_sub(time::Duration::try_from(ago).ok()?)
}

/// A time as RFC 3339, the form every message shows times in.
pub fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339)
        .unwrap_or_else(|_| time.unix_timestamp().to_string())
}

/// A clap value parser for times, relative to the moment it runs.
pub fn time_arg(text: &str) -> Result<OffsetDateTime, String> {
    parse_time(text, OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 12:00:00 UTC);

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!(parse_time("now", NOW).unwrap(), NOW);
        assert_eq!(
            parse_time("1763625600", NOW).unwrap(),
            datetime!(2025-11-20 08:00:00 UTC)
        );
        assert_eq!(
            parse_time("2026-11-20T08:00:00Z", NOW).unwrap(),
            datetime!(2026-11-20 08:00:00 UTC)
        );
        assert_eq!(
            parse_time("2026-11-20T08:00:00+08:00", NOW).unwrap(),
            datetime!(2026-11-20 00:00:00 UTC)
        );
        assert_eq!(
            parse_time("2h", NOW).unwrap(),
            datetime!(2026-11-23 10:00:00 UTC)
        );
        assert_eq!(
            parse_time("3d", NOW).unwrap(),
            datetime!(2026-11-20 12:00:00 UTC)
        );
        assert_eq!(
            parse_time("90m", NOW).unwrap(),
            datetime!(2026-11-23 10:30:00 UTC)
        );
        assert_eq!(
            parse_time("2026-11-01", NOW).unwrap(),
            datetime!(2026-11-01 00:00:00 UTC)
        );
        assert_eq!(
            parse_time("today", NOW).unwrap(),
            datetime!(2026-11-23 00:00:00 UTC)
        );
        assert_eq!(
            parse_time("yesterday", NOW).unwrap(),
            datetime!(2026-11-22 00:00:00 UTC)
        );
    }

    #[test]
    fn messages_show_times_as_rfc_3339() {
        assert_eq!(rfc3339(NOW), "2026-11-23T12:00:00Z");
    }

    #[test]
    fn refuses_anything_else_with_a_hint() {
        for bad in [
            "",
            "tomorrow",
            "2026-13-20",
            "3 parsecs",
            "99999999999999999999",
        ] {
            let err = parse_time(bad, NOW).unwrap_err();
            assert!(err.contains('`'), "{bad}: {err}");
        }
    }
}
