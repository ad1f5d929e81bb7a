//! `legalsite check`: run every stage up to rendering, in memory, and
//! report every problem. Writes nothing.

use crate::cli::{CONTENT_ERROR, CheckArgs, OK};
use crate::diag::{Format, render_report};
use crate::pipeline;
use crate::site::Options;

pub fn execute(args: &CheckArgs) -> i32 {
    let today = match super::today(&args.common) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = Options {
        today,
        drafts: args.drafts,
        base_url: None,
    };
    let generated = pipeline::generate(&args.common.root, &options);
    let diagnostics = generated.diagnostics;
    let color = args.format == Format::Text && crate::diag::stderr_color();
    print!("{}", render_report(&diagnostics, args.format, color));
    let errors = diagnostics.iter().any(|d| d.is_error());
    let warnings = diagnostics.iter().any(|d| !d.is_error());
    if errors || (args.strict && warnings) {
        CONTENT_ERROR
    } else {
        OK
    }
}
