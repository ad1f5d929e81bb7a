//! The site as data: policies, their versions, each version's translations,
//! and where each version stands on a given day.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::config::SiteConfig;
use crate::source::SourceFile;

/// A loaded site.
#[derive(Debug, Clone)]
pub struct Site {
    /// The folder that holds `content/`, `themes/`, `static/`.
    pub root: PathBuf,
    pub config: SiteConfig,
    /// In navigation order (`policies` in site.yaml, then by slug).
    pub policies: Vec<Policy>,
}

impl Site {
    pub fn policy(&self, slug: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.slug == slug)
    }

    pub fn policy_slugs(&self) -> Vec<String> {
        self.policies.iter().map(|p| p.slug.clone()).collect()
    }
}

/// One policy (`content/<slug>/`) and its versions, oldest first.
#[derive(Debug, Clone)]
pub struct Policy {
    pub slug: String,
    pub versions: Vec<Version>,
}

/// A version's id: its effective date, and a sequence number for a second
/// version on the same day (`2022-02-23-2`). Orders by date, then sequence
/// (so `-10` sorts after `-9`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionId {
    pub date: NaiveDate,
    /// 1 for the first version of the day (written without a suffix).
    pub seq: u32,
}

impl VersionId {
    pub fn new(date: NaiveDate) -> VersionId {
        VersionId { date, seq: 1 }
    }

    /// Reads a folder name: `YYYY-MM-DD`, or `YYYY-MM-DD-N` for the Nth
    /// version of a day. `-1` and leading zeros are read too, so that
    /// `2026-06-01` and `2026-06-01-1` are found to be the same version.
    pub fn parse(name: &str) -> Result<VersionId, String> {
        let (date_part, seq) = match name.get(10..) {
            Some("") | None => (name, 1),
            Some(rest) => match rest.strip_prefix('-').map(str::parse::<u32>) {
                Some(Ok(n)) if n >= 1 => (&name[..10], n),
                _ => return Err(format!("\"{name}\" is not a date written as YYYY-MM-DD")),
            },
        };
        let date = crate::fields::parse_date(date_part)?;
        Ok(VersionId { date, seq })
    }

    /// The id as written, for views (see [`Self::push_to`]).
    pub fn string(&self) -> String {
        let mut id = String::with_capacity(12);
        self.push_to(&mut id);
        id
    }

    /// Appends the id as written (`2026-05-24`, `2026-05-24-2`) without
    /// the formatting machinery: ids go into ~300,000 URLs and ~150,000
    /// history items at 10,000 versions.
    pub fn push_to(&self, out: &mut String) {
        out.push_str(std::str::from_utf8(&IsoDate(self.date).ascii()).unwrap_or_default());
        if self.seq > 1 {
            out.push('-');
            out.push_str(&self.seq.to_string());
        }
    }
}

/// A date as `YYYY-MM-DD`. Written by hand: chrono's general formatter
/// showed up in profiles, and every URL and JSON field of the site has dates.
pub struct IsoDate(pub NaiveDate);

impl IsoDate {
    /// The date as its ten ASCII bytes.
    pub fn ascii(&self) -> [u8; 10] {
        use chrono::Datelike;
        let date = self.0;
        let year = date.year().clamp(0, 9999) as u32;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(date.month() / 10),
            digit(date.month()),
            b'-',
            digit(date.day() / 10),
            digit(date.day()),
        ]
    }

    /// The date as a String, without the formatting machinery.
    pub fn string(&self) -> String {
        std::str::from_utf8(&self.ascii())
            .map(str::to_string)
            .unwrap_or_default()
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::str::from_utf8(&self.ascii()).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Display for VersionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.string())
    }
}

/// One version of a policy (`content/<slug>/<version>/`).
#[derive(Debug, Clone)]
pub struct Version {
    pub id: VersionId,
    /// When the text was made public (the default locale's `published`,
    /// else the effective date).
    pub published: NaiveDate,
    pub material: bool,
    pub draft: bool,
    /// Translations, in the order of `locales` in site.yaml. The default
    /// locale's is always there.
    pub texts: Vec<Text>,
}

impl Version {
    /// The date it takes effect.
    pub fn effective(&self) -> NaiveDate {
        self.id.date
    }

    pub fn text(&self, locale: &str) -> Option<&Text> {
        self.texts.iter().find(|t| t.locale == locale)
    }

    /// The text in the default locale (every version has one).
    pub fn default_text(&self, config: &SiteConfig) -> Option<&Text> {
        self.text(&config.default_locale)
    }
}

