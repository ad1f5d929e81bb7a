//! The README documents every diagnostic code. Run with UPDATE_README=1 to
//! regenerate its table after adding a code.

use std::fs;
use std::path::Path;

use legalsite::diag::Code;

fn table() -> String {
    let mut out = String::from("| code | problem | example | fix |\n|---|---|---|---|\n");
    for code in Code::ALL {
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ⏎ ");
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} |\n",
            code.as_str(),
            cell(code.summary()),
            cell(code.example()).replace('`', "'"),
            cell(code.fix())
        ));
    }
    out
}

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- codes:start -->\n", "<!-- codes:end -->");
    let from = readme.find(start).unwrap() + start.len();
    let to = readme.find(end).unwrap();
    let expected = table();
    if std::env::var_os("UPDATE_README").is_some() {
        fs::write(
            &path,
            format!("{}{}{}", &readme[..from], expected, &readme[to..]),
        )
        .unwrap();
        return;
    }
    assert_eq!(
        readme[from..to],
        expected,
        "README's code table is stale: run UPDATE_README=1 cargo test readme"
    );
}
