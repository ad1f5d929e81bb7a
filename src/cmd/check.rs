//! `legalsite check`: run every stage up to rendering, in memory, and
//! report every problem, then the translation table. Writes nothing.

use serde_json::json;

use crate::cli::{CONTENT_ERROR, CheckArgs, OK};
use crate::diag::{Format, render_report};
use crate::pipeline;
use crate::site::{Discard, Options};
use crate::translations::{coverage, render_table};

pub fn execute(args: &CheckArgs) -> i32 {
    let today = match super::today(&args.common) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = Options {
        today,
        drafts: args.drafts,
        base_url: None,
        checking: true,
    };
    // Rendered in memory and thrown away: check writes nothing. One
    // comparison per policy and language exercises the compare template;
    // the other redlines cannot fail and are left to `build`.
    let generated = pipeline::generate_into(&args.common.root, &options, &Discard);
    let diagnostics = &generated.diagnostics;
    let table = generated
        .site
        .as_ref()
        .map(|site| (coverage(site, today), site.config.locales.clone()));
    match args.format {
        Format::Json => {
            let mut report: serde_json::Value =
                serde_json::from_str(&render_report(diagnostics, Format::Json, false))
                    .unwrap_or_default();
            if let (Some(object), Some((rows, _))) = (report.as_object_mut(), &table) {
                object.insert("translations".to_string(), json!(rows));
                object.insert("date".to_string(), json!(today.to_string()));
            }
            say!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        format => {
            let color = format == Format::Text && crate::diag::stderr_color();
            let report = render_report(diagnostics, format, color);
            let (body, count) = report
                .trim_end()
                .rsplit_once('\n')
                .unwrap_or(("", report.trim_end()));
            if !body.is_empty() {
                say!("{body}");
            }
            if let (Format::Text, Some((rows, locales))) = (format, &table) {
                say!("Translations on {today}:\n{}", render_table(rows, locales));
            }
            say!("{count}");
        }
    }
    let errors = diagnostics.iter().any(|d| d.is_error());
    let warnings = diagnostics.iter().any(|d| !d.is_error());
    super::end_with(generated);
    if errors || (args.strict && warnings) {
        CONTENT_ERROR
    } else {
        OK
    }
}
