//! Calendar dates for waiver expiry: parsed strictly as `YYYY-MM-DD`, and today's date in UTC,
//! without a date-time dependency; and the times and durations reports and rules print.

use serde::Serialize;

/// A calendar date, compared day by day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let date = Date {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        ((1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= days[date.month as usize - 1])
            .then_some(date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        Date::from_days((seconds / 86_400) as i64)
    }

    /// Days from 1970-01-01 to this date (Howard Hinnant's days_from_civil).
    pub fn days(&self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default()
}

/// Microseconds since the Unix epoch, now: the local clock other clocks are compared with.
pub fn unix_now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// `2026-12-06 22:56:31.123456` (a MySQL DATETIME as text, UTC, with up to six fractional
/// digits) → microseconds since the Unix epoch.
pub fn parse_datetime_us(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 6 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if whole.contains(['Z', 'z', '+']) || whole.rfind('-').is_some_and(|at| at > 8) {
        return None;
    }
    let seconds = i64::try_from(parse_date_time(whole)?).ok()?;
    let micros: i64 = format!("{fraction:0<6}").parse().ok()?;
    Some(seconds * 1_000_000 + micros)
}

/// An HTTP `Date` header (IMF-fixdate, RFC 9110: `Sun, 06 Nov 1994 08:49:37 GMT`) → seconds
/// since the Unix epoch. The obsolete forms HTTP/1.1 still allows a server to send are refused.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (_weekday, rest) = text.trim().split_once(", ")?;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = MONTHS.iter().position(|m| m == month)? + 1;
    let seconds = parse_date_time(&format!("{year}-{month:02}-{day} {time}"))?;
    i64::try_from(seconds).ok()
}

/// A date and time as OMS writes them (`2023-08-01T06:34:01`, UTC; a space for the `T`,
/// fractions of a second, and a `Z` or `+08:00` offset are accepted too) → seconds since the
/// Unix epoch. `None` for anything else, and for a time before the epoch.
pub fn parse_date_time(text: &str) -> Option<u64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', ' '])?;
    let date = Date::parse(date)?;
    // The offset, if any: `Z`, or a sign and hh:mm (or hhmm) after the seconds.
    let (time, offset) = if let Some(time) = time.strip_suffix(['Z', 'z']) {
        (time, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let (time, offset) = time.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let digits: String = offset[1..].chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hours: i64 = digits[..2].parse().ok()?;
        let minutes: i64 = digits[2..].parse().ok()?;
        if hours > 14 || minutes > 59 {
            return None;
        }
        (time, sign * (hours * 3600 + minutes * 60))
    } else {
        (time, 0)
    };
    let time = time.split_once('.').map_or(time, |(whole, fraction)| {
        if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) {
            whole
        } else {
            "invalid"
        }
    });
    let mut parts = time.split(':');
    let mut field = |max: i64| -> Option<i64> {
        let part = parts.next()?;
        let value: i64 = part.parse().ok().filter(|_| part.len() == 2)?;
        (0..=max).contains(&value).then_some(value)
    };
    let (hours, minutes, seconds) = (field(23)?, field(59)?, field(60)?);
    if parts.next().is_some() {
        return None;
    }
    let seconds = date.days() * 86_400 + hours * 3600 + minutes * 60 + seconds - offset;
    u64::try_from(seconds).ok()
}

/// `2026-11-19 07:33:20 UTC` for a Unix time in seconds.
pub fn utc(seconds: u64) -> String {
    let rest = seconds % 86_400;
    let date = Date::from_days((seconds / 86_400) as i64);
    format!(
        "{date} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

/// `14 s`, `15 min 3 s`, `2 h 5 min`, `3 d 4 h`: a duration as a console shows it.
pub fn duration(seconds: u64) -> String {
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => match seconds % 60 {
            0 => format!("{} min", seconds / 60),
            rest => format!("{} min {rest} s", seconds / 60),
        },
        3600..86_400 => match (seconds % 3600) / 60 {
            0 => format!("{} h", seconds / 3600),
            minutes => format!("{} h {minutes} min", seconds / 3600),
        },
        _ => match (seconds % 86_400) / 3600 {
            0 => format!("{} d", seconds / 86_400),
            hours => format!("{} d {hours} h", seconds / 86_400),
        },
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn clock_readings_parse_to_the_microsecond_and_the_second() {
        use super::{parse_datetime_us, parse_http_date};
        assert_eq!(
            parse_datetime_us("1970-01-02 00:00:01.5"),
            Some(86_401_500_000)
        );
        assert_eq!(parse_datetime_us("1970-01-01 00:00:00"), Some(0));
        assert_eq!(parse_datetime_us("1970-01-01 00:00:00+08:00"), None);
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    }

    use super::*;

    #[test]
    fn dates_parse_strictly_and_count_from_the_epoch() {
        assert_eq!(Date::parse("2027-02-29"), None);
        assert_eq!(
            Date::parse("2028-02-29").map(|d| d.to_string()).as_deref(),
            Some("2028-02-29")
        );
        assert_eq!(Date::parse("2027-1-5"), None);
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_780).to_string(), "2026-11-23");
        for days in [-800_000, -1, 0, 1, 59, 60, 20_780, 2_000_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
    }

    #[test]
    fn date_times_as_oms_writes_them_are_utc_seconds() {
        // The example of DescribeProjectComponents' storeList[].beginCheckpoint.
        assert_eq!(parse_date_time("2023-08-01T06:34:01"), Some(1_690_871_641));
        assert_eq!(parse_date_time("2023-08-01 06:34:01"), Some(1_690_871_641));
        assert_eq!(
            parse_date_time("2023-08-01T06:34:01.250Z"),
            Some(1_690_871_641)
        );
        assert_eq!(
            parse_date_time("2023-08-01T14:34:01+08:00"),
            Some(1_690_871_641)
        );
        assert_eq!(utc(1_690_871_641), "2023-08-01 06:34:01 UTC");
        for bad in [
            "",
            "2023-08-01",
            "2023-08-01T6:34:01",
            "2023-08-01T06:34",
            "2023-13-01T06:34:01",
            "2023-08-01T24:00:00",
            "2023-08-01T06:34:01+8",
            "2023-08-01T06:34:01.x",
            "1969-12-31T23:59:59",
            "yesterday",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }
}
