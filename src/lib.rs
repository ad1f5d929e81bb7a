//! legalsite: a static site generator for legal portals.
//!
//! The flow: `content/ --load--> model --plan--> pages --render--> staging --swap--> public/`,
//! with redlines computed between versions on the way.

pub mod markdown;
pub mod redline;
