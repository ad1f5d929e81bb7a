//! `legalsite build`: render the site straight into a staging folder and
//! swap it into the output folder when everything succeeded.

use std::time::Instant;

use crate::cli::{BuildArgs, CONTENT_ERROR, OK};
use crate::diag::count_line;
use crate::output::Staging;
use crate::pipeline::{self, Schedule};
use crate::site::Options;

pub fn execute(args: &BuildArgs) -> i32 {
    let started = Instant::now();
    let today = match super::today(&args.common) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let root = &args.common.root;
    let out = args.out.clone().unwrap_or_else(|| root.join("public"));
    let options = Options {
        today,
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        checking: false,
    };
    let staging = match Staging::create(root, &out) {
        Ok(staging) => staging,
        Err(error) => {
            super::print_diagnostics(&[error.diagnostic()]);
            eprintln!("build failed; {} was left as it was", out.display());
            return CONTENT_ERROR;
        }
    };
    let generated = pipeline::generate_into(root, &options, &staging);
    super::print_diagnostics(&generated.diagnostics);
    let errors = generated
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .count();
    let warnings = generated.diagnostics.len() - errors;
    if !generated.succeeded {
        // Dropping the staging folder removes it.
        eprintln!(
            "build failed: {}; {} was left as it was",
            count_line(errors, warnings),
            out.display()
        );
        return CONTENT_ERROR;
    }
    let (files, pages) = staging.counts();
    if let Err(error) = staging.commit() {
        super::print_diagnostics(&[error.diagnostic()]);
        eprintln!("build failed; {} was left as it was", out.display());
        return CONTENT_ERROR;
    }
    say!(
        "Built {pages} pages ({files} files) for {today} in {:.2} s into {}{}",
        started.elapsed().as_secs_f64(),
        out.display(),
        if warnings > 0 {
            format!(" ({})", count_line(0, warnings))
        } else {
            String::new()
        }
    );
    print_schedule(&generated.schedule);
    super::end_with(generated);
    OK
}

/// A static site only changes when rebuilt: say when it goes stale.
fn print_schedule(schedule: &Schedule) {
    for (policy, version, date) in &schedule.upcoming {
        say!("Upcoming: {policy} {version} takes effect on {date}.");
    }
    if let Some(date) = schedule.next_rebuild {
        say!("Next rebuild needed on {date} (see README, \"Scheduled rebuilds\").");
    }
}
