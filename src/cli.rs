//! The command line: arguments (clap) and the dispatch to one `cmd`
//! module per subcommand. Exit codes: 0 success, 1 content errors, 2 usage.

use std::ffi::OsString;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::cmd;
use crate::diag::Format;

/// Exit code: success.
pub const OK: i32 = 0;
/// Exit code: the content has errors.
pub const CONTENT_ERROR: i32 = 1;
/// Exit code: the command line is wrong.
pub const USAGE_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "legalsite",
    version,
    about = "A static site generator for legal portals: versioned policies, changelogs, redlines, translations."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build(BuildArgs),
    /// Report every problem in the site, write nothing.
    Check(CheckArgs),
    /// Start a new version of a policy from its latest one, as a draft.
    New(NewArgs),
    /// Record newly published versions in content/versions.lock.
    Lock(LockArgs),
    /// Print the notices of upcoming material changes (for a mailer).
    Notices(NoticesArgs),
    /// Preview the site: build, serve on 127.0.0.1, rebuild and reload on save.
    Serve(ServeArgs),
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// The site's folder (holding content/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// "Today", as YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else the clock).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::clock::parse_date_arg)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output folder (default: public/ under the root).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Include drafts and versions not published yet (deploy previews).
    #[arg(long)]
    pub drafts: bool,
    /// Override site.yaml's base_url (deploy previews).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// The policy (its folder in content/), e.g. privacy.
    pub policy: String,
    /// The new version's effective date (default: today).
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Args)]
pub struct NoticesArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = NoticesFormat::Text)]
    pub format: NoticesFormat,
}

/// How `notices` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoticesFormat {
    /// The plain-text email of each notice.
    Text,
    /// Every notice as JSON (the fields of notices.json).
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    /// Port to listen on (default: 4000, or a free one if 4000 is taken; 0: any free port).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Address to listen on; other than 127.0.0.1 or ::1 the preview is open to your network.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include drafts and versions not published yet.
    #[arg(long)]
    pub drafts: bool,
    /// Base URL of the pages' absolute links (default: the preview's own address).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Open the preview in the browser.
    #[arg(long)]
    pub open: bool,
}

/// Runs legalsite with these arguments; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { USAGE_ERROR } else { OK };
        }
    };
    match cli.command {
        Command::Build(args) => cmd::build::execute(&args),
        Command::Check(args) => cmd::check::execute(&args),
        Command::New(args) => cmd::new::execute(&args),
        Command::Lock(args) => cmd::lock::execute(&args.common),
        Command::Notices(args) => cmd::notices::execute(&args),
        Command::Serve(args) => cmd::serve::execute(&args),
    }
}
