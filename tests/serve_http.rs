//! `spasm serve` over real sockets, without a browser: the page and its headers, the
//! paths it never serves, the requests it refuses (405, 411, 413, 415, 403 for another
//! Host), runs and scenario errors, clients that go away mid-run, and answers while a
//! long run is going on. The page in a browser: tests/serve_browser.rs.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

#[path = "support/serve.rs"]
mod serve;

use serve::Server;

/// An answer as read off the socket.
struct Reply {
    status: u16,
    /// Header names in lower case.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Send `request` as is and read the whole answer (the server closes after it).
fn exchange(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(request).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(server: &Server, path: &str) -> Reply {
    let host = server.addr;
    exchange(
        server.addr,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    )
}

/// `POST /api/run` with `body` and `content_type`.
fn post(server: &Server, content_type: &str, body: &str) -> Reply {
    let (host, len) = (server.addr, body.len());
    exchange(
        server.addr,
        format!("POST /api/run HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\r\n{body}").as_bytes(),
    )
}

fn run(server: &Server, scenario: &str) -> Reply {
    let body = serde_json::json!({ "scenario": scenario, "width": 792, "height": 474 });
    post(server, "application/json", &body.to_string())
}

const INDEX: &str = include_str!("../src/cli/serve/assets/index.html");
const APP_JS: &str = include_str!("../src/cli/serve/assets/app.js");

#[test]
fn serves_the_page_with_the_headers_of_the_contract() {
    let server = Server::start();
    assert!(
        server.url().starts_with("http://127.0.0.1:"),
        "{}",
        server.url()
    );
    for (path, ty, text) in [
        ("/", "text/html; charset=utf-8", INDEX),
        ("/assets/app.js", "text/javascript; charset=utf-8", APP_JS),
    ] {
        let r = get(&server, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty));
        assert_eq!(r.body, text.as_bytes(), "{path} is the embedded file");
        assert_eq!(r.header("content-length"), Some(&*text.len().to_string()));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.starts_with("default-src 'none'; script-src 'self';"),
            "{csp}"
        );
        assert!(r
            .headers
            .iter()
            .all(|(n, _)| !n.starts_with("access-control-")));
    }
    let head = exchange(
        server.addr,
        format!(
            "HEAD / HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
            server.addr.port()
        )
        .as_bytes(),
    );
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(
        head.header("content-length"),
        Some(&*INDEX.len().to_string())
    );
    let presets = get(&server, "/api/presets").json();
    assert_eq!(presets["presets"][0]["name"], "default");
    assert_eq!(get(&server, "/api/health").json()["ok"], true);
    assert_eq!(server.stop(), "", "nothing on standard error");
}

#[test]
fn never_serves_anything_but_the_page() {
    let server = Server::start();
    for path in [
        "/assets/../Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets//etc/passwd",
        "/../../etc/passwd",
        "/assets/nope.js",
        "/src/cli/serve/assets/app.js",
        "/favicon.ico",
    ] {
        let r = get(&server, path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.json()["ok"], false);
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=utf-8")
        );
    }
}

