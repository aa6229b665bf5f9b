//! Kazakhstan's working-day calendar, and deadlines counted in it.
//!
//! Owns which days are days off: weekends; the public holidays (1–2 January,
//! 8 March, 21–23 March, 1 May, 7 May, 9 May, 6 July, 30 August, 25 October,
//! 16 December), whose day off moves to the next working day when it falls on
//! a weekend; 7 January and the first day of Kurban Ait, which do not move;
//! and the transfers the government announces each year. The calendar is
//! data: a provider updates the movable feasts and transfers per year.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::{Date, Duration, Month, Weekday};

/// Holidays whose day off moves to the next working day when on a weekend.
pub const FIXED_HOLIDAYS: [(u8, u8); 13] = [
    (1, 1),
    (1, 2),
    (3, 8),
    (3, 21),
    (3, 22),
    (3, 23),
    (5, 1),
    (5, 7),
    (5, 9),
    (7, 6),
    (8, 30),
    (10, 25),
    (12, 16),
];

/// What a provider can update: per-year days off without transfer (Kurban
/// Ait) and the government's transfers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CalendarData {
    /// First day of Kurban Ait, per year (`YYYY-MM-DD`).
    #[serde(default)]
    pub kurban_ait: Vec<String>,
    /// Extra days off the government announced (`YYYY-MM-DD`).
    #[serde(default)]
    pub extra_days_off: Vec<String>,
    /// Weekend days declared working days (`YYYY-MM-DD`).
    #[serde(default)]
    pub working_weekends: Vec<String>,
}

/// How a term is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// Calendar days.
    Calendar,
    /// Working days.
    Working,
}

/// The working-day calendar.
#[derive(Debug, Clone, Default)]
pub struct WorkingDayCalendar {
    no_transfer: BTreeSet<Date>,
    extra_off: BTreeSet<Date>,
    working_weekends: BTreeSet<Date>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &f).map_err(|e| format!("{s}: {e}"))
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl WorkingDayCalendar {
    /// A calendar from its data (every date must parse).
    pub fn new(data: &CalendarData) -> Result<Self, String> {
        let set = |v: &[String]| {
            v.iter()
                .map(|s| parse_date(s))
                .collect::<Result<BTreeSet<_>, _>>()
        };
        Ok(WorkingDayCalendar {
            no_transfer: set(&data.kurban_ait)?,
            extra_off: set(&data.extra_days_off)?,
            working_weekends: set(&data.working_weekends)?,
        })
    }

    /// The calendar shipped with qoltanba (Kurban Ait dates as published).
    pub fn kazakhstan() -> Self {
        let data = CalendarData {
            kurban_ait: [
                "2024-06-16",
                "2025-06-06",
                "2026-05-27",
                "2027-05-16",
                "2028-05-05",
                "2029-04-24",
                "2030-04-13",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            extra_days_off: vec![],
            working_weekends: vec![],
        };
        Self::new(&data).unwrap_or_default()
    }

    fn holiday(d: Date) -> bool {
        FIXED_HOLIDAYS.contains(&(d.month() as u8, d.day()))
    }

    /// The days off of `year` that holidays on weekends moved forward: each
    /// such holiday gives the first following day that is not already off.
    fn transfers(&self, year: i32) -> BTreeSet<Date> {
        let mut moved = BTreeSet::new();
        for (m, day) in FIXED_HOLIDAYS {
            let Ok(month) = Month::try_from(m) else {
                continue;
            };
            let Ok(h) = Date::from_calendar_date(year, month, day) else {
                continue;
            };
            if !is_weekend(h) || self.working_weekends.contains(&h) {
                continue;
            }
            let mut c = h;
            while let Some(next) = c.next_day() {
                c = next;
                let off = (is_weekend(c) && !self.working_weekends.contains(&c))
                    || Self::holiday(c)
                    || self.no_transfer.contains(&c)
                    || self.extra_off.contains(&c)
                    || moved.contains(&c);
                if !off {
                    moved.insert(c);
                    break;
                }
            }
        }
        moved
    }

    /// Whether `d` is a day off.
    pub fn is_day_off(&self, d: Date) -> bool {
        if self.working_weekends.contains(&d) {
            return false;
        }
        is_weekend(d)
            || Self::holiday(d)
            || self.no_transfer.contains(&d)
            || self.extra_off.contains(&d)
            || self.transfers(d.year()).contains(&d)
    }

    /// The date `n` days after `start` (the day of acceptance not counted): in
    /// working days, the n-th working day after; in calendar days, start + n,
    /// moved to the next working day when it falls on a day off.
    pub fn add(&self, start: Date, n: u32, kind: DayKind) -> Date {
        match kind {
            DayKind::Calendar => {
                let mut d = start.saturating_add(Duration::days(i64::from(n)));
                while self.is_day_off(d) {
                    d = d.next_day().unwrap_or(d);
                }
                d
            }
            DayKind::Working => {
                let mut d = start;
                let mut left = n;
                while left > 0 {
                    d = d.next_day().unwrap_or(d);
                    if !self.is_day_off(d) {
                        left -= 1;
                    }
                }
                d
            }
        }
    }
}

/// Kazakhstan's time (UTC+5 everywhere since 1 March 2024).
pub const KZ_OFFSET_SECONDS: i32 = 5 * 3600;

/// The local date in Kazakhstan of a Unix time.
pub fn kz_date(t: i64) -> Date {
    let offset =
        time::UtcOffset::from_whole_seconds(KZ_OFFSET_SECONDS).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| d.to_offset(offset).date())
        .unwrap_or(Date::MIN)
}

