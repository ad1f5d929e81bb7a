//! Redline timing (REDLINE.md J8): `cargo bench --bench redline`.
//!
//! Deterministic synthetic policies (a small LCG, no `rand`):
//! (a) 100k words with 1 % of the words edited: target < 50 ms per compare;
//! (b) 50k words against an unrelated 50k words: target < 500 ms;
//! (c) parsing alone, by script: Latin, Arabic and Japanese text (no target; MB/s).
//! Parsing (both documents) and comparing are timed apart; medians of several runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use legalsite::redline::{Document, Labels, RedlineConfig, compare};

/// Knuth's MMIX LCG.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A vocabulary of made-up words with a Zipf-like use (common words are drawn often).
fn vocabulary(rng: &mut Lcg, size: usize) -> Vec<String> {
    const SYLLABLES: &[&str] = &[
        "da", "ta", "pri", "va", "cy", "con", "sent", "pro", "cess", "ing", "ser", "vice", "ac",
        "count", "us", "er", "law", "ful", "re", "quest", "shar", "ed", "part", "ner",
    ];
    (0..size)
        .map(|_| {
            let n = 1 + rng.below(3);
            (0..n)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect()
        })
        .collect()
}

fn word<'v>(rng: &mut Lcg, vocab: &'v [String]) -> &'v str {
    // Square the draw to favour the first words (like "the", "of").
    let r = rng.below(vocab.len());
    &vocab[r * r / vocab.len()]
}

/// A policy of about `words` words: sections with paragraphs, a list and a table now and
/// then, emphasis and links, as words (so edits can address them).
fn policy(seed: u64, words: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    let vocab = vocabulary(&mut rng, 3000);
    let mut out: Vec<String> = Vec::with_capacity(words + words / 10);
    let mut count = 0;
    while count < words {
        out.push(format!(
            "\n\n## {} {}\n\n",
            word(&mut rng, &vocab),
            word(&mut rng, &vocab)
        ));
        for _ in 0..4 + rng.below(6) {
            let len = 30 + rng.below(90);
            let list = rng.below(6) == 0;
            for k in 0..len {
                if list && k % 12 == 0 {
                    out.push("\n- ".to_string());
                }
                let w = word(&mut rng, &vocab);
                out.push(match rng.below(40) {
                    0 => format!("**{w}**"),
                    1 => format!("[{w}](https://example.test/{w})"),
                    2 => format!("{w},"),
                    3 => format!("{w}."),
                    _ => w.to_string(),
                });
            }
            count += len;
            out.push(".\n\n".to_string());
            if rng.below(15) == 0 {
                out.push("| Vendor | Purpose |\n|---|---|\n".to_string());
                for _ in 0..3 {
                    let (a, b) = (word(&mut rng, &vocab), word(&mut rng, &vocab));
                    out.push(format!("| {a} | {b} |\n"));
                }
                out.push("\n".to_string());
            }
        }
    }
    out
}

/// Replaces, deletes or inserts about `share` of the words.
fn edit(words: &[String], seed: u64, share: f64) -> Vec<String> {
    let mut rng = Lcg(seed);
    let vocab = vocabulary(&mut rng, 3000);
    let mut out = Vec::with_capacity(words.len());
    let per_million = (share * 1_000_000.0) as usize;
    for w in words {
        if w.starts_with('\n') || w.contains('|') || rng.below(1_000_000) >= per_million {
            out.push(w.clone());
            continue;
        }
        match rng.below(3) {
            0 => {}
            1 => {
                out.push(w.clone());
                out.push(word(&mut rng, &vocab).to_string());
            }
            _ => out.push(word(&mut rng, &vocab).to_string()),
        }
    }
    out
}

