//! [`Timestamp`]: the date-time type of every generated model.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as the PSA vendors send it: RFC 3339 with an offset (`2024-03-01T10:00:00Z`), or an
/// offset-less .NET timestamp (`2024-03-01T10:00:00.123`), or a bare date (`2024-03-01`).
///
/// Offset-less values are read as UTC (the vendors' servers store UTC) and remember that no offset was sent,
/// so they serialize back in the same shape. Compare and sort with [`Timestamp::to_utc`].
///
/// ```
/// use psa_clients_runtime::Timestamp;
/// let with_offset: Timestamp = "2016-08-20T18:04:26Z".parse().unwrap();
/// let dotnet: Timestamp = "2016-08-20T18:04:26".parse().unwrap();
/// assert_eq!(with_offset.to_utc(), dotnet.to_utc());
/// assert!(!dotnet.has_offset());
/// assert_eq!(dotnet.to_string(), "2016-08-20T18:04:26");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    at: DateTime<FixedOffset>,
    has_offset: bool,
}

/// A string that is not a timestamp in any of the accepted shapes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {value:?}: expected RFC 3339 (2024-03-01T10:00:00Z), an offset-less date-time (2024-03-01T10:00:00) or a date (2024-03-01)")]
pub struct TimestampError {
    value: String,
}

impl Timestamp {
    /// The instant, in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.at.with_timezone(&Utc)
    }

    /// The instant with the offset the vendor sent (`+00:00` when it sent none).
    pub fn to_fixed_offset(&self) -> DateTime<FixedOffset> {
        self.at
    }

    /// Whether the vendor sent an offset.
    pub fn has_offset(&self) -> bool {
        self.has_offset
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp {
            at: at.fixed_offset(),
            has_offset: true,
        }
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(at: DateTime<FixedOffset>) -> Self {
        Timestamp {
            at,
            has_offset: true,
        }
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.to_utc()
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(at) = DateTime::parse_from_rfc3339(s) {
            return Ok(Timestamp {
                at,
                has_offset: true,
            });
        }
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
            .or_else(|_| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
            });
        match naive {
            Ok(naive) => Ok(Timestamp {
                at: naive.and_utc().fixed_offset(),
                has_offset: false,
            }),
            Err(_) => Err(TimestampError {
                value: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_offset {
            f.write_str(&self.at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        } else {
            write!(
                f,
                "{}",
                self.at.naive_local().format("%Y-%m-%dT%H:%M:%S%.f")
            )
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_shapes_round_trip() {
        for s in [
            "2016-08-20T18:04:26Z",
            "2019-08-23T16:56:02.453Z",
            "2024-03-01T10:00:00+02:00",
            "2024-03-01T10:00:00",
            "2024-03-01T10:00:00.123",
        ] {
            let t: Timestamp = s.parse().unwrap();
            assert_eq!(t.to_string(), s);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        }
        let date: Timestamp = "2024-03-01".parse().unwrap();
        assert_eq!(date.to_string(), "2024-03-01T00:00:00");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = "2002-08-20T18: 04: 26Z".parse::<Timestamp>().unwrap_err();
        assert!(err.to_string().contains("2002-08-20T18: 04: 26Z"));
        assert!(serde_json::from_str::<Timestamp>("\"\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}
