//! A deterministic corpus of versioned, multilingual policies, for
//! benchmarks: `P` policies × `V` versions × `L` locales of about `W`
//! words each, with the revisions real policies get between versions
//! (sentences edited, items and paragraphs inserted or removed, rows
//! added, a section moved). The same texts can be written as a legalsite
//! site or as a Hugo site, so both tools build the same pages.
//!
//! ```text
//! cargo run --release --bin gencorpus -- OUT --policies 20 --versions 10 \
//!     --locales 5 --words 1500 --seed 1 [--layout ours|hugo]
//! ```
//!
//! Output depends only on the arguments.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const LOCALES: &[&str] = &[
    "en", "de", "fr", "es", "it", "nl", "pt", "pl", "ja", "ar", "sv", "da",
];
const POLICIES: &[(&str, &str)] = &[
    ("privacy", "Privacy Policy"),
    ("terms", "Terms of Service"),
    ("cookies", "Cookie Policy"),
    ("dpa", "Data Processing Addendum"),
    ("acceptable-use", "Acceptable Use Policy"),
];
const SUBJECTS: &[&str] = &[
    "We",
    "Example Corp",
    "Our service providers",
    "You",
    "Each subprocessor",
    "The data controller",
    "Our support team",
    "Authorised personnel",
    "The payment processor",
    "Your organisation",
];
const VERBS: &[&str] = &[
    "collect",
    "process",
    "store",
    "share",
    "retain",
    "delete",
    "disclose",
    "use",
    "transfer",
    "anonymise",
    "review",
    "encrypt",
    "access",
    "export",
    "restrict",
];
const OBJECTS: &[&str] = &[
    "your account data",
    "usage events",
    "the content you upload",
    "billing information",
    "support messages",
    "device identifiers",
    "server logs",
    "your email address",
    "payment records",
    "the settings you choose",
    "aggregated statistics",
    "backup copies",
    "security logs",
    "your contact details",
    "records of your consent",
];
const QUALIFIERS: &[&str] = &[
    "to provide the Service",
    "for as long as your account exists",
    "where required by law",
    "with your consent",
    "within 30 days of your request",
    "to prevent fraud and abuse",
    "in the European Union",
    "under the Standard Contractual Clauses",
    "for legitimate business purposes",
    "only as described in this policy",
    "to comply with our legal obligations",
    "for no longer than 24 months",
    "on our instructions",
    "in an encrypted form",
];
const SECTIONS: &[&str] = &[
    "Information we collect",
    "How we use information",
    "Legal bases",
    "Sharing and disclosure",
    "Subprocessors",
    "International transfers",
    "Data retention",
    "Your rights",
    "Security",
    "Children",
    "Cookies and similar technologies",
    "Changes to this policy",
    "Contact us",
    "Account termination",
    "Payments and refunds",
    "Intellectual property",
    "Liability",
    "Governing law",
    "Dispute resolution",
    "Acceptable use",
];
const SYLLABLES: &[(&str, &str)] = &[
    (
        "de",
        "ge ver ein schaft ung lich keit der zu ab ber stell rech dat en sich ahn hän för grü straß wei tum",
    ),
    (
        "fr",
        "le de ré té ment tion eur con pro é ais que ou ci ère lé vo gn",
    ),
    (
        "es",
        "el de ción ra mien to es pa dad ñu que lo ar ía cu ve sí",
    ),
    ("it", "per zio ne ta gio la re ci mo do ri tà vi se gli ce"),
    (
        "nl",
        "ver ge lijk heid en aan oor sch ij van de ter ing bij",
    ),
    ("pt", "ção de men to ra ão lh es qu nh pa ci ma vo"),
    ("pl", "prz ie ni cz sz wa ać ość ja ko ro na ły ej"),
    (
        "ja",
        "の は を に が と で て し た る か こ そ あ い う え お",
    ),
    ("ar", "ال من في على عن مع ات ين ون ها هم كم نا تم يم ار"),
    ("sv", "för en ing het lig ska de och att med av är"),
    ("da", "for en ing hed lig ske de og at med af er"),
];