/// One translation of a version: a `<locale>.md` file.
#[derive(Debug, Clone)]
pub struct Text {
    pub locale: String,
    pub source: SourceFile,
    pub front: FrontMatter,
    /// Byte range of the Markdown body in `source.text`.
    pub body: Range<usize>,
    /// The file's bytes on disk, for [`Text::sha256`].
    pub file: FileBytes,
}

/// What a text needs of its file's bytes to hash them when asked: the
/// lock and versions.json ask, a `check` of a site without a lock never
/// does (hashing every text was 3 % of its time).
#[derive(Debug, Clone, Default)]
pub struct FileBytes {
    /// The bytes, kept only when they differ from `source.text` (a
    /// byte-order mark, CRLF line ends).
    raw: Option<Box<[u8]>>,
    sha256: OnceLock<String>,
}

impl FileBytes {
    /// The bytes of a file whose text is `text` (as `SourceFile` reads it).
    pub fn new(bytes: &[u8], text: &str) -> FileBytes {
        FileBytes {
            raw: (bytes != text.as_bytes()).then(|| bytes.into()),
            sha256: OnceLock::new(),
        }
    }
}

impl Text {
    /// The Markdown body: the policy text itself.
    pub fn body(&self) -> &str {
        self.source.text.get(self.body.clone()).unwrap_or("")
    }

    /// sha256 of the file's bytes on disk, lower-case hex.
    pub fn sha256(&self) -> &str {
        self.file.sha256.get_or_init(|| {
            let bytes = self
                .file
                .raw
                .as_deref()
                .unwrap_or(self.source.text.as_bytes());
            hex(&Sha256::digest(bytes))
        })
    }

    /// 1-based line of the file where the body starts.
    pub fn body_first_line(&self) -> usize {
        self.source.line_col(self.body.start).0
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// The front matter of a version file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: String,
    pub summary: Option<String>,
    pub material: Option<bool>,
    pub published: Option<NaiveDate>,
    pub draft: Option<bool>,
    pub description: Option<String>,
    pub corrections: Vec<Correction>,
}

/// An editorial fix made after publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub date: NaiveDate,
    pub note: String,
}

/// Where a version stands on a given day (SPEC "Time").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The newest public version in effect.
    Current,
    /// Public, takes effect later.
    Upcoming,
    /// Was in effect, replaced since.
    Archived,
    /// Not public: `draft: true`, or published after today.
    Draft,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Upcoming => "upcoming",
            Status::Archived => "archived",
            Status::Draft => "draft",
        }
    }

    /// The theme's interface string that names the status (`status_current`).
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Current => "status_current",
            Status::Upcoming => "status_upcoming",
            Status::Archived => "status_archived",
            Status::Draft => "status_draft",
        }
    }
}

/// The versions of one policy that a build shows, with their status.
#[derive(Debug, Clone)]
pub struct Timeline<'a> {
    pub policy: &'a Policy,
    /// Oldest first; drafts only when the build includes them.
    pub entries: Vec<Entry<'a>>,
}

/// One version in a timeline.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub version: &'a Version,
    pub status: Status,
    /// The day the next public version took (or takes) effect, for
    /// "in effect from A to B".
    pub until: Option<NaiveDate>,
}

impl<'a> Timeline<'a> {
    /// Places each version of `policy` on `today`.
    pub fn new(policy: &'a Policy, today: NaiveDate, drafts: bool) -> Timeline<'a> {
        let public = |v: &Version| !v.draft && v.published <= today;
        let current = policy
            .versions
            .iter()
            .rposition(|v| public(v) && v.effective() <= today);
        let mut entries = Vec::new();
        for (index, version) in policy.versions.iter().enumerate() {
            let status = if !public(version) {
                Status::Draft
            } else if Some(index) == current {
                Status::Current
            } else if version.effective() > today {
                Status::Upcoming
            } else {
                Status::Archived
            };
            if status == Status::Draft && !drafts {
                continue;
            }
            let until = policy.versions[index + 1..]
                .iter()
                .find(|v| public(v))
                .map(Version::effective);
            entries.push(Entry {
                version,
                status,
                until,
            });
        }
        Timeline { policy, entries }
    }

    /// The version in effect, if any.
    pub fn current(&self) -> Option<Entry<'a>> {
        self.entries
            .iter()
            .copied()
            .find(|e| e.status == Status::Current)
    }

