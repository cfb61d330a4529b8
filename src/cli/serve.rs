//! `spasm serve`: a local web page with sliders whose time course and endpoints are
//! redrawn live (docs/serve.md). This file listens and hands each connection to a
//! thread; [`http`] reads and writes HTTP/1.1, [`api`] answers. The page's three
//! files, and every example as a preset, are built in.

mod api;
mod http;

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::args::ServeArgs;
use super::output::{Output, Written};
use super::CliError;

/// Connections served at once; more are answered 503 at once (a page needs two or
/// three).
const MAX_CONNECTIONS: usize = 64;

/// How long a connection may take to send its request, or to read the answer, s.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The pause after a failed accept (out of file descriptors, say), before trying
/// again, s.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Run `spasm serve`: listen, print the page's address as the first line, and answer
/// until stopped (Ctrl-C).
pub(super) fn serve(args: &ServeArgs) -> Result<ExitCode, CliError> {
    let wanted = SocketAddr::new(args.host, args.port);
    let listen_error = |source| CliError::Listen {
        addr: wanted,
        source,
    };
    let listener = TcpListener::bind(wanted).map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    // Simulations run on the connections' threads, as many at once as there are cores.
    let simulations = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let app = Arc::new(api::App::new(addr.port(), simulations));
    let out = Output::new("serve", args.output);
    let url = format!("http://{}/", shown(addr));
    if out.text() {
        say!("spasm serve: open {url} in a browser; Ctrl-C stops the server");
    }
    out.emit(Written::Nothing, serde_json::json!({ "url": url }))?;
    if !addr.ip().is_loopback() {
        note!("spasm serve: listening on {addr}: other computers can reach this page, which has no password");
    }
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            std::thread::sleep(ACCEPT_BACKOFF);
            continue;
        };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let busy = http::Response::error(503, "too many connections; try again");
            let _ = http::write_response(&mut &stream, &busy, false);
            continue;
        }
        let guard = Open::enter(&open);
        let app = Arc::clone(&app);
        // A thread that cannot start drops the connection (and the guard) here.
        let _ = std::thread::Builder::new()
            .name("spasm-serve".into())
            .spawn(move || {
                let _guard = guard;
                connection(&stream, &app);
            });
    }
    Ok(ExitCode::SUCCESS)
}

/// The address to open: a wildcard address (0.0.0.0, ::) shown as this computer's
/// loopback address.
fn shown(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// Answer one request on `stream`, then close it. A client that has gone away
/// (a stale run the page aborted) only makes a write fail, which is not reported.
fn connection(stream: &TcpStream, app: &api::App) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let mut reader = BufReader::new(stream);
    let (response, head_only) = match http::read_head(&mut reader) {
        Ok(head) => {
            let mut client = Client {
                head: &head,
                reader: &mut reader,
                stream,
            };
            let response = app.respond(&head, &mut client);
            (Some(response), head.method == "HEAD")
        }
        Err(e) => (e.response(), false),
    };
    if let Some(response) = response {
        let _ = http::write_response(&mut &*stream, &response, head_only);
    }
    http::close(stream, reader);
}

/// The connection of one request.
struct Client<'a, 's> {
    head: &'a http::Head,
    reader: &'a mut BufReader<&'s TcpStream>,
    stream: &'s TcpStream,
}

impl api::Client for Client<'_, '_> {
    fn body(&mut self, len: u64) -> std::io::Result<Vec<u8>> {
        http::read_body(self.head, &mut *self.reader, &mut &*self.stream, len)
    }

    fn gone(&self) -> bool {
        http::closed_by_peer(self.stream)
    }
}

/// One open connection, counted while it lives.
struct Open(Arc<AtomicUsize>);

impl Open {
    /// Count one more connection in `count`.
    fn enter(count: &Arc<AtomicUsize>) -> Open {
        count.fetch_add(1, Ordering::SeqCst);
        Open(Arc::clone(count))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
