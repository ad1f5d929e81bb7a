//! `legalsite new <policy> [--date D]`: start a new version of a policy as
//! a draft copy of its latest version, in every language it has.

use std::fs;

use crate::cli::{CONTENT_ERROR, NewArgs, OK, USAGE_ERROR};
use crate::content;
use crate::diag::did_you_mean;
use crate::model::{Text, VersionId};

pub fn execute(args: &NewArgs) -> i32 {
    let date = match super::today(&args.common) {
        Ok(date) => date,
        Err(code) => return code,
    };
    let loaded = content::load(&args.common.root);
    let Some(site) = loaded.site else {
        super::print_diagnostics(&loaded.diagnostics);
        return CONTENT_ERROR;
    };
    let Some(policy) = site.policy(&args.policy) else {
        let slugs = site.policy_slugs();
        let known: Vec<&str> = slugs.iter().map(String::as_str).collect();
        let hint = match did_you_mean(&args.policy, &known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the policies are: {}; a new policy starts with content/{}/YYYY-MM-DD/{}.md written by hand",
                known.join(", "),
                args.policy,
                site.config.default_locale
            ),
        };
        eprintln!(
            "error: there is no policy \"{}\"\nhelp: {hint}",
            args.policy
        );
        return USAGE_ERROR;
    };
    let Some(latest) = policy.versions.last() else {
        eprintln!("error: {} has no version to start from", args.policy);
        return CONTENT_ERROR;
    };
    let id = VersionId::new(date);
    if id <= latest.id {
        eprintln!(
            "error: {date} is not after the latest version of {} ({})\nhelp: pass --date with the day the new version takes effect, after {}",
            args.policy, latest.id, latest.id.date
        );
        return USAGE_ERROR;
    }
    let folder = args
        .common
        .root
        .join("content")
        .join(&policy.slug)
        .join(id.to_string());
    let display = format!("content/{}/{id}/", policy.slug);
    if folder.exists() {
        eprintln!("error: {display} already exists; legalsite new never overwrites a version");
        return USAGE_ERROR;
    }
    if let Err(error) = write_version(&folder, &latest.texts) {
        let _ = fs::remove_dir_all(&folder);
        eprintln!("error: could not create {display}: {error}");
        return CONTENT_ERROR;
    }
    let locales: Vec<&str> = latest.texts.iter().map(|t| t.locale.as_str()).collect();
    let notice = chrono::Days::new(u64::from(site.config.notice_days));
    let publish_by = date
        .checked_sub_days(notice)
        .map_or_else(String::new, |d| d.to_string());
    say!(
        "Created {display} ({}) from {}, as a draft.",
        locales.join(", "),
        latest.id
    );
    say!("Next:");
    say!("  1. Edit the text in each file ({display}<locale>.md).");
    say!("  2. Fill in `summary:` with one line on what changed, in each language.");
    say!(
        "  3. If users must be told (a material change), set `material: true` and `published:` no later than {publish_by} ({} days' notice).",
        site.config.notice_days
    );
    say!("  4. Remove `draft: true` when it is approved, then run `legalsite check`.");
    OK
}

fn write_version(folder: &std::path::Path, texts: &[Text]) -> std::io::Result<()> {
    fs::create_dir_all(folder)?;
    for text in texts {
        let mut front = String::from("---\n");
        front.push_str(&format!("title: {}\n", yaml_string(&text.front.title)));
        front.push_str("summary: \"\"  # one line: what changed (required before publishing)\n");
        if let Some(description) = &text.front.description {
            front.push_str(&format!("description: {}\n", yaml_string(description)));
        }
        front.push_str("draft: true\n---\n");
        fs::write(
            folder.join(format!("{}.md", text.locale)),
            format!("{front}{}", text.body()),
        )?;
    }
    Ok(())
}

/// A YAML double-quoted string.
fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
