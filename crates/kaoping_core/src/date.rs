//! The calendar, once: days since 1970-01-01 to and from (year, month, day) in the proleptic
//! Gregorian calendar (Howard Hinnant's `days_from_civil` and `civil_from_days`,
//! <https://howardhinnant.github.io/date_algorithms.html>), and the length of a month. Used by
//! record timestamps (`record::rfc3339`), Excel serial dates (`xlsx`) and tracking dates
//! (`track::period::Date`).

/// Days since 1970-01-01 of a date (`month` 1–12; a `day` past the month's end runs on).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1–12, day 1–31) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days in a month of a year (`month` 1–12).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Whether `s` is a calendar date written `YYYY-MM-DD` (year 1000–9999).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            y >= 1000 && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(i64::from(y), m)
        }
        _ => false,
    }
}

/// China time (UTC+8, no daylight saving) ahead of UTC, in milliseconds.
const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;

/// The first instant (ms since the epoch, UTC) of the China-time day `YYYY-MM-DD`: its
/// 00:00:00.000 +08:00. `None` when `day` is not such a date.
pub fn china_day_start_ms(day: &str) -> Option<i64> {
    if !is_iso_date(day) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| day[r].parse::<u32>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Some(days_from_civil(i64::from(y), m, d) * 86_400_000 - CHINA_OFFSET_MS)
}

/// The last millisecond (ms since the epoch, UTC) of the China-time day `YYYY-MM-DD`: its
/// 23:59:59.999 +08:00. `None` when `day` is not such a date.
pub fn china_day_end_ms(day: &str) -> Option<i64> {
    china_day_start_ms(day).map(|ms| ms + 86_400_000 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known days (the Unix epoch, the leap day of 2000, the Excel 1900 epoch of xlsx,
    /// 1904-01-01) and a round trip over ±2,000 years, day by day.
    #[test]
    fn days_and_dates_agree() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(civil_from_days(-25_569), (1899, 12, 30));
        assert_eq!(civil_from_days(-24_107), (1904, 1, 1));
        assert_eq!(days_from_civil(2026, 6, 30), 20_634);
        let mut expect = civil_from_days(-730_000);
        for days in -730_000..730_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!((y, m, d), expect, "day {days}");
            assert_eq!(days_from_civil(y, m, d), days);
            expect = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
    }

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2026-07-01"));
        assert!(is_iso_date("2028-02-29"));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-7-01",
            "26-07-01x",
            "2026/07/01",
            "",
            "2026-00-10",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    /// China-time days as UTC instants: the day starts at 16:00 UTC the day before and ends
    /// at 15:59:59.999 UTC; a year's end and a leap day cross over; non-dates give nothing.
    #[test]
    fn china_days() {
        // 2026-12-01T00:00:00+08:00 = 2026-11-30T16:00:00Z
        let start = china_day_start_ms("2026-12-01").unwrap();
        assert_eq!(
            start,
            (days_from_civil(2026, 11, 30) * 86_400 + 16 * 3600) * 1000
        );
        // 2026-12-31T23:59:59.999+08:00 = 2026-12-31T15:59:59.999Z
        let end = china_day_end_ms("2026-12-31").unwrap();
        assert_eq!(
            end,
            (days_from_civil(2026, 12, 31) * 86_400 + 16 * 3600) * 1000 - 1
        );
        assert_eq!(
            china_day_start_ms("2027-01-01").unwrap(),
            china_day_end_ms("2026-12-31").unwrap() + 1
        );
        assert_eq!(
            china_day_end_ms("2028-02-29").unwrap() - china_day_start_ms("2028-02-29").unwrap(),
            86_400_000 - 1
        );
        for bad in [
            "2026-02-29",
            "2026-12-1",
            "26-12-01",
            "",
            "2026-13-01",
            "二〇二六-12-01",
        ] {
            assert_eq!(china_day_start_ms(bad), None, "{bad}");
            assert_eq!(china_day_end_ms(bad), None, "{bad}");
        }
    }
}
