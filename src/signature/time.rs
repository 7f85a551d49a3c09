//! ASN.1 times, read from their raw characters.
//!
//! Why not `der`'s types: RFC 3161 §2.4.2 lets a TSA write `genTime` with fractional seconds
//! (`20130403080727.627Z`, 12 of 68 real tokens do), which DER's `GeneralizedTime` rejects,
//! and older BER signers write UTCTime without seconds or with an offset (X.680 §47).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

use super::ber::{Tlv, tag};
use super::error::{Result, SignatureError};

/// A `Time` (RFC 5280 §4.1.2.5): UTCTime or GeneralizedTime.
pub fn parse_time(tlv: &Tlv<'_>, field: &'static str) -> Result<Timestamp> {
    let bad = SignatureError::BadTime {
        field,
        offset: tlv.offset,
    };
    let text = std::str::from_utf8(tlv.content).map_err(|_| bad.clone())?;
    match tlv.tag {
        tag::UTC_TIME => parse_utc_time(text).ok_or(bad),
        tag::GENERALIZED_TIME => parse_generalized_time(text).ok_or(bad),
        _ => Err(SignatureError::UnexpectedTag {
            field,
            expected: tag::GENERALIZED_TIME,
            found: tlv.tag,
            offset: tlv.offset,
        }),
    }
}

fn digits(s: &str, range: std::ops::Range<usize>) -> Option<i32> {
    let part = s.get(range)?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// `YYMMDDhhmm[ss](Z|±hhmm)`; years 50–99 are 19xx (RFC 5280 §4.1.2.5.1).
pub fn parse_utc_time(s: &str) -> Option<Timestamp> {
    let yy = digits(s, 0..2)?;
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    let (month, day, hour, minute) = (
        digits(s, 2..4)?,
        digits(s, 4..6)?,
        digits(s, 6..8)?,
        digits(s, 8..10)?,
    );
    let (second, zone) = match digits(s, 10..12) {
        Some(sec) => (sec, s.get(12..)?),
        None => (0, s.get(10..)?),
    };
    build(year, month, day, hour, minute, second, 0, zone)
}

/// `YYYYMMDDhhmmss[.f…](Z|±hhmm|)`; a missing zone is read as UTC.
pub fn parse_generalized_time(s: &str) -> Option<Timestamp> {
    let year = digits(s, 0..4)?;
    let (month, day, hour, minute, second) = (
        digits(s, 4..6)?,
        digits(s, 6..8)?,
        digits(s, 8..10)?,
        digits(s, 10..12)?,
        digits(s, 12..14)?,
    );
    let mut rest = s.get(14..)?;
    let mut nanos = 0i32;
    if let Some(frac) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(',')) {
        let len = frac.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        // Nanosecond precision is the most jiff keeps; further digits are dropped.
        let kept = frac.get(..len.min(9))?;
        let scale = 10i32.pow(u32::try_from(9 - kept.len()).ok()?);
        nanos = kept.parse::<i32>().ok()? * scale;
        rest = frac.get(len..)?;
    }
    build(year, month, day, hour, minute, second, nanos, rest)
}

#[allow(clippy::too_many_arguments)] // the fields of one civil time
fn build(
    year: i32,
    month: i32,
    day: i32,
    hour: i32,
    minute: i32,
    second: i32,
    nanos: i32,
    zone: &str,
) -> Option<Timestamp> {
    let offset_seconds = match zone {
        "Z" | "" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if zone.len() != 5 {
                return None;
            }
            sign * (digits(zone, 1..3)? * 3600 + digits(zone, 3..5)? * 60)
        }
    };
    // A leap second (":60") is held at the last instant of the minute.
    let (second, nanos) = if second == 60 {
        (59, 999_999_999)
    } else {
        (second, nanos)
    };
    let dt = DateTime::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    let tz = TimeZone::fixed(Offset::from_seconds(offset_seconds).ok()?);
    dt.to_zoned(tz).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsa_gen_time_with_fractional_seconds_is_kept() {
        let t = parse_generalized_time("20130403080727.627Z").unwrap();
        assert_eq!(t.to_string(), "2013-04-03T08:07:27.627Z");
    }

    #[test]
    fn utc_time_century_window_and_offsets() {
        assert_eq!(
            parse_utc_time("490101000000Z").unwrap().to_string(),
            "2049-01-01T00:00:00Z"
        );
        assert_eq!(
            parse_utc_time("500101000000Z").unwrap().to_string(),
            "1950-01-01T00:00:00Z"
        );
        assert_eq!(
            parse_utc_time("2301011200+0100").unwrap().to_string(),
            "2023-01-01T11:00:00Z"
        );
    }

    #[test]
    fn malformed_times_are_rejected() {
        for bad in [
            "",
            "2013",
            "20131303080727Z",
            "20130403080727.Z",
            "2013040308072x7Z",
        ] {
            assert!(parse_generalized_time(bad).is_none(), "{bad}");
        }
        assert!(parse_utc_time("99").is_none());
    }
}