    /// What `/<policy>/` shows: the current version, or before any version
    /// takes effect, the first one that will.
    pub fn headline(&self) -> Option<Entry<'a>> {
        self.current().or_else(|| {
            self.entries
                .iter()
                .copied()
                .find(|e| e.status == Status::Upcoming)
        })
    }

    pub fn upcoming(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.entries
            .iter()
            .copied()
            .filter(|e| e.status == Status::Upcoming)
    }

    /// The entry shown just before `id` (its predecessor in the history).
    pub fn previous(&self, id: VersionId) -> Option<Entry<'a>> {
        let index = self.entries.iter().position(|e| e.version.id == id)?;
        index.checked_sub(1).map(|i| self.entries[i])
    }

    pub fn get(&self, id: VersionId) -> Option<Entry<'a>> {
        self.entries.iter().copied().find(|e| e.version.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }

    /// The lock records the hash of the file as it is on disk, whatever
    /// reading it normalized (a byte-order mark, Windows line ends).
    #[test]
    fn a_text_hashes_its_file_as_it_is_on_disk() {
        for bytes in [
            &b"---\ntitle: T\n---\nBody\n"[..],
            b"\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\nBody\r\n",
        ] {
            let source = crate::source::decode("content/p/2026-01-01/en.md", bytes).unwrap();
            let text = Text {
                locale: "en".into(),
                file: FileBytes::new(bytes, &source.text),
                body: 0..source.text.len(),
                source,
                front: FrontMatter::default(),
            };
            assert_eq!(text.sha256(), hex(&Sha256::digest(bytes)));
        }
    }

    fn version(id: &str, published: Option<&str>, draft: bool) -> Version {
        let id = VersionId::parse(id).unwrap();
        Version {
            id,
            published: published.map_or(id.date, date),
            material: false,
            draft,
            texts: Vec::new(),
        }
    }

    #[test]
    fn iso_dates_are_zero_padded() {
        assert_eq!(IsoDate(date("2026-05-04")).to_string(), "2026-05-04");
        assert_eq!(IsoDate(date("0999-12-31")).to_string(), "0999-12-31");
        assert_eq!(IsoDate(date("2027-01-15")).string(), "2027-01-15");
    }

    #[test]
    fn version_ids_parse_and_order_naturally() {
        let a = VersionId::parse("2022-02-23").unwrap();
        let b = VersionId::parse("2022-02-23-2").unwrap();
        let c = VersionId::parse("2022-02-23-10").unwrap();
        assert!(a < b && b < c);
        assert_eq!(c.to_string(), "2022-02-23-10");
        assert_eq!(a.to_string(), "2022-02-23");
        let mut url = String::from("/privacy/");
        b.push_to(&mut url);
        assert_eq!(url, "/privacy/2022-02-23-2");
        assert_eq!(VersionId::parse("2022-02-23-1").unwrap(), a);
        assert_eq!(VersionId::parse("2022-02-23-02").unwrap(), b);
        assert!(VersionId::parse("2022-02-23-0").is_err());
        assert!(
            VersionId::parse("2022-02-30")
                .unwrap_err()
                .contains("February 2022 has 28 days")
        );
        assert!(VersionId::parse("latest").is_err());
        assert!(VersionId::parse("2022-02-23-x").is_err());
    }

    #[test]
    fn statuses_follow_today() {
        let policy = Policy {
            slug: "privacy".into(),
            versions: vec![
                version("2024-01-01", None, false),
                version("2025-01-01", None, false),
                version("2026-01-01", Some("2025-11-01"), false),
                version("2026-06-01", Some("2026-03-01"), false),
                version("2026-09-01", None, true),
            ],
        };
        let statuses = |today: &str, drafts: bool| -> Vec<(String, Status)> {
            Timeline::new(&policy, date(today), drafts)
                .entries
                .iter()
                .map(|e| (e.version.id.to_string(), e.status))
                .collect()
        };
        assert_eq!(
            statuses("2025-12-01", false),
            [
                ("2024-01-01".into(), Status::Archived),
                ("2025-01-01".into(), Status::Current),
                ("2026-01-01".into(), Status::Upcoming),
            ]
        );
        let with_drafts = statuses("2025-12-01", true);
        assert_eq!(with_drafts[3], ("2026-06-01".into(), Status::Draft));
        assert_eq!(with_drafts[4], ("2026-09-01".into(), Status::Draft));
        let later = Timeline::new(&policy, date("2026-07-01"), false);
        assert_eq!(
            later.current().unwrap().version.id.to_string(),
            "2026-06-01"
        );
        assert_eq!(later.entries[1].until, Some(date("2026-01-01")));
    }

    #[test]
    fn before_anything_takes_effect_the_first_upcoming_version_leads() {
        let policy = Policy {
            slug: "terms".into(),
            versions: vec![version("2027-01-01", Some("2026-11-01"), false)],
        };
        let timeline = Timeline::new(&policy, date("2026-12-01"), false);
        assert!(timeline.current().is_none());
        assert_eq!(timeline.headline().unwrap().status, Status::Upcoming);
    }
}
