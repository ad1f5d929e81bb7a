//! The one change serve makes to a page's Content-Security-Policy.
//!
//! The reload script and the error overlay must run inside pages whose
//! production CSP (netlify.toml) forbids scripts. Allowing `'self'` would
//! also let through a theme script that production blocks, and the preview
//! must break where production breaks. So each needed directive gets only
//! the exact URL of serve's own file (a CSP source with a path matches that
//! path only): `script-src` the reload script, `connect-src` its event
//! stream, `style-src` the overlay's stylesheet. Every other directive and
//! source stays as written.

/// What serve's injected files need, as absolute URLs
/// (`http://127.0.0.1:4000/__legalsite/reload.js`).
#[derive(Debug, Clone)]
pub struct Allowances {
    pub script: String,
    pub connect: String,
    pub style: String,
}

/// The policy with `allow`'s URLs added where the policy would block them.
pub fn extend(policy: &str, allow: &Allowances) -> String {
    let mut directives: Vec<(String, Vec<String>)> = policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_string).collect()))
        })
        .collect();
    let default_src = directives
        .iter()
        .find(|(name, _)| name == "default-src")
        .map(|(_, sources)| sources.clone());
    let needs = [
        ("script-src", &allow.script),
        ("script-src-elem", &allow.script),
        ("connect-src", &allow.connect),
        ("style-src", &allow.style),
        ("style-src-elem", &allow.style),
    ];
    for (name, url) in needs {
        match directives.iter_mut().find(|(n, _)| n == name) {
            Some((_, sources)) => add_source(sources, url),
            // The `-elem` variants fall back to their parent directive,
            // which is handled on its own.
            None if name.ends_with("-elem") => {}
            // A missing directive falls back to default-src: keep what
            // that allowed, plus our file.
            None => {
                if let Some(fallback) = &default_src {
                    let mut sources = fallback.clone();
                    add_source(&mut sources, url);
                    directives.push((name.to_string(), sources));
                }
            }
        }
    }
    directives
        .iter()
        .map(|(name, sources)| {
            if sources.is_empty() {
                name.clone()
            } else {
                format!("{name} {}", sources.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn add_source(sources: &mut Vec<String>, url: &str) {
    // 'none' must stand alone: replacing it with one URL still allows
    // nothing else.
    sources.retain(|s| !s.eq_ignore_ascii_case("'none'"));
    if !sources.iter().any(|s| s == url) {
        sources.push(url.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow() -> Allowances {
        Allowances {
            script: "http://h:1/__legalsite/reload.js".into(),
            connect: "http://h:1/__legalsite/events".into(),
            style: "http://h:1/__legalsite/overlay.css".into(),
        }
    }

    #[test]
    fn adds_only_serves_own_files_to_the_portals_policy() {
        let policy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        assert_eq!(
            extend(policy, &allow()),
            "default-src 'none'; style-src 'self' http://h:1/__legalsite/overlay.css; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
             script-src http://h:1/__legalsite/reload.js; connect-src http://h:1/__legalsite/events"
        );
    }

    #[test]
    fn a_missing_directive_keeps_the_default_src_fallback() {
        assert_eq!(
            extend("default-src 'self' https://cdn.test", &allow()),
            "default-src 'self' https://cdn.test; \
             script-src 'self' https://cdn.test http://h:1/__legalsite/reload.js; \
             connect-src 'self' https://cdn.test http://h:1/__legalsite/events; \
             style-src 'self' https://cdn.test http://h:1/__legalsite/overlay.css"
        );
        // Without default-src nothing is restricted, so nothing is added.
        assert_eq!(
            extend("frame-ancestors 'none'", &allow()),
            "frame-ancestors 'none'"
        );
    }

    #[test]
    fn existing_elem_directives_get_the_file_too() {
        assert_eq!(
            extend("script-src 'self'; script-src-elem 'none'", &allow()),
            "script-src 'self' http://h:1/__legalsite/reload.js; script-src-elem http://h:1/__legalsite/reload.js"
        );
    }
}
