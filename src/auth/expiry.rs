//! Token expiry instants (BMS `AccessTokenExpireOn`, ConnectWise member-token `expiration`), read with the one
//! date-time parser every generated model uses, [`Timestamp`]: RFC 3339, or an offset-less .NET timestamp read
//! as UTC (a guess: .NET serialises a `DateTime` without an offset when its kind is unspecified, and the
//! vendors' servers keep UTC).

use std::time::SystemTime;

use crate::Timestamp;

/// The instant `text` names, or `None` when it is not a date-time (the caller then picks a safe renewal time).
pub(super) fn expiry_instant(text: &str) -> Option<SystemTime> {
    text.parse::<Timestamp>()
        .ok()
        .map(|at| SystemTime::from(at.to_utc()))
}

#[cfg(test)]
mod tests {
    use super::expiry_instant;
    use std::time::{Duration, SystemTime};

    #[test]
    fn expiries_with_and_without_offset() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(expiry_instant("2023-11-14T22:13:20Z"), Some(at));
        assert_eq!(expiry_instant("2023-11-14T22:13:20"), Some(at));
        // BMS sends .NET's seven fractional digits.
        assert_eq!(expiry_instant("2023-11-14T22:13:20.0000000"), Some(at));
        assert_eq!(expiry_instant("2023-11-14T23:13:20+01:00"), Some(at));
        assert_eq!(expiry_instant("soon"), None);
        assert_eq!(expiry_instant(""), None);
    }
}
