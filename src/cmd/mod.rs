//! One module per subcommand, each with an `execute` that returns the
//! exit code.

/// `println!` that does not panic when standard output is gone
/// (`legalsite check | head -1`, a closed CI log): whoever was reading
/// has left, and the exit code still tells the outcome.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
pub(crate) use say;

pub mod build;
pub mod check;
pub mod lock;
pub mod new;
pub mod notices;
pub mod serve;

use chrono::NaiveDate;

use crate::cli::{Common, USAGE_ERROR};

/// Today's date for a command, or the exit code of a usage error.
pub fn today(common: &Common) -> Result<NaiveDate, i32> {
    match crate::clock::today(common.date) {
        Ok((date, _)) => Ok(date),
        Err(problem) => {
            eprintln!("error: {problem}\nhelp: unset it or pass --date YYYY-MM-DD");
            Err(USAGE_ERROR)
        }
    }
}

/// The site, when it loads without errors; else the errors are printed and
/// the exit code returned (for commands that need a sound site).
pub fn load_sound(root: &std::path::Path) -> Result<crate::model::Site, i32> {
    let loaded = crate::content::load(root);
    let errors: Vec<_> = loaded
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    match loaded.site {
        Some(site) if errors.is_empty() => Ok(site),
        _ => {
            print_diagnostics(&errors);
            Err(crate::cli::CONTENT_ERROR)
        }
    }
}

/// Prints diagnostics to stderr (text, with colour on a terminal).
pub fn print_diagnostics(diagnostics: &[crate::diag::Diagnostic]) {
    let color = crate::diag::stderr_color();
    for diagnostic in diagnostics {
        eprintln!("{}\n", diagnostic.render_text(color));
    }
}

/// Lets a command's run end without freeing what it loaded: the process
/// exits next and the system takes its memory back at once, while freeing
/// a large site's texts one by one kept a check waiting 17 ms at 10,000
/// versions. Only for commands that return to `main` right after.
pub fn end_with(generated: crate::pipeline::Generated) {
    std::mem::forget(generated);
}
