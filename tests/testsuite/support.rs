//! Test support: fixture sites copied to a temporary folder, the real
//! binary run against them, and readers for what it wrote.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

/// The folder of the fixture sites.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A site in a temporary folder.
pub struct TestSite {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_dir(&fixtures().join(name), site.root());
        site
    }

    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the root.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &TestSite {
        let path = self.root().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    /// Rewrites a file of the site (relative to the root) from its text.
    pub fn edit(&self, path: &str, change: impl FnOnce(&str) -> String) -> &TestSite {
        let text = fs::read_to_string(self.root().join(path)).unwrap();
        self.write(path, change(&text))
    }

    pub fn remove(&self, path: &str) -> &TestSite {
        let path = self.root().join(path);
        if path.is_dir() {
            fs::remove_dir_all(path).unwrap();
        } else {
            fs::remove_file(path).unwrap();
        }
        self
    }

    /// Runs `legalsite <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_legalsite"));
        command.args(args).arg("--root").arg(self.root());
        command.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `build --date <date>`, which must succeed.
    pub fn build(&self, date: &str) -> Run {
        let run = self.run(&["build", "--date", date]);
        assert_eq!(run.code, 0, "build failed:\n{}\n{}", run.stdout, run.stderr);
        run
    }

    /// Runs `check` and `build` on `date`: both must fail with exactly one
    /// error, which mentions `needle` (the two agree on what is broken).
    pub fn assert_check_and_build_report_only(&self, date: &str, needle: &str) {
        for command in ["check", "build"] {
            let run = self.run(&[command, "--date", date]);
            let report = format!("{}{}", run.stdout, run.stderr);
            assert_eq!(run.code, 1, "{command}: {report}");
            let errors: Vec<&str> = report.lines().filter(|l| l.starts_with("error[")).collect();
            assert_eq!(errors.len(), 1, "{command}: {report}");
            assert!(errors[0].contains(needle), "{command}: {report}");
        }
    }

    /// A file of the built site.
    pub fn output(&self, path: &str) -> String {
        let path = self.root().join("public").join(path);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn output_exists(&self, path: &str) -> bool {
        self.root().join("public").join(path).exists()
    }

    /// A built page, parsed.
    pub fn page(&self, path: &str) -> Page {
        Page::parse(&self.output(path))
    }

    /// Every file of the built site with its bytes, sorted by path.
    pub fn output_tree(&self) -> Vec<(String, Vec<u8>)> {
        tree(&self.root().join("public"))
    }
}

/// Every file under `dir` with its bytes, sorted by relative path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let relative = entry.path().strip_prefix(from).unwrap();
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A page as a browser reads it.
pub struct Page {
    pub html: Html,
    pub source: String,
}

impl Page {
    pub fn parse(source: &str) -> Page {
        Page {
            html: Html::parse_document(source),
            source: source.to_string(),
        }
    }

    /// Text of the first element matching `selector`, whitespace collapsed.
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches {selector}"))
    }

    /// Texts of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html
            .select(&selector)
            .map(|e| collapse(&e.text().collect::<String>()))
            .collect()
    }

    /// An attribute of the first element matching `selector`.
    pub fn attr(&self, selector: &str, name: &str) -> Option<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(name).map(str::to_string))
    }

    /// The attribute over every match of `selector`.
    pub fn attrs(&self, selector: &str, name: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html
            .select(&selector)
            .filter_map(|e| e.value().attr(name).map(str::to_string))
            .collect()
    }

    pub fn count(&self, selector: &str) -> usize {
        self.html
            .select(&Selector::parse(selector).unwrap())
            .count()
    }

    /// The policy text (SPEC: the element with id="policy-text").
    pub fn policy_text(&self) -> String {
        self.text("#policy-text")
    }
}

/// Whitespace runs become one space; ends trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
