//! Answering requests the way Netlify would answer them for the built
//! site: redirect rules, pretty URLs and the trailing-slash redirect,
//! custom headers, content types, `HEAD`, ETags, and the site's own 404
//! pages. Deciding what to serve ([`resolve`]) is pure; building the
//! response adds serve's reload script and overlay to HTML.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use super::live;
use super::netlify::{RequestFacts, percent_decode};
use super::state::{SiteFiles, Snapshot};

/// What every request handler shares.
pub struct App {
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    pub stopping: watch::Receiver<bool>,
    /// `127.0.0.1:4000`, for requests without a Host header.
    pub address: String,
}

/// What to answer, decided from the site and the request alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A file of the site, with this status (200, or 404 for a 404 page).
    File {
        path: String,
        status: u16,
    },
    Redirect {
        status: u16,
        location: String,
    },
    /// A rewrite to another site, which a local preview does not follow.
    Proxy {
        target: String,
    },
    /// Nothing to serve, not even a 404 page.
    NotFound,
}

/// Where a request path leads among the site's files.
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    Found(String),
    /// `/privacy` where `/privacy/index.html` exists.
    AddSlash,
    Missing,
}

/// The answer Netlify would give for this request and site.
pub fn resolve(site: &SiteFiles, request: &RequestFacts<'_>) -> Reply {
    let lookup = lookup(site, request.path);
    if let Some(matched) = site.rules.find_redirect(request, lookup != Lookup::Missing) {
        let status = matched.rule.status;
        if (300..400).contains(&status) {
            return Reply::Redirect {
                status,
                location: matched.target,
            };
        }
        if matched.rule.is_external() {
            return Reply::Proxy {
                target: matched.target,
            };
        }
        let target = percent_decode(matched.target.split('?').next().unwrap_or(""));
        return match lookup_target(site, &target) {
            Some(path) => Reply::File { path, status },
            None => not_found(site),
        };
    }
    match lookup {
        Lookup::Found(path) => Reply::File { path, status: 200 },
        Lookup::AddSlash => {
            let mut location = format!("{}/", request.path);
            if !request.query.is_empty() {
                location.push('?');
                location.push_str(request.query);
            }
            Reply::Redirect {
                status: 301,
                location,
            }
        }
        Lookup::Missing => not_found(site),
    }
}

fn not_found(site: &SiteFiles) -> Reply {
    if site.get("404.html").is_some() {
        Reply::File {
            path: "404.html".to_string(),
            status: 404,
        }
    } else {
        Reply::NotFound
    }
}

fn lookup(site: &SiteFiles, path: &str) -> Lookup {
    let Some(relative) = path.strip_prefix('/') else {
        return Lookup::Missing;
    };
    if relative.split('/').any(|s| s == ".." || s == ".") || relative.contains('\\') {
        return Lookup::Missing;
    }
    if relative.is_empty() || relative.ends_with('/') {
        let index = format!("{relative}index.html");
        return if site.get(&index).is_some() {
            Lookup::Found(index)
        } else {
            Lookup::Missing
        };
    }
    // Netlify reads these files; it does not publish them.
    if site.get(relative).is_some() && relative != "_redirects" && relative != "_headers" {
        return Lookup::Found(relative.to_string());
    }
    if site.get(&format!("{relative}/index.html")).is_some() {
        return Lookup::AddSlash;
    }
    let html = format!("{relative}.html");
    if site.get(&html).is_some() {
        return Lookup::Found(html);
    }
    Lookup::Missing
}

/// The file a rewrite's target names: `/de/404.html`, `/index.html`, `/de/`.
fn lookup_target(site: &SiteFiles, target: &str) -> Option<String> {
    match lookup(site, target) {
        Lookup::Found(path) => Some(path),
        Lookup::AddSlash => {
            let index = format!("{}/index.html", target.trim_matches('/'));
            site.get(&index).map(|_| index)
        }
        Lookup::Missing => None,
    }
}

/// The Content-Type of a site file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "xml" | "xsl" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The request handler for every path.
pub async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let head = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head {
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only GET and HEAD are served.\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let raw_path = request.uri().path().to_string();
    let response = if raw_path == format!("{}events", live::PREFIX) {
        live::events(app.snapshots.clone(), app.stopping.clone())
    } else {
        respond(&app, &request, &raw_path)
    };
    if head { strip_body(response) } else { response }
}

