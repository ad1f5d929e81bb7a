//! `legalsite serve`: the live preview.
//!
//! Builds the site into memory, serves it on 127.0.0.1 the way Netlify
//! serves `public/` (headers, redirects, pretty URLs, 404 pages), watches
//! the sources, rebuilds on each save and tells open browsers to reload. A
//! failed build keeps the last good site served and shows its errors in
//! the terminal and over the page. Nothing is written to disk: not
//! `public/`, not `content/`, no staging folder.
//!
//! - `watch`: which changes matter (a pure function) and the watcher;
//! - `engine`: rebuilds and publishes a [`state::Snapshot`] per change,
//!   rendering only the edited policies' pages when `scope` allows;
//! - `http`: what to answer for a request (Netlify's rules, `netlify`);
//! - `live`: the reload script, its event stream and the error overlay,
//!   allowed through the page's CSP by `csp`.

pub mod csp;
pub mod engine;
pub mod http;
pub mod live;
pub mod netlify;
pub mod scope;
pub mod state;
pub mod watch;

use crate::cmd::say;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::watch as channel;

use crate::cli::{CONTENT_ERROR, OK, USAGE_ERROR};
use engine::{Engine, Outcome, Settings};
use state::Snapshot;
use watch::{Changes, SourceWatcher};

/// The port tried when `--port` is not given.
pub const DEFAULT_PORT: u16 = 4000;

/// What `serve` was asked for.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub date: Option<NaiveDate>,
    pub drafts: bool,
    pub bind: IpAddr,
    /// `None`: [`DEFAULT_PORT`], or any free port when that one is taken.
    pub port: Option<u16>,
    /// Overrides the preview's own address as the pages' base URL.
    pub base_url: Option<String>,
    pub open: bool,
}

/// Runs the preview until Ctrl-C; returns the exit code.
pub fn run(config: &Config) -> i32 {
    let root = match config.root.canonicalize() {
        Ok(root) => root,
        Err(error) => {
            eprintln!(
                "error: cannot use {} as the site's folder: {error}",
                config.root.display()
            );
            return USAGE_ERROR;
        }
    };
    let listener = match bind(config.bind, config.port) {
        Ok(listener) => listener,
        Err(message) => {
            eprintln!("error: {message}");
            return USAGE_ERROR;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("error: {error}");
            return USAGE_ERROR;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the server: {error}");
            return CONTENT_ERROR;
        }
    };
    let url = format!("http://{}/", display_address(address));
    let settings = Settings {
        root: root.clone(),
        date: config.date,
        drafts: config.drafts,
        base_url: config
            .base_url
            .clone()
            .unwrap_or_else(|| url.trim_end_matches('/').to_string()),
    };
    let (publisher, snapshots) = channel::channel(Arc::new(Snapshot::default()));
    let mut engine = Engine::new(settings, publisher);
    // Watch before the first build, so a save during it is not missed.
    let (sender, changes) = mpsc::channel();
    let watcher = match SourceWatcher::start(&root, sender) {
        Ok(watcher) => watcher,
        Err(error) => {
            eprintln!(
                "error: cannot watch {} for changes: {error}",
                root.display()
            );
            return CONTENT_ERROR;
        }
    };
    let outcome = engine.start();
    report(&outcome, None, &engine);
    if !config.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone on your network can read the preview, drafts included",
            config.bind
        );
    }
    say!("Serving the preview at {url} (Ctrl-C to stop)");
    if config.open
        && let Err(error) = open::that_detached(&url)
    {
        eprintln!("warning: could not open a browser: {error}");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let rebuilder = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || rebuild_loop(engine, watcher, &changes, &stop))
    };
    let served = runtime.block_on(serve(listener, snapshots, display_address(address)));
    stop.store(true, Ordering::SeqCst);
    let _ = rebuilder.join();
    // Open event streams are closed by now; do not wait for idle browsers.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match served {
        Ok(()) => {
            say!("Stopped.");
            OK
        }
        Err(error) => {
            eprintln!("error: the server stopped: {error}");
            CONTENT_ERROR
        }
    }
}

/// The listening socket: the asked port, else the default one, else any
/// free port (a second preview must not fail just because one runs).
fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, String> {
    let attempt = |port: u16| {
        let listener = TcpListener::bind(SocketAddr::new(ip, port))?;
        listener.set_nonblocking(true)?;
        Ok::<_, io::Error>(listener)
    };
    match port {
        Some(port) => attempt(port).map_err(|e| match e.kind() {
            io::ErrorKind::AddrInUse => format!(
                "port {port} on {ip} is in use; pass another --port, or --port 0 for any free port"
            ),
            _ => format!("cannot listen on {ip}:{port}: {e}"),
        }),
        None => attempt(DEFAULT_PORT)
            .or_else(|_| attempt(0))
            .map_err(|e| format!("cannot listen on {ip}: {e}")),
    }
}

/// `127.0.0.1:4000`, `[::1]:4000`.
fn display_address(address: SocketAddr) -> String {
    address.to_string()
}

/// Serves until Ctrl-C (or SIGTERM), then closes the event streams so the
/// server can finish.
async fn serve(
    listener: TcpListener,
    snapshots: channel::Receiver<Arc<Snapshot>>,
    address: String,
) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (stopper, stopping) = channel::channel(false);
    let app = Arc::new(http::App {
        snapshots,
        stopping,
        address,
    });
    let router = axum::Router::new().fallback(http::handle).with_state(app);
    let shutdown = async move {
        wait_for_stop().await;
        let _ = stopper.send(true);
    };
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Waits for changes and rebuilds, one debounced batch at a time: changes
/// that arrive during a build make the next batch.
fn rebuild_loop(
    mut engine: Engine,
    mut watcher: SourceWatcher,
    changes: &mpsc::Receiver<Changes>,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::SeqCst) {
        let Some(batch) = watch::next_batch(changes, Duration::from_millis(100)) else {
            continue;
        };
        watcher.watch_new_dirs();
        let outcome = engine.apply(&batch);
        report(&outcome, Some(&batch), &engine);
    }
}

/// Tells the terminal what a build did.
fn report(outcome: &Outcome, changes: Option<&Changes>, engine: &Engine) {
    match outcome {
        Outcome::Built { warnings, .. } => {
            crate::cmd::print_diagnostics(warnings);
            say!("{}", engine::summary(outcome, changes));
        }
        Outcome::Failed { diagnostics, .. } => {
            crate::cmd::print_diagnostics(diagnostics);
            eprintln!("{}", engine::summary(outcome, changes));
        }
        Outcome::Rules => say!("{}", engine::summary(outcome, changes)),
        Outcome::NoDate(_) => eprintln!("{}", engine::summary(outcome, changes)),
    }
    for error in engine.rules_errors() {
        eprintln!("{error}");
    }
}
