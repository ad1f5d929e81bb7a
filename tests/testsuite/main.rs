//! The one integration-test binary: a module per feature, fixture sites in
//! `tests/fixtures/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod build;
mod compare;
mod diagnostics;
mod history;
mod languages;
mod loader_properties;
mod notices;
mod portal;
mod readme;
mod redline;
mod serve;
mod support;