fn respond(app: &App, request: &Request, raw_path: &str) -> Response {
    if raw_path.starts_with(live::PREFIX) {
        return own_file(raw_path);
    }
    let snapshot = app.snapshots.borrow().clone();
    let Some(site) = &snapshot.site else {
        return no_site(&snapshot);
    };
    let headers = request.headers();
    let path = percent_decode(raw_path);
    let header_text = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let facts = RequestFacts {
        path: &path,
        query: request.uri().query().unwrap_or(""),
        accept_language: header_text(header::ACCEPT_LANGUAGE),
        cookie: header_text(header::COOKIE),
    };
    match resolve(site, &facts) {
        Reply::File { path: file, status } => {
            let host = host(headers, &app.address);
            let page = Page {
                site,
                snapshot: &snapshot,
                file: &file,
                status,
                request_path: &path,
                host: &host,
            };
            serve_file(&page, headers)
        }
        Reply::Redirect { status, location } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
            let mut response = (status, format!("Redirecting to {location}\n")).into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Reply::Proxy { target } => plain(
            StatusCode::BAD_GATEWAY,
            &format!(
                "This rule proxies to {target}; legalsite serve does not fetch other sites.\n"
            ),
        ),
        Reply::NotFound => plain(StatusCode::NOT_FOUND, "Not found.\n"),
    }
}

/// The reload script and the overlay's stylesheet.
fn own_file(raw_path: &str) -> Response {
    match live::asset(raw_path) {
        Some((kind, text)) => {
            let mut response = (StatusCode::OK, text).into_response();
            set(response.headers_mut(), header::CONTENT_TYPE, kind);
            set(response.headers_mut(), header::CACHE_CONTROL, "no-cache");
            response
        }
        None => plain(StatusCode::NOT_FOUND, "Not found.\n"),
    }
}

/// Before the first good build: the errors, on every path.
fn no_site(snapshot: &Snapshot) -> Response {
    let page = live::no_site_page().as_bytes();
    let body = live::inject(page, &snapshot.build, &snapshot.errors());
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    let headers = response.headers_mut();
    set(headers, header::CONTENT_TYPE, "text/html; charset=utf-8");
    set(headers, header::CACHE_CONTROL, "no-store");
    response
}

/// The address the browser used, for the CSP: only a plain host[:port]
/// is taken from the request.
fn host(headers: &HeaderMap, fallback: &str) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or(fallback)
        .to_string()
}

/// One site file to answer with.
struct Page<'a> {
    site: &'a SiteFiles,
    snapshot: &'a Snapshot,
    file: &'a str,
    status: u16,
    /// Header rules match the requested path, not the file's.
    request_path: &'a str,
    host: &'a str,
}