#[test]
fn refuses_requests_it_does_not_take() {
    let server = Server::start();
    let (addr, port) = (server.addr, server.addr.port());
    let r = get(&server, "/api/run");
    assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    assert_eq!(r.json()["ok"], false);
    assert_eq!(
        post(&server, "text/plain", r#"{"scenario":"x"}"#).status,
        415
    );
    assert_eq!(post(&server, "application/json", "{not json").status, 400);
    assert_eq!(
        post(&server, "application/json", r#"{"toml": "x"}"#).status,
        400
    );
    let rebound = exchange(
        addr,
        format!("GET / HTTP/1.1\r\nHost: attacker.example:{port}\r\n\r\n").as_bytes(),
    );
    assert_eq!(rebound.status, 403, "a DNS-rebinding page gets nothing");
    let no_host = exchange(addr, b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.status, 400);
    assert_eq!(exchange(addr, b"NONSENSE\r\n\r\n").status, 400);
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_eq!(exchange(addr, huge.as_bytes()).status, 431);
    let chunked = format!("POST /api/run HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assert_eq!(exchange(addr, chunked.as_bytes()).status, 411);
}

#[test]
fn a_body_over_1_mib_is_refused_and_the_client_reads_why() {
    let server = Server::start();
    let scenario = "#".repeat(2 << 20);
    let r = run(&server, &scenario);
    assert_eq!(r.status, 413);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1 MiB"));
    // Just under the cap is read (and is a scenario error: it has no duration).
    let r = run(&server, &"#".repeat((1 << 20) - 100));
    assert_eq!(
        (r.status, r.json()["error"]["key"].as_str()),
        (200, Some("duration"))
    );
}

#[test]
fn runs_a_scenario_and_answers_scenario_errors_with_200() {
    let server = Server::start();
    let r = run(&server, include_str!("../examples/default.toml"));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["ok"], true, "{}", v["error"]);
    let svg = v["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg ") && svg.contains(" viewBox=\"0 0 "));
    assert!(!svg.to_ascii_lowercase().contains("<script"));
    assert!(v["elapsed_ms"].as_f64().unwrap() > 0.0);
    let arms: Vec<&str> = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["arm"].as_str().unwrap())
        .collect();
    assert_eq!(arms, ["no treatment", "hot pack + stretching"]);
    for e in v["endpoints"].as_array().unwrap() {
        for key in [
            "peak_pain_nrs",
            "pain_auc_nrs_h",
            "spasm_h",
            "final_pain_nrs",
        ] {
            assert!(e[key].is_number(), "{key}: {e}");
        }
        assert!(e["relief_h"].is_number() || e["relief_h"].is_null());
    }
    let broken = include_str!("../examples/ibuprofen.toml")
        .replace("dose = \"400 mg\"", "dose = \"-400 mg\"");
    assert_ne!(broken, include_str!("../examples/ibuprofen.toml"));
    let r = run(&server, &broken);
    assert_eq!(
        r.status, 200,
        "a scenario error is an answer, not a failed request"
    );
    let e = &r.json()["error"];
    assert_eq!(e["key"], "arm[2].intervention[1].dose");
    assert_eq!(e["kind"], "out_of_range");
    assert!(
        e["line"].as_u64().unwrap() > 0 && e["column"].as_u64().unwrap() > 0,
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("more than 0 mg"),
        "{e}"
    );
}

#[test]
fn clients_that_go_away_mid_run_are_no_error_and_runs_do_not_block_the_rest() {
    let server = Server::start();
    let (addr, host) = (server.addr, server.addr);
    let body =
        serde_json::json!({ "scenario": include_str!("../examples/benchmark.toml") }).to_string();
    let request = format!("POST /api/run HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    // Four runs whose clients leave before the answer, as the page's stale runs do.
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(request.as_bytes()).unwrap();
    }
    // A long run (16 arms, 14 days), and a quick request while it goes on.
    let start = Instant::now();
    let long = std::thread::spawn(move || {
        let r = exchange(addr, request.as_bytes());
        (r.status, r.json()["ok"].clone(), start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(100));
    let health = get(&server, "/api/health");
    let quick = start.elapsed();
    let (status, ok, slow) = long.join().unwrap();
    assert_eq!(
        (health.status, status, ok),
        (200, 200, serde_json::json!(true))
    );
    assert!(
        quick < slow,
        "the health check ({quick:?}) waited for the run ({slow:?})"
    );
    assert_eq!(server.stop(), "", "nothing on standard error");
}

/// `spasm serve --json`: the one document of the output contract, with the page's
/// address as its summary, is printed first, once the server listens.
#[test]
fn serve_json_prints_the_contract_document_once_listening() {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spasm"))
        .args(["serve", "--port", "0", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    let v: serde_json::Value = loop {
        let mut line = String::new();
        let n = stdout.read_line(&mut line).unwrap();
        text.push_str(&line);
        if let Ok(v) = serde_json::from_str(&text) {
            break v;
        }
        assert!(n > 0 && text.len() < 10_000, "no document: {text}");
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(v["command"], "serve");
    assert!(v["dir"].is_null() && v["files"] == serde_json::json!([]));
    let url = v["summary"]["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{url}"
    );
}
