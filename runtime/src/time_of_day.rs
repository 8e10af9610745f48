//! [`TimeOfDay`]: the type of the BMS `format: date-span` properties (`StartTime` / `EndTime` of time entries).

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 100-nanosecond ticks (the unit of .NET's `TimeSpan`) in a second and in a day.
const TICKS_PER_SECOND: u64 = 10_000_000;
const TICKS_PER_DAY: u64 = 24 * 60 * 60 * TICKS_PER_SECOND;

/// A time of day, as Kaseya BMS sends the `StartTime` and `EndTime` of time entries (`"09:30:00"`).
///
/// The document declares these as `format: date-span`, which is how its generator (Swashbuckle) writes a .NET
/// `TimeSpan`; the API writes a `TimeSpan` in .NET's constant ("c") format, `[-][d.]hh:mm:ss[.fffffff]`. A
/// start or end time is a span since midnight, so this type holds exactly that range, 00:00:00 to
/// 23:59:59.9999999 with .NET's 100 ns precision, and it parses the whole "c" grammar: `09:30:00`,
/// `09:30:00.1234567`, `9:30` (which .NET's own parser takes), and a day prefix or a sign when the value is still a
/// time of day (`0.09:30:00`). A span of a day or more, or a negative one, is not a time of day: it is an error
/// here, and in a response model it reads as `None` with the value kept in the model's `extra` as a problem
/// (see [`crate::lenient`]), like a timestamp that does not parse.
///
/// It serializes as `HH:MM:SS`, with seven fraction digits only when there is a fraction, as .NET writes it.
///
/// ```
/// use psa_clients_runtime::TimeOfDay;
/// let start = TimeOfDay::hm(9, 30).unwrap();
/// assert_eq!(start.to_string(), "09:30:00");
/// assert_eq!("09:30:00".parse::<TimeOfDay>().unwrap(), start);
/// assert_eq!(start.checked_add_minutes(45).unwrap().to_string(), "10:15:00");
/// assert!(TimeOfDay::hm(25, 0).is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    /// Ticks since midnight, below [`TICKS_PER_DAY`].
    ticks: u64,
}

/// A value that is not a time of day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeOfDayError {
    /// Hours, minutes or seconds out of range (`25:00`).
    #[error("{hour:02}:{minute:02}:{second:02} is not a time of day: hours are 0-23, minutes and seconds 0-59")]
    OutOfRange {
        /// The hours given.
        hour: u32,
        /// The minutes given.
        minute: u32,
        /// The seconds given.
        second: u32,
    },
    /// Text that is not in the .NET `TimeSpan` format, or a span that is not a time of day (negative, or a day
    /// or more).
    #[error("invalid time of day {value:?}: expected HH:MM:SS (optionally .fffffff), a span from 00:00:00 to 23:59:59.9999999")]
    Invalid {
        /// The text received.
        value: String,
    },
}

impl TimeOfDay {
    /// Midnight, `00:00:00`.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay { ticks: 0 };

    /// `hour:minute:00`.
    ///
    /// # Errors
    /// [`TimeOfDayError::OutOfRange`] for an hour above 23 or a minute above 59.
    pub fn hm(hour: u32, minute: u32) -> Result<TimeOfDay, TimeOfDayError> {
        TimeOfDay::hms(hour, minute, 0)
    }

    /// `hour:minute:second`.
    ///
    /// # Errors
    /// [`TimeOfDayError::OutOfRange`] for an hour above 23 or a minute or second above 59.
    pub fn hms(hour: u32, minute: u32, second: u32) -> Result<TimeOfDay, TimeOfDayError> {
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimeOfDayError::OutOfRange {
                hour,
                minute,
                second,
            });
        }
        let seconds = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
        Ok(TimeOfDay {
            ticks: seconds * TICKS_PER_SECOND,
        })
    }

    /// The hour, 0-23.
    pub fn hour(&self) -> u32 {
        // Below 24 by construction.
        u32::try_from(self.ticks / (3600 * TICKS_PER_SECOND)).unwrap_or(0)
    }

    /// The minute, 0-59.
    pub fn minute(&self) -> u32 {
        u32::try_from(self.ticks / (60 * TICKS_PER_SECOND) % 60).unwrap_or(0)
    }

    /// The second, 0-59.
    pub fn second(&self) -> u32 {
        u32::try_from(self.ticks / TICKS_PER_SECOND % 60).unwrap_or(0)
    }

    /// The fraction of the second, in nanoseconds (a multiple of 100).
    pub fn nanosecond(&self) -> u32 {
        u32::try_from(self.ticks % TICKS_PER_SECOND * 100).unwrap_or(0)
    }

    /// Minutes since midnight, rounded down.
    pub fn minutes_since_midnight(&self) -> u32 {
        self.hour() * 60 + self.minute()
    }

    /// This time `minutes` later on the same day, or `None` past midnight (a time entry that ends the next
    /// day has no end time of this kind).
    pub fn checked_add_minutes(&self, minutes: u32) -> Option<TimeOfDay> {
        let ticks = self
            .ticks
            .checked_add(u64::from(minutes) * 60 * TICKS_PER_SECOND)?;
        (ticks < TICKS_PER_DAY).then_some(TimeOfDay { ticks })
    }
}

impl From<NaiveTime> for TimeOfDay {
    /// To .NET's 100 ns precision (a leap second reads as the second before it).
    fn from(t: NaiveTime) -> Self {
        let seconds = u64::from(t.num_seconds_from_midnight());
        let nanos = u64::from(t.nanosecond().min(999_999_999));
        TimeOfDay {
            ticks: seconds * TICKS_PER_SECOND + nanos / 100,
        }
    }
}