/// A small, deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

#[derive(Clone)]
enum Block {
    Paragraph(Vec<String>),
    List(Vec<String>),
    Table(Vec<[String; 3]>),
}

#[derive(Clone)]
struct Section {
    heading: String,
    level: u8,
    blocks: Vec<Block>,
}

fn sentence(rng: &mut Rng, policies: &[(&str, &str)]) -> String {
    let mut text = format!(
        "{} {} {} {}",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        rng.pick(QUALIFIERS)
    );
    if rng.chance(12) {
        let (slug, title) = policies[rng.below(policies.len())];
        text = format!("{text}, as our [{title}](/{slug}/) explains");
    } else if rng.chance(8) {
        text = format!("{text}, **unless you object**");
    } else if rng.chance(5) {
        text = format!("{text} (see <privacy@example.com>)");
    }
    text.push('.');
    text
}

fn paragraph(rng: &mut Rng, policies: &[(&str, &str)]) -> Block {
    Block::Paragraph(
        (0..2 + rng.below(4))
            .map(|_| sentence(rng, policies))
            .collect(),
    )
}

fn block(rng: &mut Rng, policies: &[(&str, &str)]) -> Block {
    match rng.below(10) {
        0..=6 => paragraph(rng, policies),
        7 | 8 => Block::List(
            (0..3 + rng.below(4))
                .map(|_| format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS)))
                .collect(),
        ),
        _ => Block::Table(
            (0..3 + rng.below(3))
                .map(|_| {
                    [
                        rng.pick(OBJECTS).to_string(),
                        rng.pick(QUALIFIERS).to_string(),
                        format!("{} months", 1 + rng.below(36)),
                    ]
                })
                .collect(),
        ),
    }
}

fn words(sections: &[Section]) -> usize {
    let count = |s: &str| s.split_whitespace().count();
    sections
        .iter()
        .map(|s| {
            count(&s.heading)
                + s.blocks
                    .iter()
                    .map(|b| match b {
                        Block::Paragraph(v) | Block::List(v) => {
                            v.iter().map(|x| count(x)).sum::<usize>()
                        }
                        Block::Table(rows) => rows
                            .iter()
                            .map(|r| r.iter().map(|c| count(c)).sum::<usize>())
                            .sum(),
                    })
                    .sum::<usize>()
        })
        .sum()
}

fn first_version(rng: &mut Rng, words_wanted: usize, policies: &[(&str, &str)]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    while words(&sections) < words_wanted {
        let level = if sections.is_empty() || rng.chance(75) {
            2
        } else {
            3
        };
        let heading = format!(
            "{}{}",
            rng.pick(SECTIONS),
            if rng.chance(30) {
                " and exceptions"
            } else {
                ""
            }
        );
        let blocks = (0..2 + rng.below(3))
            .map(|_| block(rng, policies))
            .collect();
        sections.push(Section {
            heading,
            level,
            blocks,
        });
    }
    sections
}

