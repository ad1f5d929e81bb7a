//! legalsite: a static site generator for legal portals.
//!
//! The flow: `content/ --load--> model --plan--> pages --render--> staging --swap--> public/`,
//! with redlines computed between versions on the way.

pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diag;
pub mod fields;
pub mod i18n;
pub mod lint;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod redline;
pub mod serve;
pub mod site;
pub mod source;
pub mod templates;
pub mod theme;
pub mod translations;
pub mod yaml;