impl From<TimeOfDay> for NaiveTime {
    fn from(t: TimeOfDay) -> Self {
        NaiveTime::from_num_seconds_from_midnight_opt(
            t.hour() * 3600 + t.minute() * 60 + t.second(),
            t.nanosecond(),
        )
        .unwrap_or(NaiveTime::MIN)
    }
}

/// Digits only, at most `max` of them, as a number.
fn digits(s: &str, min: usize, max: usize) -> Option<u64> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Ticks of `[-][d.]h[h]:mm[:ss[.f…]]`, signed.
fn parse_span(s: &str) -> Option<i128> {
    let (negative, rest) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut parts = rest.split(':');
    let first = parts.next()?;
    let minutes = parts.next()?;
    let seconds = parts.next();
    if parts.next().is_some() {
        return None;
    }
    // The day separator is a dot before the hours; a dot in the seconds is the fraction.
    let (days, hours) = match first.split_once('.') {
        Some((days, hours)) => (digits(days, 1, 8)?, hours),
        None => (0, first),
    };
    let hours = digits(hours, 1, 2)?;
    let minutes = digits(minutes, 2, 2)?;
    let (seconds, fraction) = match seconds {
        None => (0, 0),
        Some(seconds) => match seconds.split_once('.') {
            Some((whole, fraction)) => {
                let value = digits(fraction, 1, 7)?;
                // `.5` is five tenths: scale to seven digits.
                let scale = 10u64.pow(u32::try_from(7 - fraction.len()).ok()?);
                (digits(whole, 2, 2)?, value * scale)
            }
            None => (digits(seconds, 2, 2)?, 0),
        },
    };
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let ticks = i128::from(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
        * i128::from(TICKS_PER_SECOND)
        + i128::from(fraction);
    Some(if negative { -ticks } else { ticks })
}

impl FromStr for TimeOfDay {
    type Err = TimeOfDayError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || TimeOfDayError::Invalid {
            value: s.to_owned(),
        };
        let ticks = parse_span(s).ok_or_else(invalid)?;
        let ticks = u64::try_from(ticks).map_err(|_| invalid())?;
        if ticks >= TICKS_PER_DAY {
            return Err(invalid());
        }
        Ok(TimeOfDay { ticks })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}:{:02}",
            self.hour(),
            self.minute(),
            self.second()
        )?;
        let fraction = self.ticks % TICKS_PER_SECOND;
        if fraction != 0 {
            write!(f, ".{fraction:07}")?;
        }
        Ok(())
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_from_hours_and_minutes_and_refuses_what_is_no_time_of_day() {
        let t = TimeOfDay::hm(9, 30).unwrap();
        assert_eq!((t.hour(), t.minute(), t.second()), (9, 30, 0));
        assert_eq!(t.minutes_since_midnight(), 570);
        assert_eq!(
            TimeOfDay::hm(25, 0),
            Err(TimeOfDayError::OutOfRange {
                hour: 25,
                minute: 0,
                second: 0
            })
        );
        assert!(TimeOfDay::hm(23, 60).is_err());
        assert!(TimeOfDay::hms(23, 59, 60).is_err());
        assert_eq!(
            TimeOfDay::hm(25, 0).unwrap_err().to_string(),
            "25:00:00 is not a time of day: hours are 0-23, minutes and seconds 0-59"
        );
        assert_eq!(TimeOfDay::hms(23, 59, 59).unwrap().to_string(), "23:59:59");
    }

    #[test]
    fn parses_the_dotnet_constant_format_and_writes_it_back() {
        for (wire, written) in [
            ("09:30:00", "09:30:00"),
            ("00:00:00", "00:00:00"),
            ("23:59:59.9999999", "23:59:59.9999999"),
            ("09:30:00.1234567", "09:30:00.1234567"),
            ("09:30:00.5", "09:30:00.5000000"),
            ("9:30:00", "09:30:00"),
            ("09:30", "09:30:00"),
            ("0.09:30:00", "09:30:00"),
            ("-00:00:00", "00:00:00"),
        ] {
            let t: TimeOfDay = wire.parse().unwrap_or_else(|e| panic!("{wire}: {e}"));
            assert_eq!(t.to_string(), written, "{wire}");
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{written}\""));
            assert_eq!(serde_json::from_str::<TimeOfDay>(&json).unwrap(), t);
        }
        assert_eq!(
            "09:30:00.25".parse::<TimeOfDay>().unwrap().nanosecond(),
            250_000_000
        );
    }

    #[test]
    fn spans_that_are_not_a_time_of_day_and_garbage_are_errors() {
        for wire in [
            "1.02:00:00",
            "-00:30:00",
            "24:00:00",
            "25:00",
            "09:60:00",
            "09:30:61",
            "09:30:00.12345678",
            "09:30:00.",
            "09",
            "",
            "9h30",
            "09:30:00:00",
            "2025-03-01T09:30:00",
        ] {
            let error = wire.parse::<TimeOfDay>().unwrap_err();
            assert!(error.to_string().contains("invalid time of day"), "{wire}");
        }
        assert!(serde_json::from_str::<TimeOfDay>("930").is_err());
    }

    #[test]
    fn converts_to_and_from_chrono_and_adds_minutes_within_the_day() {
        let t = TimeOfDay::hm(23, 30).unwrap();
        let naive: NaiveTime = t.into();
        assert_eq!(naive, NaiveTime::from_hms_opt(23, 30, 0).unwrap());
        assert_eq!(TimeOfDay::from(naive), t);
        assert_eq!(t.checked_add_minutes(29).unwrap().to_string(), "23:59:00");
        assert_eq!(t.checked_add_minutes(30), None);
    }
}
