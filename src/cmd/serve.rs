//! `legalsite serve`: the live preview (see `crate::serve`).

use crate::cli::ServeArgs;
use crate::serve::{self, Config};

pub fn execute(args: &ServeArgs) -> i32 {
    // Fail early on a bad SOURCE_DATE_EPOCH, like every command; serve
    // reads "today" again for each rebuild.
    if let Err(code) = super::today(&args.common) {
        return code;
    }
    serve::run(&Config {
        root: args.common.root.clone(),
        date: args.common.date,
        drafts: args.drafts,
        bind: args.bind,
        port: args.port,
        base_url: args.base_url.clone(),
        open: args.open,
    })
}
