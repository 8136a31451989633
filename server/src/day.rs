//! Calendar days in UTC as `YYYY-MM-DD`: the unit of the hash chain, of retention
//! and of the export ranges. Plain arithmetic (no time-zone database needed).

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The UTC day of a Unix time in milliseconds.
pub fn day_of_ms(ms: i64) -> String {
    from_days(ms.div_euclid(86_400_000))
}

/// The day `days` days after 1970-01-01.
pub fn from_days(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day; `None` unless it is a real date.
pub fn to_days(day: &str) -> Option<i64> {
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = &day[r];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
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
    if d > month_days[(m - 1) as usize] {
        return None;
    }
    // days_from_civil
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_non_dates() {
        assert_eq!(from_days(0), "1970-01-01");
        assert_eq!(day_of_ms(1_764_460_800_000), "2025-11-30");
        for d in [-1000, 0, 59, 60, 11_016, 20_000, 40_000] {
            assert_eq!(to_days(&from_days(d)), Some(d));
        }
        for bad in [
            "2025-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "abcd-ef-gh",
            "2024-01-32",
            "",
        ] {
            assert_eq!(to_days(bad), None, "{bad}");
        }
        assert_eq!(to_days("2024-02-29"), Some(19_782));
    }
}
