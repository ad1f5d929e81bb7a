//! `legalsite lock`: record the published versions in
//! `content/versions.lock`. Adds new files and accepts recorded
//! corrections; never rewrites the line of a file that changed silently.

use std::fs;

use crate::cli::{CONTENT_ERROR, Common, OK};
use crate::content::lock;

pub fn execute(common: &Common) -> i32 {
    let today = match super::today(common) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let site = match super::load_sound(&common.root) {
        Ok(site) => site,
        Err(code) => {
            eprintln!("lock: fix these errors first; content/versions.lock was not changed");
            return code;
        }
    };
    let (_, current, lock_errors) = lock::Lock::read(&common.root);
    if !lock_errors.is_empty() {
        super::print_diagnostics(&lock_errors);
        return CONTENT_ERROR;
    }
    let comparison = lock::compare(&site, &current, today);
    let next = lock::updated(&current, &comparison);
    for text in &comparison.new {
        say!("added     {}", text.source.path);
    }
    for text in &comparison.corrected {
        let note = text
            .front
            .corrections
            .last()
            .map(|c| format!(" ({}: {})", c.date, c.note))
            .unwrap_or_default();
        say!("corrected {}{note}", text.source.path);
    }
    if next != current || !common.root.join(lock::PATH).exists() {
        let path = common.root.join(lock::PATH);
        let staging = path.with_extension("lock.tmp");
        let written = fs::write(&staging, next.render()).and_then(|()| fs::rename(&staging, &path));
        if let Err(error) = written {
            let _ = fs::remove_file(&staging);
            eprintln!("error: could not write {}: {error}", lock::PATH);
            return CONTENT_ERROR;
        }
    }
    let refused = lock::verify(&site, &next, None, today)
        .into_iter()
        .filter(|d| d.is_error())
        .collect::<Vec<_>>();
    if !refused.is_empty() {
        super::print_diagnostics(&refused);
        eprintln!("lock: these files changed without a recorded correction; their lines were kept");
        return CONTENT_ERROR;
    }
    say!(
        "{} published files locked ({} added, {} corrections accepted)",
        next.entries.len(),
        comparison.new.len(),
        comparison.corrected.len()
    );
    OK
}