/// The next version: most text kept, a few edits. Returns the summary and
/// whether the change is material.
fn revise(rng: &mut Rng, sections: &mut Vec<Section>, policies: &[(&str, &str)]) -> (String, bool) {
    let mut touched: Vec<String> = Vec::new();
    let mut material = false;
    let edits = 2 + rng.below(4);
    for _ in 0..edits {
        let s = rng.below(sections.len());
        let section = &mut sections[s];
        touched.push(section.heading.clone());
        let b = rng.below(section.blocks.len().max(1));
        let block_count = section.blocks.len();
        match (rng.below(6), section.blocks.get_mut(b)) {
            (0 | 1, Some(Block::Paragraph(sentences))) => {
                let i = rng.below(sentences.len());
                let words: Vec<&str> = sentences[i].split(' ').collect();
                let w = rng.below(words.len());
                let replacement = rng.pick(OBJECTS);
                sentences[i] = words
                    .iter()
                    .enumerate()
                    .map(|(k, x)| if k == w { replacement } else { x })
                    .collect::<Vec<_>>()
                    .join(" ");
                if !sentences[i].ends_with('.') {
                    sentences[i].push('.');
                }
            }
            (2, Some(Block::Paragraph(sentences))) => {
                let at = rng.below(sentences.len() + 1);
                sentences.insert(at, sentence(rng, policies));
            }
            (3, Some(Block::List(items))) => {
                let at = rng.below(items.len() + 1);
                items.insert(at, format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS)));
            }
            (3, Some(Block::Table(rows))) => {
                rows.push([
                    rng.pick(OBJECTS).to_string(),
                    rng.pick(QUALIFIERS).to_string(),
                    format!("{} months", 1 + rng.below(36)),
                ]);
                material = true;
            }
            (4, _) => {
                let at = rng.below(block_count + 1);
                section.blocks.insert(at, paragraph(rng, policies));
            }
            (5, _) if block_count > 2 => {
                section.blocks.remove(b);
                material = true;
            }
            _ => {}
        }
    }
    // Every version changes something: an inserted sentence at least.
    if let Some(sentences) = sections
        .iter_mut()
        .flat_map(|s| s.blocks.iter_mut())
        .find_map(|b| match b {
            Block::Paragraph(sentences) => Some(sentences),
            _ => None,
        })
    {
        let at = rng.below(sentences.len() + 1);
        sentences.insert(at, sentence(rng, policies));
    }
    if rng.chance(10) && sections.len() > 3 {
        let from = rng.below(sections.len());
        let moved = sections.remove(from);
        touched.push(moved.heading.clone());
        let to = rng.below(sections.len() + 1);
        sections.insert(to, moved);
    }
    if rng.chance(10) {
        let heading = format!("{} for business customers", rng.pick(SECTIONS));
        touched.push(heading.clone());
        let blocks = (0..2).map(|_| block(rng, policies)).collect();
        let at = rng.below(sections.len() + 1);
        sections.insert(
            at,
            Section {
                heading,
                level: 2,
                blocks,
            },
        );
        material = true;
    }
    touched.sort();
    touched.dedup();
    (format!("Updates {}.", touched.join("; ")), material)
}

/// A made-up language: every word replaced by syllables chosen from its hash.
struct Translator {
    syllables: Vec<&'static str>,
    spaced: bool,
}

impl Translator {
    fn new(locale: &str) -> Option<Translator> {
        let list = SYLLABLES.iter().find(|(l, _)| *l == locale)?.1;
        Some(Translator {
            syllables: list.split(' ').collect(),
            spaced: locale != "ja",
        })
    }

    fn word(&self, word: &str) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in word.to_lowercase().bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let count = 1 + (word.len() / 4).min(3);
        let mut out = String::new();
        for i in 0..count {
            out.push_str(
                self.syllables[((hash >> (i * 8)) % self.syllables.len() as u64) as usize],
            );
        }
        if word.chars().next().is_some_and(char::is_uppercase) && self.spaced {
            let mut chars = out.chars();
            if let Some(first) = chars.next() {
                out = first.to_uppercase().chain(chars).collect();
            }
        }
        out
    }

    /// Translates prose, leaving Markdown link targets, emails and numbers.
    fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        let mut word = String::new();
        let mut in_target = false;
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                if word.chars().all(|c| c.is_ascii_digit()) {
                    out.push_str(word);
                } else {
                    out.push_str(&self.word(word));
                }
                word.clear();
            }
        };
        for c in text.chars() {
            if in_target {
                out.push(c);
                if c == ')' || c == '>' {
                    in_target = false;
                }
                continue;
            }
            if c.is_alphanumeric() {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                if c == ' ' && !self.spaced {
                    continue;
                }
                out.push(c);
                if c == '(' && out.ends_with("](") || c == '<' {
                    in_target = true;
                }
            }
        }
        flush(&mut word, &mut out);
        out
    }
}