/// A date as `YYYY-MM-DD`.
pub fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::from_calendar_date(y, Month::try_from(m).unwrap(), day).unwrap()
    }

    #[test]
    fn holidays_and_transfers() {
        let c = WorkingDayCalendar::kazakhstan();
        assert!(c.is_day_off(d(2026, 3, 23)));
        assert!(c.is_day_off(d(2026, 12, 16)));
        // 8 March 2026 is a Sunday: the day off moves to Monday 9 March.
        assert!(c.is_day_off(d(2026, 3, 9)));
        assert!(!c.is_day_off(d(2026, 3, 10)));
        // 7 January 2024 was a Sunday: no transfer for Christmas.
        assert!(!c.is_day_off(d(2024, 1, 8)));
        assert!(c.is_day_off(d(2026, 5, 27)), "Kurban Ait 2026");
        // 2026-11-20 is a Friday; 3 working days later is Wednesday 25.
        assert_eq!(c.add(d(2026, 11, 20), 3, DayKind::Working), d(2026, 11, 25));
        // 30 calendar days from 2026-11-16 is 16 December (holiday), then 17th.
        assert_eq!(
            c.add(d(2026, 11, 16), 30, DayKind::Calendar),
            d(2026, 12, 17)
        );
    }

    proptest! {
        #[test]
        fn deadlines_never_fall_on_days_off(days in 0i64..3650, n in 0u32..40, working in any::<bool>()) {
            let c = WorkingDayCalendar::kazakhstan();
            let start = d(2025, 1, 1).saturating_add(Duration::days(days));
            let kind = if working { DayKind::Working } else { DayKind::Calendar };
            let end = c.add(start, n, kind);
            if n > 0 || !working {
                prop_assert!(!c.is_day_off(end), "{end} is a day off");
            }
            prop_assert!(end >= start);
        }

        #[test]
        fn working_days_add_up(days in 0i64..3650, n in 0u32..30, m in 0u32..30) {
            let c = WorkingDayCalendar::kazakhstan();
            let start = d(2025, 1, 1).saturating_add(Duration::days(days));
            prop_assert_eq!(c.add(c.add(start, n, DayKind::Working), m, DayKind::Working), c.add(start, n + m, DayKind::Working));
        }
    }
}
