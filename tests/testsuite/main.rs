//! The one integration-test binary: a module per feature, fixture sites in
//! `tests/fixtures/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod build;
mod diagnostics;
mod history;
mod languages;
mod portal;
mod readme;
mod serve;
mod support;
