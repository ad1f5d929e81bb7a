//! `legalsite notices [--format json|text]`: the notices of upcoming
//! material changes, for a scripted mailer. The same data as the site's
//! notices.json and notice.html/notice.txt, for every locale.

use serde_json::json;

use crate::cli::{CONTENT_ERROR, NoticesArgs, NoticesFormat, OK};
use crate::site::{Build, Options, notices};
use crate::theme::Theme;

pub fn execute(args: &NoticesArgs) -> i32 {
    let today = match super::today(&args.common) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let site = match super::load_sound(&args.common.root) {
        Ok(site) => site,
        Err(code) => return code,
    };
    let theme = match Theme::new(&site.root, &site.config) {
        Ok(theme) => theme,
        Err(diagnostic) => {
            super::print_diagnostics(&[diagnostic]);
            return CONTENT_ERROR;
        }
    };
    let options = Options {
        today,
        drafts: false,
        base_url: None,
        checking: false,
    };
    let build = match Build::new(&site, &theme, options) {
        Ok((build, _)) => build,
        Err(diagnostics) => {
            super::print_diagnostics(&diagnostics);
            return CONTENT_ERROR;
        }
    };
    let sections = build.changed_sections();
    let all: Vec<notices::Notice> = site
        .config
        .locales
        .iter()
        .flat_map(|locale| notices::notices(&build, locale, &sections))
        .collect();
    match args.format {
        NoticesFormat::Json => {
            let report = json!({ "schema": crate::site::json::SCHEMA, "date": today.to_string(), "notices": all });
            say!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        NoticesFormat::Text => {
            if all.is_empty() {
                say!("No notices on {today}: no material change is announced.");
            }
            for notice in &all {
                match notices::email_text(&build, notice) {
                    Ok(text) => say!("=== {} ({}) ===\n{text}", notice.id, notice.locale),
                    Err(diagnostic) => {
                        super::print_diagnostics(&[diagnostic]);
                        return CONTENT_ERROR;
                    }
                }
            }
        }
    }
    OK
}
