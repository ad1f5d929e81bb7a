//! Live reload and the error overlay: serve's own files under
//! [`PREFIX`], the event stream browsers listen to, and what serve adds
//! to the HTML it serves (never to `public/`).

use std::convert::Infallible;
use std::sync::Arc;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::watch;

use super::csp::Allowances;
use super::state::Snapshot;
use crate::markdown::escape_html;

/// Paths under this prefix belong to serve, not to the site.
pub const PREFIX: &str = "/__legalsite/";

const RELOAD_JS: &str = include_str!("assets/reload.js");
const OVERLAY_CSS: &str = include_str!("assets/overlay.css");

/// The URLs of serve's files as a page on `host` loads them, for the CSP.
pub fn allowances(host: &str) -> Allowances {
    Allowances {
        script: format!("http://{host}{PREFIX}reload.js"),
        connect: format!("http://{host}{PREFIX}events"),
        style: format!("http://{host}{PREFIX}overlay.css"),
    }
}

/// Serves one of serve's own files, or `None` for an unknown path.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    match path.strip_prefix(PREFIX)? {
        "reload.js" => Some(("text/javascript; charset=utf-8", RELOAD_JS)),
        "overlay.css" => Some(("text/css; charset=utf-8", OVERLAY_CSS)),
        _ => None,
    }
}

/// The event stream: the current state at once, then every new one, until
/// the server stops.
pub fn events(
    snapshots: watch::Receiver<Arc<Snapshot>>,
    stopping: watch::Receiver<bool>,
) -> Response {
    let stream = state_stream(snapshots, stopping);
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn state_stream(
    snapshots: watch::Receiver<Arc<Snapshot>>,
    stopping: watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (snapshots, stopping, true),
        |(mut snapshots, mut stopping, first)| async move {
            if *stopping.borrow_and_update() {
                return None;
            }
            if !first {
                tokio::select! {
                    changed = snapshots.changed() => changed.ok()?,
                    _ = stopping.changed() => return None,
                }
            }
            let data = snapshots.borrow_and_update().state_json();
            let event = Event::default().event("state").data(data);
            Some((Ok(event), (snapshots, stopping, false)))
        },
    )
}

/// Adds the reload script (and the overlay, when there are errors) to a
/// page. The script goes at the end of `<head>`, the overlay first in
/// `<body>`, so screen readers meet it first too.
pub fn inject(html: &[u8], build: &str, errors: &[String]) -> Vec<u8> {
    let mut head_extra = format!(
        "<script src=\"{PREFIX}reload.js\" data-build=\"{}\" defer></script>\n",
        escape_html(build)
    );
    if !errors.is_empty() {
        head_extra.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{PREFIX}overlay.css\" data-legalsite-overlay>\n"
        ));
    }
    let text = String::from_utf8_lossy(html);
    let mut out = String::with_capacity(text.len() + head_extra.len() + 512);
    let head_end = find_ascii_ci(&text, "</head>");
    let body_start = find_ascii_ci(&text, "<body")
        .and_then(|start| text[start..].find('>').map(|end| start + end + 1));
    match head_end {
        Some(at) => {
            out.push_str(&text[..at]);
            out.push_str(&head_extra);
            let rest_start = at;
            match body_start.filter(|b| *b > at) {
                Some(body) if !errors.is_empty() => {
                    out.push_str(&text[rest_start..body]);
                    out.push('\n');
                    out.push_str(&overlay(errors));
                    out.push_str(&text[body..]);
                }
                _ => out.push_str(&text[rest_start..]),
            }
        }
        None => {
            out.push_str(&head_extra);
            if !errors.is_empty() {
                out.push_str(&overlay(errors));
            }
            out.push_str(&text);
        }
    }
    out.into_bytes()
}

/// The overlay's markup; the reload script builds the same one when
/// errors appear while the page is open.
pub fn overlay(errors: &[String]) -> String {
    let title = if errors.len() == 1 {
        "The site has an error".to_string()
    } else {
        format!("The site has {} errors", errors.len())
    };
    format!(
        "<section id=\"legalsite-overlay\" role=\"alert\" aria-labelledby=\"legalsite-overlay-title\" lang=\"en\" dir=\"ltr\">\
         <h2 id=\"legalsite-overlay-title\">{title}</h2>\
         <p>This page shows the last good build. Fix the file and save: the page updates by itself.</p>\
         <pre>{}</pre></section>\n",
        escape_html(&errors.join("\n\n"))
    )
}

/// The page served while no build has succeeded yet.
pub fn no_site_page() -> &'static str {
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
     <title>legalsite serve: the site has errors</title>\n</head>\n<body>\n\
     <main><h1>The site could not be built yet</h1>\
     <p>Fix the errors above and save: this page updates by itself.</p></main>\n</body>\n</html>\n"
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html>\n<html><head><title>x</title>\n</head>\n<body class=\"page\">\n<main>hi</main></body></html>";

    #[test]
    fn the_script_goes_into_the_head() {
        let out = String::from_utf8(inject(PAGE.as_bytes(), "7-1", &[])).unwrap();
        assert!(out.contains(
            "<script src=\"/__legalsite/reload.js\" data-build=\"7-1\" defer></script>\n</head>"
        ));
        assert!(!out.contains("legalsite-overlay"));
        assert!(out.ends_with("<main>hi</main></body></html>"));
    }

    #[test]
    fn errors_become_an_escaped_overlay_at_the_top_of_the_body() {
        let errors = vec!["error[x]: <bad> & worse".to_string()];
        let out = String::from_utf8(inject(PAGE.as_bytes(), "1", &errors)).unwrap();
        assert!(out.contains("href=\"/__legalsite/overlay.css\""));
        let body = out.find("<body class=\"page\">").unwrap();
        let overlay = out
            .find("<section id=\"legalsite-overlay\" role=\"alert\"")
            .unwrap();
        assert!(overlay > body && overlay < out.find("<main>").unwrap());
        assert!(out.contains("<pre>error[x]: &lt;bad&gt; &amp; worse</pre>"));
    }
}
