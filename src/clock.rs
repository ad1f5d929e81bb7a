//! "Today": the only place legalsite reads the time (SPEC "Time").
//!
//! In order: `--date YYYY-MM-DD`, else `SOURCE_DATE_EPOCH` (seconds since
//! 1970, the reproducible-builds convention), else the UTC clock.

use chrono::{DateTime, NaiveDate, Utc};

/// Where today's date came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    SourceDateEpoch,
    Clock,
}

/// Today's date for this run.
pub fn today(flag: Option<NaiveDate>) -> Result<(NaiveDate, Origin), String> {
    if let Some(date) = flag {
        return Ok((date, Origin::Flag));
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) if !value.trim().is_empty() => {
            from_epoch(&value).map(|d| (d, Origin::SourceDateEpoch))
        }
        _ => Ok((Utc::now().date_naive(), Origin::Clock)),
    }
}

fn from_epoch(value: &str) -> Result<NaiveDate, String> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
        .map(|t| t.date_naive())
        .ok_or_else(|| {
            format!("SOURCE_DATE_EPOCH is \"{value}\", not a number of seconds since 1970")
        })
}

/// Reads a `--date` argument (clap value parser).
pub fn parse_date_arg(text: &str) -> Result<NaiveDate, String> {
    crate::fields::parse_date(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_become_a_utc_date() {
        assert_eq!(
            from_epoch("1779580800").unwrap(),
            NaiveDate::from_ymd_opt(2026, 5, 24).unwrap()
        );
        assert!(from_epoch("yesterday").is_err());
    }

    #[test]
    fn the_flag_wins() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        assert_eq!(today(Some(date)).unwrap(), (date, Origin::Flag));
    }
}
