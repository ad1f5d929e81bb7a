//! Property tests of the loader: whatever bytes or YAML an editor saves,
//! loading never panics and every diagnostic points inside the file.

use std::fs;

use proptest::prelude::*;

use crate::support::TestSite;

const FILE: &str = "content/privacy/2026-06-01/en.md";

/// Loads the minimal site with `bytes` as one version file and checks
/// every diagnostic about that file points at a real line and column.
fn load_with(bytes: &[u8]) -> Result<(), TestCaseError> {
    let site = TestSite::fixture("minimal");
    fs::write(site.root().join(FILE), bytes).unwrap();
    let loaded = legalsite::content::load(site.root());
    let text = String::from_utf8_lossy(bytes);
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    for diagnostic in &loaded.diagnostics {
        if diagnostic.file.as_deref() != Some(FILE) {
            continue;
        }
        if let (Some(line), Some(column)) = (diagnostic.line, diagnostic.column) {
            prop_assert!(
                line >= 1 && line <= lines.len(),
                "line {line} of {} lines: {diagnostic:?}",
                lines.len()
            );
            let width = lines[line - 1].chars().count();
            prop_assert!(
                column >= 1 && column <= width + 1,
                "column {column} on a line of {width}: {diagnostic:?}"
            );
        }
    }
    Ok(())
}

fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("true".to_string()),
        Just("maybe".to_string()),
        Just("2026-02-30".to_string()),
        Just("2026-05-24".to_string()),
        Just("[a, b".to_string()),
        Just("\"unterminated".to_string()),
        Just("Privacy: our promise".to_string()),
        Just("{ x: 1 }".to_string()),
        Just("- a\n  - b".to_string()),
        Just("\t- tab".to_string()),
        Just("|\n  block".to_string()),
        Just("&anchor x".to_string()),
        Just("*alias".to_string()),
        "[ -~]{0,30}",
        "\\PC{0,20}",
    ]
}

fn yaml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title".to_string()),
        Just("summary".to_string()),
        Just("sumary".to_string()),
        Just("material".to_string()),
        Just("published".to_string()),
        Just("draft".to_string()),
        Just("corrections".to_string()),
        Just("description".to_string()),
        "[a-z_]{1,12}",
        Just("  indented".to_string()),
        Just("- item".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        load_with(&bytes)?;
    }

    #[test]
    fn arbitrary_text_after_front_matter_markers(body in "\\PC{0,200}", crlf in any::<bool>(), bom in any::<bool>()) {
        let mut text = format!("---\n{body}\n---\n{body}\n");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if bom {
            text.insert(0, '\u{feff}');
        }
        load_with(text.as_bytes())?;
    }

    #[test]
    fn arbitrary_front_matter_yaml(entries in proptest::collection::vec((yaml_key(), yaml_value()), 0..8), closed in any::<bool>()) {
        let mut text = String::from("---\n");
        for (key, value) in entries {
            text.push_str(&format!("{key}: {value}\n"));
        }
        if closed {
            text.push_str("---\n");
        }
        text.push_str("\nSome text.\n");
        load_with(text.as_bytes())?;
    }
}
