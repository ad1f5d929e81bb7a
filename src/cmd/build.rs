//! `legalsite build`: render the site and swap it into the output folder.

use std::time::Instant;

use crate::cli::{BuildArgs, CONTENT_ERROR, OK};
use crate::diag::count_line;
use crate::output;
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
    };
    let generated = pipeline::generate(root, &options);
    super::print_diagnostics(&generated.diagnostics);
    let errors = generated
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .count();
    let warnings = generated.diagnostics.len() - errors;
    let Some(files) = generated.files else {
        eprintln!(
            "build failed: {}; {} was left as it was",
            count_line(errors, warnings),
            out.display()
        );
        return CONTENT_ERROR;
    };
    if let Err(error) = output::write_site(root, &out, &files) {
        super::print_diagnostics(&[error.diagnostic()]);
        eprintln!("build failed; {} was left as it was", out.display());
        return CONTENT_ERROR;
    }
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    println!(
        "Built {pages} pages ({} files) for {today} in {:.2} s into {}{}",
        files.len(),
        started.elapsed().as_secs_f64(),
        out.display(),
        if warnings > 0 {
            format!(" ({})", count_line(0, warnings))
        } else {
            String::new()
        }
    );
    print_schedule(&generated.schedule);
    OK
}

/// A static site only changes when rebuilt: say when it goes stale.
fn print_schedule(schedule: &Schedule) {
    for (policy, version, date) in &schedule.upcoming {
        println!("Upcoming: {policy} {version} takes effect on {date}.");
    }
    if let Some(date) = schedule.next_rebuild {
        println!("Next rebuild needed on {date} (see README, \"Scheduled rebuilds\").");
    }
}
