//! The catalog of broken sites (`tests/fixtures/invalid/<case>/`): each is
//! `tests/fixtures/minimal/` with the case's files laid over it (and the
//! paths in its `removes.txt` removed). For each: `check` names the problem
//! (snapshotted), exits 1, never panics; `build` fails and leaves the
//! previous `public/` untouched.

use std::fs;

use crate::support::{TestSite, fixtures};

const DATE: &str = "2026-11-30";

/// The minimal site with one case laid over it.
fn broken_site(case: &str) -> TestSite {
    let site = TestSite::fixture("minimal");
    let case_dir = fixtures().join("invalid").join(case);
    if let Ok(removes) = fs::read_to_string(case_dir.join("removes.txt")) {
        for path in removes.lines().filter(|l| !l.trim().is_empty()) {
            site.remove(path.trim());
        }
    }
    for entry in walkdir::WalkDir::new(&case_dir).into_iter().flatten() {
        if entry.file_type().is_file() && entry.file_name() != "removes.txt" {
            let relative = entry.path().strip_prefix(&case_dir).unwrap();
            site.write(&relative.to_string_lossy(), fs::read(entry.path()).unwrap());
        }
    }
    site
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

/// Checks one broken site: no panic; errors exit 1 and a failed build
/// leaves the previous public/ untouched; warnings alone exit 0, and 1
/// with `--strict`. Returns check's output.
fn check_broken(site: &TestSite, case: &str) -> String {
    let check = site.run(&["check", "--date", DATE]);
    assert!(
        !check.stderr.contains("panicked"),
        "{case}: panic\n{}",
        check.stderr
    );
    if check.code == 0 {
        assert!(
            check.stdout.contains("warning["),
            "{case}: nothing reported\n{}",
            check.stdout
        );
        let strict = site.run(&["check", "--date", DATE, "--strict"]);
        assert_eq!(strict.code, 1, "{case}: --strict should fail on warnings");
        return check.stdout;
    }
    assert_eq!(
        check.code, 1,
        "{case}: check should fail\n{}{}",
        check.stdout, check.stderr
    );
    assert!(
        check.stdout.contains("error["),
        "{case}: no error reported\n{}",
        check.stdout
    );

    site.write("public/index.html", "previous site");
    let build = site.run(&["build", "--date", DATE]);
    assert_eq!(build.code, 1, "{case}: build should fail\n{}", build.stderr);
    assert!(
        !build.stderr.contains("panicked"),
        "{case}: panic\n{}",
        build.stderr
    );
    assert_eq!(
        fs::read_to_string(site.root().join("public/index.html")).unwrap(),
        "previous site",
        "{case}: a failed build touched public/"
    );
    check.stdout
}

#[test]
fn every_broken_site_is_explained() {
    for case in cases() {
        let site = broken_site(&case);
        let output = check_broken(&site, &case);
        insta::with_settings!({ snapshot_suffix => case.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("invalid", output);
        });
    }
}

/// Codes whose cases need more than files laid over a site (bytes that
/// are not text, a 50 MB file, a symlink, an unwritable output folder, a
/// dangling link): each has its own test below.
const PROGRAMMATIC: &[&str] = &[
    "not-utf8",
    "file-too-large",
    "symlink-outside",
    "output-not-writable",
    "io",
];

#[test]
fn every_diagnostic_code_has_a_broken_site() {
    let snapshots = fs::read_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/snapshots"),
    )
    .unwrap();
    let mut seen = String::new();
    for entry in snapshots.flatten() {
        if entry.file_name().to_string_lossy().starts_with("invalid@") {
            seen.push_str(&fs::read_to_string(entry.path()).unwrap());
        }
    }
    let missing: Vec<&str> = legalsite::diag::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !PROGRAMMATIC.contains(code))
        .filter(|code| {
            !seen.contains(&format!("error[{code}]")) && !seen.contains(&format!("warning[{code}]"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no case in tests/fixtures/invalid/ shows: {missing:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_link_in_content_is_named() {
    let site = TestSite::fixture("minimal");
    std::os::unix::fs::symlink(
        site.root().join("content/nowhere.md"),
        site.root().join("content/privacy/2026-06-01/fr.md"),
    )
    .unwrap();
    let output = check_broken(&site, "io");
    assert!(
        output.contains("error[io]: this is a link to a file that does not exist"),
        "{output}"
    );
}

#[test]
fn the_json_report_has_the_same_problems() {
    let site = broken_site("unknown-key");
    let run = site.run(&["check", "--date", DATE, "--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["version"], 1);
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "unknown-key");
    assert_eq!(first["file"], "content/privacy/2026-06-01/en.md");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 1);
    assert_eq!(first["help"], "did you mean `summary`?");
}

#[test]
fn github_annotations_point_at_the_line() {
    let site = broken_site("bad-date");
    let run = site.run(&["check", "--date", DATE, "--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("::error file=content/privacy/2026-06-01/en.md,line=4,col=12,title=bad-date::`published`%3A 2026-02-30 is not a date%3A February 2026 has 28 days")
            || run.stdout.contains("::error file=content/privacy/2026-06-01/en.md,line=4,col=12,title=bad-date::"),
        "{}",
        run.stdout
    );
}

#[test]
fn bytes_that_are_not_text_are_named() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/privacy/2026-06-01/en.md",
        b"---\ntitle: Privacy\nsummary: x\n---\nCaf\xe9 au lait\n",
    );
    let output = check_broken(&site, "not-utf8");
    assert!(output.contains("error[not-utf8]"), "{output}");
    assert!(
        output.contains("content/privacy/2026-06-01/en.md:5:4"),
        "{output}"
    );
}

#[test]
fn a_huge_file_is_refused_without_reading_it() {
    let site = TestSite::fixture("minimal");
    let path = site.root().join("content/privacy/2026-06-01/en.md");
    let file = fs::File::create(&path).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let output = check_broken(&site, "file-too-large");
    assert!(output.contains("error[file-too-large]"), "{output}");
    assert!(output.contains("50.0 MB"), "{output}");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_content_is_refused() {
    let site = TestSite::fixture("minimal");
    let outside = site.root().join("secret.md");
    fs::write(&outside, "---\ntitle: Secret\nsummary: x\n---\nsecret\n").unwrap();
    site.remove("content/privacy/2026-06-01/de.md");
    std::os::unix::fs::symlink(
        &outside,
        site.root().join("content/privacy/2026-06-01/de.md"),
    )
    .unwrap();
    let output = check_broken(&site, "symlink-outside");
    assert!(output.contains("error[symlink-outside]"), "{output}");
    assert!(
        output.contains("content/privacy/2026-06-01/de.md"),
        "{output}"
    );
}

#[test]
fn bom_and_crlf_are_fine() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/privacy/2026-06-01/en.md",
        "\u{feff}---\r\ntitle: Privacy Policy\r\nsummary: Adds deletion.\r\n---\r\n\r\nWe collect your email.\r\n",
    );
    site.build(DATE);
    assert_eq!(
        site.page("privacy/index.html").policy_text(),
        "We collect your email."
    );
}

#[test]
fn problems_in_several_files_are_reported_in_one_run() {
    let site = broken_site("unknown-key");
    site.write(
        "content/privacy/2026-01-01/en.md",
        "---\ntitle: Privacy\nmaterial: yes please\n---\nText.\n",
    );
    site.write("content/site.yaml", "title: Minimal\nbase_url: https://minimal.test\ndefault_locale: en\nlocales: [en, de]\nnotice_day: 3\n");
    let run = site.run(&["check", "--date", DATE]);
    assert_eq!(run.code, 1);
    for expected in [
        "content/site.yaml:5:1",
        "content/privacy/2026-01-01/en.md:3:11",
        "content/privacy/2026-06-01/en.md:3:1",
        "content/privacy/2026-06-01/en.md:4:1",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected} in\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("4 errors"), "{}", run.stdout);
}

#[test]
fn an_output_folder_that_cannot_be_written_is_reported() {
    // A path under a plain file cannot be created, whoever runs the test
    // (root ignores read-only permissions, but not this).
    let site = TestSite::fixture("minimal");
    site.write("blocker", "a file, not a folder");
    let out = site.root().join("blocker/public");
    let run = site.run(&["build", "--date", DATE, "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[output-not-writable]"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn usage_errors_exit_2() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.run(&["build", "--date", "2026-02-30"]).code, 2);
    assert_eq!(site.run(&["build", "--frobnicate"]).code, 2);
    assert_eq!(site.run(&["check", "--format", "xml"]).code, 2);
    let run = site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("SOURCE_DATE_EPOCH"));
}

/// `legalsite check | head -1`: once the reader has gone, the commands
/// still finish and exit with their code instead of panicking on the
/// closed pipe.
#[test]
fn a_closed_stdout_is_not_a_crash() {
    use std::process::{Command, Stdio};
    let site = TestSite::fixture("basic");
    for args in [&["check"][..], &["build"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_legalsite"))
            .args(args)
            .args(["--date", "2026-11-30", "--root"])
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command has printed anything.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