fn text(words: &[String]) -> String {
    let mut s = String::new();
    for w in words {
        if !s.is_empty() && !s.ends_with('\n') && !w.starts_with('\n') {
            s.push(' ');
        }
        s.push_str(w);
    }
    s
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn bench(name: &str, old: &str, new: &str, runs: usize, target_ms: u128) {
    let (config, labels) = (RedlineConfig::default(), Labels::english());
    let mut parse = Vec::new();
    let mut diff = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let (a, b) = (
            Document::parse(black_box(old)),
            Document::parse(black_box(new)),
        );
        parse.push(t.elapsed());
        let t = Instant::now();
        let r = compare(&a, &b, &config, &labels);
        diff.push(t.elapsed());
        bytes = black_box(r.inline_html.len() + r.side_by_side_html.len());
    }
    let (p, c) = (median(parse), median(diff));
    let verdict = if c.as_millis() < target_ms {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "{name}: parse+tokenize both {:.1} ms, compare {:.1} ms (target < {target_ms} ms: {verdict}), total {:.1} ms, {} KiB of HTML; median of {runs}",
        p.as_secs_f64() * 1e3,
        c.as_secs_f64() * 1e3,
        (p + c).as_secs_f64() * 1e3,
        bytes / 1024
    );
}

fn main() {
    // `cargo bench --bench redline -- a` (or `b`, `c`) runs one case.
    let only: Option<String> = std::env::args()
        .skip(1)
        .find(|a| matches!(a.as_str(), "a" | "b" | "c"));
    let run = |case: &str| only.as_deref().is_none_or(|o| o == case);
    if run("a") {
        case_a();
    }
    if run("b") {
        case_b();
    }
    if run("c") {
        case_c();
    }
}

fn case_a() {
    let base = policy(1, 100_000);
    let old = text(&base);
    let new = text(&edit(&base, 2, 0.01));
    println!("(a) {} vs {} bytes", old.len(), new.len());
    bench("(a) 100k words, 1 % edited", &old, &new, 9, 50);
}

fn case_b() {
    let old = text(&policy(3, 50_000));
    let new = text(&policy(4, 50_000));
    println!("(b) {} vs {} bytes", old.len(), new.len());
    bench("(b) 50k words vs unrelated 50k", &old, &new, 5, 500);
}

/// (c) How fast a text is parsed and tokenized, by script: Latin words take an ASCII fast
/// path, Arabic words (with some vowel marks) and Japanese (no spaces: a word per
/// character, Katakana runs aside) the general one.
fn case_c() {
    const LATIN: &[&str] = &[
        "data",
        "privacy",
        "consent",
        "processing",
        "service",
        "account",
        "user",
        "lawful",
        "request",
        "shared",
        "partner",
        "retention",
        "rights",
        "the",
        "of",
        "and",
        "to",
    ];
    const ARABIC: &[&str] = &[
        "البيانات",
        "الخصوصية",
        "من",
        "في",
        "على",
        "عن",
        "مع",
        "معالجة",
        "الخدمة",
        "حسابك",
        "المستخدم",
        "طلب",
        "شريك",
        "حقوقك",
        "بَيانات",
        "تُعالج",
        "و",
        "أو",
    ];
    const JAPANESE: &[&str] = &[
        "データ",
        "個人情報",
        "の",
        "を",
        "は",
        "が",
        "に",
        "利用",
        "します",
        "お客様",
        "サービス",
        "同意",
        "処理",
        "共有",
        "、",
        "。",
        "権利",
        "保存",
    ];
    for (script, words, space) in [
        ("Latin", LATIN, " "),
        ("Arabic", ARABIC, " "),
        ("Japanese", JAPANESE, ""),
    ] {
        let mut rng = Lcg(7);
        let mut text = String::new();
        for i in 0..100_000 {
            text.push_str(words[rng.below(words.len())]);
            text.push_str(if i % 60 == 59 { "\n\n" } else { space });
        }
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            black_box(Document::parse(black_box(&text)));
            times.push(t.elapsed());
        }
        let t = median(times);
        println!(
            "(c) parse {script}: {:.1} MB in {:.1} ms, {:.0} MB/s; median of 5",
            text.len() as f64 / 1e6,
            t.as_secs_f64() * 1e3,
            text.len() as f64 / 1e6 / t.as_secs_f64()
        );
    }
}