fn serve_file(page: &Page<'_>, request_headers: &HeaderMap) -> Response {
    let Some(bytes) = page.site.get(page.file) else {
        return plain(StatusCode::NOT_FOUND, "Not found.\n");
    };
    let kind = content_type(page.file);
    let html = kind.starts_with("text/html");
    let body: Bytes = if html {
        Bytes::from(live::inject(
            bytes,
            &page.snapshot.build,
            &page.snapshot.errors(),
        ))
    } else {
        Bytes::copy_from_slice(bytes)
    };
    let etag = etag(&body);
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let mut headers = HeaderMap::new();
    set(&mut headers, header::CONTENT_TYPE, kind);
    // Netlify's default: always revalidate, so a rebuilt page is never stale.
    set(
        &mut headers,
        header::CACHE_CONTROL,
        "public, max-age=0, must-revalidate",
    );
    set(&mut headers, header::ETAG, &etag);
    for (name, value) in page.site.rules.headers_for(page.request_path) {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    if html {
        extend_csp(&mut headers, page.host);
    }
    let not_modified = status == StatusCode::OK
        && request_headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| etag_matches(v, &etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (status, body).into_response()
    };
    for (name, value) in &headers {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    if not_modified {
        response.headers_mut().remove(header::CONTENT_TYPE);
    }
    response
}

/// Lets serve's own script, event stream and overlay stylesheet through
/// the page's CSP (see `csp`).
fn extend_csp(headers: &mut HeaderMap, host: &str) {
    let allow = live::allowances(host);
    for name in [
        header::CONTENT_SECURITY_POLICY,
        header::CONTENT_SECURITY_POLICY_REPORT_ONLY,
    ] {
        let extended = headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .map(|policy| super::csp::extend(policy, &allow));
        if let Some(Ok(value)) = extended.map(HeaderValue::try_from) {
            headers.insert(name, value);
        }
    }
}

/// A strong ETag from the bytes sent.
fn etag(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

/// `If-None-Match`: a list of tags (weak or strong) or `*`.
fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut response = (status, text.to_string()).into_response();
    set(
        response.headers_mut(),
        header::CONTENT_TYPE,
        "text/plain; charset=utf-8",
    );
    response
}

/// `HEAD`: the headers of `GET`, with the length of the body not sent.
fn strip_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    if let Some(length) = http_body_length(&body) {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Response::from_parts(parts, Body::empty())
}

fn http_body_length(body: &Body) -> Option<u64> {
    use axum::body::HttpBody;
    body.size_hint().exact()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::netlify::{Rules, parse_redirects_file};

    fn site() -> SiteFiles {
        let mut files = Vec::new();
        for path in [
            "index.html",
            "404.html",
            "privacy/index.html",
            "de/index.html",
            "de/404.html",
            "de/privacy/index.html",
            "about.html",
            "style.css",
            "_redirects",
        ] {
            files.push(crate::site::OutputFile {
                path: path.to_string(),
                bytes: b"x".to_vec(),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let (redirects, _) = parse_redirects_file(
            "/  lang=:lang  /index.html  200!\n/  /de/  302!  Language=de\n/de/*  /de/404.html  404\n/old  /privacy/  301\n/shadowed  /privacy/  301\n",
        );
        SiteFiles {
            files,
            rules: Rules {
                redirects,
                headers: Vec::new(),
            },
        }
    }

    fn get(path: &str, query: &str, language: Option<&str>) -> Reply {
        resolve(
            &site(),
            &RequestFacts {
                path,
                query,
                accept_language: language,
                cookie: None,
            },
        )
    }

    fn file(path: &str, status: u16) -> Reply {
        Reply::File {
            path: path.to_string(),
            status,
        }
    }

    fn redirect(status: u16, location: &str) -> Reply {
        Reply::Redirect {
            status,
            location: location.to_string(),
        }
    }

    #[test]
    fn pretty_urls_and_the_trailing_slash() {
        assert_eq!(get("/", "", None), file("index.html", 200));
        assert_eq!(get("/privacy/", "", None), file("privacy/index.html", 200));
        assert_eq!(get("/privacy", "", None), redirect(301, "/privacy/"));
        assert_eq!(get("/privacy", "a=1", None), redirect(301, "/privacy/?a=1"));
        assert_eq!(
            get("/privacy/index.html", "", None),
            file("privacy/index.html", 200)
        );
        assert_eq!(get("/about", "", None), file("about.html", 200));
        assert_eq!(get("/style.css", "", None), file("style.css", 200));
    }

    #[test]
    fn rules_and_404_pages() {
        assert_eq!(get("/", "", Some("de")), redirect(302, "/de/"));
        assert_eq!(get("/", "lang=en", Some("de")), file("index.html", 200));
        assert_eq!(get("/de/nothing/", "", None), file("de/404.html", 404));
        assert_eq!(get("/nothing/", "", None), file("404.html", 404));
        assert_eq!(get("/old", "", None), redirect(301, "/privacy/"));
        assert_eq!(get("/_redirects", "", None), file("404.html", 404));
        assert_eq!(get("/../etc/passwd", "", None), file("404.html", 404));
    }

    #[test]
    fn etags() {
        let tag = etag(b"hello");
        assert!(etag_matches(&tag, &tag));
        assert!(etag_matches(&format!("\"x\", W/{tag}"), &tag));
        assert!(etag_matches("*", &tag));
        assert!(!etag_matches("\"x\"", &tag));
        assert_ne!(etag(b"hello"), etag(b"hellp"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("changes.atom"), "application/atom+xml");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("_redirects"), "application/octet-stream");
    }
}