fn render(sections: &[Section], tr: Option<&Translator>) -> String {
    let t = |s: &str| tr.map_or_else(|| s.to_string(), |tr| tr.text(s));
    let mut out = String::new();
    for section in sections {
        let _ = writeln!(
            out,
            "{} {}\n",
            "#".repeat(section.level as usize),
            t(&section.heading)
        );
        for block in &section.blocks {
            match block {
                Block::Paragraph(sentences) => {
                    let _ = writeln!(
                        out,
                        "{}\n",
                        sentences.iter().map(|s| t(s)).collect::<Vec<_>>().join(" ")
                    );
                }
                Block::List(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", t(item));
                    }
                    out.push('\n');
                }
                Block::Table(rows) => {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |\n|---|---|---|",
                        t("Data"),
                        t("Purpose"),
                        t("Retention")
                    );
                    for row in rows {
                        let _ =
                            writeln!(out, "| {} | {} | {} |", t(&row[0]), t(&row[1]), t(&row[2]));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

struct Args {
    out: PathBuf,
    policies: usize,
    versions: usize,
    locales: usize,
    words: usize,
    seed: u64,
    hugo: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args {
        out: PathBuf::new(),
        policies: 10,
        versions: 6,
        locales: 3,
        words: 1500,
        seed: 1,
        hugo: false,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--policies" => {
                parsed.policies = value("--policies")?.parse().map_err(|e| format!("{e}"))?
            }
            "--versions" => {
                parsed.versions = value("--versions")?.parse().map_err(|e| format!("{e}"))?
            }
            "--locales" => {
                parsed.locales = value("--locales")?.parse().map_err(|e| format!("{e}"))?
            }
            "--words" => parsed.words = value("--words")?.parse().map_err(|e| format!("{e}"))?,
            "--seed" => parsed.seed = value("--seed")?.parse().map_err(|e| format!("{e}"))?,
            "--layout" => parsed.hugo = value("--layout")? == "hugo",
            other if !other.starts_with("--") => parsed.out = PathBuf::from(other),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if parsed.out.as_os_str().is_empty() {
        return Err("usage: gencorpus OUT [--policies P] [--versions V] [--locales L] [--words W] [--seed S] [--layout ours|hugo]".into());
    }
    parsed.locales = parsed.locales.clamp(1, LOCALES.len());
    Ok(parsed)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn main() -> ExitCode {
    match run() {
        Ok(pages) => {
            println!("{pages} version files written");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("gencorpus: {error}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<usize, String> {
    let args = parse_args()?;
    let io = |e: std::io::Error| e.to_string();
    let policies: Vec<(String, String)> = (0..args.policies)
        .map(|i| match POLICIES.get(i) {
            Some((slug, title)) => (slug.to_string(), title.to_string()),
            None => (format!("policy-{:03}", i + 1), format!("Policy {}", i + 1)),
        })
        .collect();
    let policy_refs: Vec<(&str, &str)> = policies
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str()))
        .collect();
    let locales = &LOCALES[..args.locales];
    let translators: Vec<Option<Translator>> = locales.iter().map(|l| Translator::new(l)).collect();
    let content = args.out.join("content");
    if args.hugo {
        let mut config = String::from(
            "baseURL = \"https://legal.example.com/\"\ntitle = \"Example Corp Legal\"\ndefaultContentLanguage = \"en\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\ndisableHugoGeneratorInject = true\n\n[languages]\n",
        );
        for (i, locale) in locales.iter().enumerate() {
            let _ = writeln!(
                config,
                "[languages.{locale}]\nweight = {}\ncontentDir = \"content/{locale}\"",
                i + 1
            );
        }
        write(&args.out.join("config.toml"), &config).map_err(io)?;
        let layouts = args.out.join("layouts/_default");
        write(&layouts.join("baseof.html"), "<!DOCTYPE html>\n<html lang=\"{{ .Site.Language.Lang }}\">\n<head><meta charset=\"utf-8\"><title>{{ .Title }} | {{ .Site.Title }}</title></head>\n<body>\n{{ block \"main\" . }}{{ end }}\n</body>\n</html>\n").map_err(io)?;
        write(&layouts.join("single.html"), "{{ define \"main\" }}<article>\n<h1>{{ .Title }}</h1>\n<p>Effective <time datetime=\"{{ .Date.Format \"2006-01-02\" }}\">{{ .Date.Format \"2006-01-02\" }}</time></p>\n{{ .Content }}\n</article>{{ end }}\n").map_err(io)?;
        write(&layouts.join("list.html"), "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n<ul>\n{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>\n{{ end }}</ul>{{ end }}\n").map_err(io)?;
        for locale in locales {
            write(
                &content.join(locale).join("_index.md"),
                "---\ntitle: \"Example Corp Legal\"\n---\n",
            )
            .map_err(io)?;
        }
    } else {
        let mut site = String::from(
            "title: \"Example Corp Legal\"\nbase_url: \"https://legal.example.com/\"\ndefault_locale: en\nlocales:\n",
        );
        for locale in locales {
            let _ = writeln!(site, "  - {locale}");
        }
        write(&content.join("site.yaml"), &site).map_err(io)?;
    }
    let mut pages = 0;
    for (p, (slug, title)) in policies.iter().enumerate() {
        let mut rng = Rng(args.seed.wrapping_mul(1_000_003).wrapping_add(p as u64));
        let mut sections = first_version(&mut rng, args.words, &policy_refs);
        let mut date = chrono_like_date(2016, 1, 15) + rng.below(60) as i64;
        for v in 0..args.versions {
            let (summary, material) = if v == 0 {
                (String::new(), false)
            } else {
                revise(&mut rng, &mut sections, &policy_refs)
            };
            if v > 0 {
                date += 60 + rng.below(60) as i64;
            }
            let iso = iso_date(date);
            for (locale, translator) in locales.iter().zip(&translators) {
                let tr = translator.as_ref();
                let t = |s: &str| tr.map_or_else(|| s.to_string(), |tr| tr.text(s));
                let body = render(&sections, tr);
                let (path, front) = if args.hugo {
                    let index = content.join(locale).join(slug).join("_index.md");
                    if !index.exists() {
                        write(&index, &format!("---\ntitle: {:?}\n---\n", t(title))).map_err(io)?;
                    }
                    (
                        content.join(locale).join(slug).join(format!("{iso}.md")),
                        format!(
                            "---\ntitle: {:?}\ndate: {iso}\ndescription: {:?}\nmaterial: {material}\n---\n",
                            t(title),
                            t(&summary)
                        ),
                    )
                } else {
                    let mut front = format!("---\ntitle: {:?}\n", t(title));
                    if v > 0 {
                        let _ = writeln!(front, "summary: {:?}\nmaterial: {material}", t(&summary));
                        if material {
                            let _ = writeln!(front, "published: {}", iso_date(date - 35));
                        }
                    }
                    front.push_str("---\n");
                    (
                        content.join(slug).join(&iso).join(format!("{locale}.md")),
                        front,
                    )
                };
                write(&path, &format!("{front}\n{body}")).map_err(io)?;
                pages += 1;
            }
        }
    }
    Ok(pages)
}

/// Days since 0000-03-01 (a proleptic Gregorian day count), to avoid a
/// date dependency in a benchmark tool.
fn chrono_like_date(year: i64, month: i64, day: i64) -> i64 {
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1
}

fn iso_date(days: i64) -> String {
    let mut y = (10000 * days + 14780) / 3652425;
    let mut ddd = days - (365 * y + y / 4 - y / 100 + y / 400);
    if ddd < 0 {
        y -= 1;
        ddd = days - (365 * y + y / 4 - y / 100 + y / 400);
    }
    let mi = (100 * ddd + 52) / 3060;
    let mm = (mi + 2) % 12 + 1;
    let y = y + (mi + 2) / 12;
    let dd = ddd - (mi * 306 + 5) / 10 + 1;
    format!("{y:04}-{mm:02}-{dd:02}")
}
