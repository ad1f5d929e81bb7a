//! Translation coverage: for each policy and locale, whether readers get
//! the text in effect in their language, an older translation, or none
//! (`legalsite check` prints it as a table).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Site, Status, Timeline};

/// The state of one policy in one locale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status")]
pub enum Coverage {
    /// The version in effect is translated.
    Current { version: String },
    /// Only an older version is translated: readers see the prevailing text
    /// with a notice and a link to this one.
    Outdated { version: String },
    /// No version is translated.
    Missing,
}

/// One policy's row of the table.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyCoverage {
    pub policy: String,
    /// The version in effect (or the first upcoming one).
    pub version: Option<String>,
    /// Per locale, in site order.
    pub locales: Vec<LocaleCoverage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LocaleCoverage {
    pub locale: String,
    #[serde(flatten)]
    pub coverage: Coverage,
    /// Announced versions that lack this translation.
    pub upcoming_missing: Vec<String>,
}

/// The coverage table of a site on `today`.
pub fn coverage(site: &Site, today: NaiveDate) -> Vec<PolicyCoverage> {
    site.policies
        .iter()
        .map(|policy| {
            let timeline = Timeline::new(policy, today, false);
            let headline = timeline.headline();
            let locales = site
                .config
                .locales
                .iter()
                .map(|locale| {
                    let coverage = match headline {
                        Some(h) if h.version.text(locale).is_some() => Coverage::Current {
                            version: h.version.id.to_string(),
                        },
                        Some(h) => timeline
                            .entries
                            .iter()
                            .rev()
                            .filter(|e| {
                                e.version.id < h.version.id && e.version.text(locale).is_some()
                            })
                            .map(|e| Coverage::Outdated {
                                version: e.version.id.to_string(),
                            })
                            .next()
                            .unwrap_or(Coverage::Missing),
                        None => Coverage::Missing,
                    };
                    let upcoming_missing = timeline
                        .entries
                        .iter()
                        .filter(|e| {
                            e.status == Status::Upcoming
                                && Some(e.version.id) != headline.map(|h| h.version.id)
                        })
                        .filter(|e| e.version.text(locale).is_none())
                        .map(|e| e.version.id.to_string())
                        .collect();
                    LocaleCoverage {
                        locale: locale.clone(),
                        coverage,
                        upcoming_missing,
                    }
                })
                .collect();
            PolicyCoverage {
                policy: policy.slug.clone(),
                version: headline.map(|h| h.version.id.to_string()),
                locales,
            }
        })
        .collect()
}

/// The table as text, one row per policy.
pub fn render_table(rows: &[PolicyCoverage], locales: &[String]) -> String {
    let cell = |c: &LocaleCoverage| {
        let mut text = match &c.coverage {
            Coverage::Current { .. } => "current".to_string(),
            Coverage::Outdated { version } => format!("outdated ({version})"),
            Coverage::Missing => "missing".to_string(),
        };
        if !c.upcoming_missing.is_empty() {
            text.push_str(&format!(", {} untranslated", c.upcoming_missing.join(", ")));
        }
        text
    };
    let mut table: Vec<Vec<String>> = vec![
        std::iter::once("policy".to_string())
            .chain(locales.iter().cloned())
            .collect(),
    ];
    for row in rows {
        let mut line = vec![row.policy.clone()];
        line.extend(row.locales.iter().map(cell));
        table.push(line);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|i| {
            table
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in table {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<width$}", width = widths[i]))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
