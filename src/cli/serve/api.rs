//! What `spasm serve` answers (the contract of docs/serve.md): the page and its two
//! files, the examples as presets, and runs of a posted scenario: the time-course
//! figure as SVG and the endpoints per arm. A function of the request alone; the
//! sockets are in `serve.rs` and `http.rs`.
//!
//! Length: about 350 lines of code and 380 of tests, the contract's cases checked
//! beside the routes that answer them.

use std::borrow::Cow;
use std::io;
use std::net::IpAddr;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::{json, Value};

use spasm::analysis::metrics::{endpoints, Endpoints, MetricThresholds};
use spasm::report::estimate::{human_bytes, run_estimate, MAX_OUTPUT_BYTES};
use spasm::report::figures::timecourse_svg;
use spasm::scenario::{parse_scenario, ArmResult, RunError, ScenarioError, MAX_SCENARIO_BYTES};
use spasm::units::{HOUR, MINUTE};

use super::http::{Head, Response};

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The page: path, content type, text. Nothing else is served from `/assets/`, and
/// nothing is read from the file system.
const ASSETS: [(&str, &str, &str); 4] = [
    ("/", HTML, INDEX_HTML),
    ("/index.html", HTML, INDEX_HTML),
    (
        "/assets/app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    ),
    (
        "/assets/style.css",
        "text/css; charset=utf-8",
        include_str!("assets/style.css"),
    ),
];

/// The page.
const INDEX_HTML: &str = include_str!("assets/index.html");

/// `Content-Type` of the page.
const HTML: &str = "text/html; charset=utf-8";

/// The largest request body read, bytes: the cap on a scenario file (1 MiB).
const MAX_BODY_BYTES: u64 = MAX_SCENARIO_BYTES;

/// The file name a posted scenario has in its error messages.
const POSTED_NAME: &str = "scenario.toml";

/// The preset the page loads first.
const FIRST_PRESET: &str = "default";

/// The server's state: the port it answers for, the presets as JSON, and the
/// simulation slots.
pub(super) struct App {
    port: u16,
    presets: Vec<u8>,
    slots: Slots,
}

impl App {
    /// The application for a server on `port`, running at most `simulations` runs at
    /// once (more wait their turn).
    pub(super) fn new(port: u16, simulations: usize) -> App {
        App {
            port,
            presets: presets_json(),
            slots: Slots {
                free: Mutex::new(simulations.max(1)),
                freed: Condvar::new(),
            },
        }
    }

    /// The answer to `head`, which came from `client`; its body is read only for a
    /// run that passed the checks of the head.
    pub(super) fn respond(&self, head: &Head, client: &mut dyn Client) -> Response {
        match head.header("host") {
            None => return Response::error(400, "bad request: no Host header"),
            Some(host) if !host_allowed(host, self.port) => {
                return Response::error(
                    403,
                    format!(
                        "this server answers only requests for localhost:{port} or an IP address and port {port}, not for '{host}' (a safeguard against DNS rebinding)",
                        port = self.port
                    ),
                )
            }
            Some(_) => {}
        }
        let path = head.path();
        if path == "/api/run" {
            return if head.method == "POST" {
                self.run(head, client)
            } else {
                Response {
                    allow: Some("POST"),
                    ..Response::error(
                        405,
                        "use POST with a JSON body {\"scenario\": \"<TOML text>\"}",
                    )
                }
            };
        }
        let found = match path {
            "/api/health" => Some(Response::json(
                200,
                &json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") }),
            )),
            "/api/presets" => Some(Response {
                status: 200,
                content_type: super::http::JSON,
                body: Cow::Owned(self.presets.clone()),
                allow: None,
            }),
            _ => ASSETS
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|(_, content_type, text)| Response {
                    status: 200,
                    content_type,
                    body: Cow::Borrowed(text.as_bytes()),
                    allow: None,
                }),
        };
        match found {
            None => Response::error(404, format!("no such path: {path}")),
            Some(_) if !matches!(head.method.as_str(), "GET" | "HEAD") => Response {
                allow: Some("GET, HEAD"),
                ..Response::error(405, "use GET")
            },
            Some(r) => r,
        }
    }

    /// `POST /api/run`: checks of the head (before the body is read), the body, then
    /// the simulation in a free slot, unless the client has gone by then.
    fn run(&self, head: &Head, client: &mut dyn Client) -> Response {
        if head.header("transfer-encoding").is_some() {
            return Response::error(411, "send the body with a Content-Length");
        }
        let media = head
            .header("content-type")
            .and_then(|v| v.split(';').next())
            .unwrap_or("")
            .trim();
        if !media.eq_ignore_ascii_case("application/json") {
            return Response::error(415, "Content-Type must be application/json");
        }
        let len = match head.content_length() {
            Ok(len) => len.unwrap_or(0),
            Err(()) => return Response::error(400, "bad request: Content-Length is not a number"),
        };
        if len > MAX_BODY_BYTES {
            return Response::error(
                413,
                format!(
                    "the request has {len} bytes; at most {} MiB are read",
                    MAX_BODY_BYTES >> 20
                ),
            );
        }
        let bytes = match client.body(len) {
            Ok(bytes) => bytes,
            Err(e) => return Response::error(400, format!("bad request: {e}")),
        };
        let request: RunRequest = match serde_json::from_slice(&bytes) {
            Ok(r) => r,
            Err(e) => {
                return Response::error(
                    400,
                    format!("bad request: {e}; expected {{\"scenario\": \"<TOML text>\"}}"),
                )
            }
        };
        let _slot = self.slots.take();
        if client.gone() {
            return Response::error(
                400,
                "bad request: the connection was closed before the run started",
            );
        }
        let start = Instant::now();
        let answer = match simulate(&request.scenario, request.area_px()) {
            Ok(mut ok) => {
                ok["elapsed_ms"] = json!(round_ms(start.elapsed().as_secs_f64() * 1e3));
                ok
            }
            Err(error) => json!({ "ok": false, "error": error }),
        };
        Response::json(200, &answer)
    }
}

/// The connection a request came on, as far as an answer needs it.
pub(super) trait Client {
    /// Read the request body, `len` bytes.
    fn body(&mut self, len: u64) -> io::Result<Vec<u8>>;
    /// Whether the client has closed its side of the connection: a run the page
    /// aborted as stale, not worth simulating.
    fn gone(&self) -> bool;
}

/// The body of `POST /api/run`.
#[derive(serde::Deserialize)]
struct RunRequest {
    /// The scenario, TOML text.
    scenario: String,
    /// Width of the page's figure area, CSS px: the figure is drawn that size with
    /// text at its design size in those pixels ([`spasm::scenario::figure::FigureSettings::for_display`]).
    width: Option<f64>,
    /// Height of the figure area, CSS px (default: 9/16 of the width).
    height: Option<f64>,
}

impl RunRequest {
    /// The figure area in whole px, if the page sent its width.
    fn area_px(&self) -> Option<(u32, u32)> {
        let w = self.width.filter(|w| w.is_finite() && *w > 0.0)?;
        let h = self
            .height
            .filter(|h| h.is_finite() && *h > 0.0)
            .unwrap_or(w * 9.0 / 16.0);
        // Saturating casts; for_display clamps to the sizes a figure may have.
        Some((w.round() as u32, h.round() as u32))
    }
}

/// Milliseconds rounded to hundredths.
fn round_ms(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

/// Whether a request with this `Host` header is for this server on `port`: the
/// name `localhost` or an IP address (never a domain name, which a DNS-rebinding
/// page could point here), and the port.
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, rest) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some(split) => split,
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, _)) => (name, &host[name.len()..]),
            None => (host, ""),
        },
    };
    let port_ok = match rest.strip_prefix(':') {
        Some(p) => p.parse::<u16>() == Ok(port),
        None => rest.is_empty() && port == 80,
    };
    port_ok && (name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok())
}

/// One arm's endpoints as the page reads them: the arm's name, every field of
/// [`Endpoints`] under its own name, and two in hours.
#[derive(serde::Serialize)]
struct ArmEndpoints<'a> {
    /// The arm's name.
    arm: &'a str,
    /// The endpoints.
    #[serde(flatten)]
    endpoints: Endpoints,
    /// Time in spasm, h (`spasm_min` in hours).
    spasm_h: f64,
    /// Time to relief, h (`time_to_relief_h`; `None`: not reached).
    relief_h: Option<f64>,
}

/// Parse, check the size, run and draw `text`: the answer's JSON, or the error
/// object with the fields of a scenario error.
fn simulate(text: &str, area_px: Option<(u32, u32)>) -> Result<Value, Value> {
    let mut sc = parse_scenario(text, POSTED_NAME).map_err(|e| scenario_error(&e))?;
    if let Some(area) = area_px {
        sc.figure.for_display(area);
    }
    let estimate = run_estimate(&sc);
    if estimate.too_large() {
        return Err(problem(
            "too_large",
            &format!(
                "this run would need {}, more than the cap of {} (as spasm run)",
                estimate.describe(),
                human_bytes(MAX_OUTPUT_BYTES)
            ),
            "fewer samples ([output] every) or fewer arms",
        ));
    }
    // Scenario::run, with the arms on all cores: half the time of a two-arm run.
    let results: Result<Vec<ArmResult>, RunError> = sc.initial_state().and_then(|y0| {
        sc.arms
            .par_iter()
            .map(|arm| sc.run_arm(arm, &sc.patient, &y0))
            .collect()
    });
    let results = results.map_err(|e| {
        let message = format!("scenario '{}' could not be integrated: {e}", sc.name);
        problem("run_failed", &message, "")
    })?;
    let svg = timecourse_svg(&sc, &results).map_err(|e| problem("figure", &e.to_string(), ""))?;
    let thresholds = MetricThresholds::default();
    let arms: Vec<ArmEndpoints<'_>> = results
        .iter()
        .map(|r| {
            let e = endpoints(r.patient.model(), &r.trajectory, &thresholds);
            ArmEndpoints {
                arm: &r.name,
                spasm_h: e.spasm_min * MINUTE / HOUR,
                relief_h: e.time_to_relief_h,
                endpoints: e,
            }
        })
        .collect();
    Ok(json!({ "ok": true, "svg": svg, "endpoints": arms }))
}

/// A scenario error as the page reads it: the fields of
/// [`spasm::scenario::error::ErrorDetails`].
fn scenario_error(e: &ScenarioError) -> Value {
    json!({
        "kind": e.kind,
        "message": e.message,
        "line": e.line,
        "column": e.column,
        "key": e.key,
        "expected": e.expected,
        "allowed": e.allowed,
    })
}

/// An error of a run that read well, in the fields of a scenario error (no position).
fn problem(kind: &str, message: &str, expected: &str) -> Value {
    json!({
        "kind": kind,
        "message": message,
        "line": 0,
        "column": 0,
        "key": "",
        "expected": expected,
        "allowed": null,
    })
}

/// `{"presets": [{"name", "title", "toml"}, ...]}`: every example, the default first,
/// then by name; the title is the scenario's name.
fn presets_json() -> Vec<u8> {
    let mut list: Vec<&(&str, &str)> = EXAMPLES.iter().collect();
    list.sort_by_key(|(stem, _)| (*stem != FIRST_PRESET, *stem));
    let presets: Vec<Value> = list
        .into_iter()
        .map(|(stem, text)| {
            let title = parse_scenario(text, &format!("examples/{stem}.toml"))
                .map_or_else(|_| stem.to_string(), |s| s.name);
            json!({ "name": stem, "title": title, "toml": text })
        })
        .collect();
    json!({ "presets": presets }).to_string().into_bytes()
}

/// At most so many simulations at once; the others wait for a slot.
struct Slots {
    /// Free slots.
    free: Mutex<usize>,
    /// Signalled when a slot is given back.
    freed: Condvar,
}

/// A taken slot, given back when dropped.
struct Slot<'a>(&'a Slots);

impl Slots {
    /// Wait for a free slot and take it.
    fn take(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORT: u16 = 8765;
    const HOST: (&str, &str) = ("Host", "127.0.0.1:8765");
    const JSON_TYPE: (&str, &str) = ("Content-Type", "application/json");

    fn app() -> App {
        App::new(PORT, 2)
    }

    /// A client that sent `body` and may have gone.
    struct Stub {
        body: Option<Vec<u8>>,
        gone: bool,
    }

    impl Client for Stub {
        fn body(&mut self, len: u64) -> io::Result<Vec<u8>> {
            let body = self.body.take().expect("a body to read, once");
            assert_eq!(len, body.len() as u64);
            Ok(body)
        }
        fn gone(&self) -> bool {
            self.gone
        }
    }

    /// The answer to a request whose body must not be read.
    fn get(app: &App, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut client = Stub {
            body: None,
            gone: false,
        };
        app.respond(&Head::new(method, path, headers), &mut client)
    }

    /// The answer to `POST /api/run` of `body`, and its JSON.
    fn post(app: &App, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
        let len = body.len().to_string();
        let mut all = headers.to_vec();
        all.push(("Content-Length", &len));
        let mut client = Stub {
            body: Some(body.as_bytes().to_vec()),
            gone: false,
        };
        let r = app.respond(&Head::new("POST", "/api/run", &all), &mut client);
        (r.status, serde_json::from_slice(&r.body).unwrap())
    }

    fn run(app: &App, scenario: &str) -> Value {
        let (status, v) = post(
            app,
            &[HOST, JSON_TYPE],
            &json!({ "scenario": scenario }).to_string(),
        );
        assert_eq!(status, 200);
        v
    }

    #[test]
    fn the_presets_are_every_example_in_the_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = EXAMPLES.iter().map(|(stem, _)| *stem).collect();
        assert_eq!(embedded, on_disk);
        let v: Value = serde_json::from_slice(&presets_json()).unwrap();
        let presets = v["presets"].as_array().unwrap();
        assert_eq!(presets.len(), on_disk.len());
        assert_eq!(presets[0]["name"], "default");
        let names: Vec<&str> = presets[1..]
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        let default = &presets[0];
        assert_eq!(default["toml"], spasm::scenario::DEFAULT_TOML);
        assert_eq!(
            default["title"],
            spasm::scenario::Scenario::embedded_default().name
        );
    }

    #[test]
    fn serves_the_page_and_nothing_else() {
        let app = app();
        for (path, ty, text) in ASSETS {
            let r = get(&app, "GET", path, &[HOST]);
            assert_eq!((r.status, r.content_type), (200, ty), "{path}");
            assert_eq!(&*r.body, text.as_bytes());
        }
        for path in [
            "/assets/../Cargo.toml",
            "/assets/..%2fCargo.toml",
            "/assets/%2e%2e/Cargo.toml",
            "/assets//etc/passwd",
            "/assets/",
            "/assets/index.html",
            "/Cargo.toml",
            "/favicon.ico",
            "/__mock/last",
            "http://127.0.0.1:8765/",
        ] {
            assert_eq!(get(&app, "GET", path, &[HOST]).status, 404, "{path}");
        }
        let r = get(&app, "GET", "/assets/app.js?v=2", &[HOST]);
        assert_eq!(r.status, 200, "a query is ignored");
        let r = get(&app, "POST", "/", &[HOST]);
        assert_eq!((r.status, r.allow), (405, Some("GET, HEAD")));
        let r = get(&app, "GET", "/api/run", &[HOST]);
        assert_eq!((r.status, r.allow), (405, Some("POST")));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["ok"], false);
        assert!(v["error"]["message"].as_str().unwrap().contains("POST"));
        let health: Value =
            serde_json::from_slice(&get(&app, "GET", "/api/health", &[HOST]).body).unwrap();
        assert_eq!(
            health,
            json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") })
        );
    }

    #[test]
    fn answers_only_requests_addressed_to_it() {
        for ok in [
            "127.0.0.1:8765",
            "localhost:8765",
            "LOCALHOST:8765",
            "[::1]:8765",
            "192.168.1.5:8765",
        ] {
            assert!(host_allowed(ok, PORT), "{ok}");
        }
        for bad in [
            "evil.example:8765",
            "127.0.0.1:8766",
            "127.0.0.1",
            "localhost",
            "[::1]",
            "[::1",
            "",
            "127.0.0.1:",
            "localhost.evil.example:8765",
        ] {
            assert!(!host_allowed(bad, PORT), "{bad}");
        }
        assert!(host_allowed("localhost", 80) && host_allowed("127.0.0.1:80", 80));
        let app = app();
        let r = get(
            &app,
            "GET",
            "/api/presets",
            &[("Host", "rebound.example:8765")],
        );
        assert_eq!(r.status, 403);
        assert_eq!(get(&app, "GET", "/", &[]).status, 400, "no Host");
        // A run for another host is refused before its body is read.
        let r = get(
            &app,
            "POST",
            "/api/run",
            &[
                ("Host", "evil.example:8765"),
                JSON_TYPE,
                ("Content-Length", "10"),
            ],
        );
        assert_eq!(r.status, 403);
    }

    #[test]
    fn refuses_runs_that_are_not_json_or_too_large_before_reading_them() {
        let app = app();
        let r = get(
            &app,
            "POST",
            "/api/run",
            &[
                HOST,
                ("Content-Type", "text/plain"),
                ("Content-Length", "12"),
            ],
        );
        assert_eq!(r.status, 415);
        let r = get(
            &app,
            "POST",
            "/api/run",
            &[HOST, ("Content-Type", "application/x-www-form-urlencoded")],
        );
        assert_eq!(r.status, 415);
        let big = (MAX_BODY_BYTES + 1).to_string();
        let r = get(
            &app,
            "POST",
            "/api/run",
            &[HOST, JSON_TYPE, ("Content-Length", &big)],
        );
        assert_eq!(r.status, 413);
        let r = get(
            &app,
            "POST",
            "/api/run",
            &[HOST, JSON_TYPE, ("Transfer-Encoding", "chunked")],
        );
        assert_eq!(r.status, 411);
        let r = get(
            &app,
            "POST",
            "/api/run",
            &[HOST, JSON_TYPE, ("Content-Length", "x")],
        );
        assert_eq!(r.status, 400);
    }

    #[test]
    fn a_body_that_is_not_a_run_request_is_a_bad_request() {
        let app = app();
        let with_charset = ("Content-Type", "Application/JSON; charset=utf-8");
        for body in ["{not json", "{}", r#"{"scenario": 3}"#, "[]", ""] {
            let (status, v) = post(&app, &[HOST, with_charset], body);
            assert_eq!(status, 400, "{body}");
            assert_eq!(v["ok"], false);
            assert!(
                v["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("bad request: "),
                "{v}"
            );
        }
    }

    #[test]
    fn a_scenario_error_has_the_fields_of_the_scenario_reader_with_status_200() {
        let app = app();
        let text = "name = \"Broken\"\nduration = \"7 d\"\n\n[model]\nset = \"acute_injury\"\n\n[[arm]]\nname = \"no treatment\"\n\n[[arm]]\nname = \"ibuprofen\"\n\n  [[arm.intervention]]\n  kind = \"ibuprofen\"\n  dose = \"-400 mg\"\n";
        let want = parse_scenario(text, POSTED_NAME).unwrap_err();
        let v = run(&app, text);
        assert_eq!(v["ok"], false);
        let e = &v["error"];
        assert_eq!(
            (e["line"].as_u64(), e["column"].as_u64()),
            (Some(15), Some(10))
        );
        assert_eq!(e["key"], "arm[2].intervention[1].dose");
        assert_eq!(e["kind"], "out_of_range");
        assert_eq!(e["message"], want.message.as_str());
        assert_eq!(e["expected"], want.expected.as_str());
        assert_eq!(e["allowed"].as_str(), want.allowed.as_deref());
        let syntax = run(&app, "duration = \"7 d\"\n[model\n");
        assert_eq!(
            (
                syntax["error"]["key"].as_str(),
                syntax["error"]["line"].as_u64()
            ),
            (Some("TOML syntax"), Some(2))
        );
        assert_eq!(syntax["error"]["kind"], "syntax");
    }

    #[test]
    fn a_run_gives_the_figure_and_the_endpoints_of_every_arm() {
        let app = app();
        let v = run(&app, spasm::scenario::DEFAULT_TOML);
        assert_eq!(v["ok"], true, "{}", v["error"]);
        let svg = v["svg"].as_str().unwrap();
        assert!(
            svg.starts_with("<svg ") && svg.contains(" viewBox=\""),
            "{}",
            &svg[..80]
        );
        assert!(!svg.contains("<script"));
        assert!(v["elapsed_ms"].as_f64().unwrap() > 0.0);
        let sc = spasm::scenario::Scenario::embedded_default();
        let results = sc.run().unwrap();
        let eps = v["endpoints"].as_array().unwrap();
        assert_eq!(eps.len(), results.len());
        for (got, r) in eps.iter().zip(&results) {
            let want = endpoints(
                r.patient.model(),
                &r.trajectory,
                &MetricThresholds::default(),
            );
            assert_eq!(got["arm"], r.name.as_str());
            assert_eq!(got["peak_pain_nrs"].as_f64(), Some(want.peak_pain_nrs));
            assert_eq!(got["pain_auc_nrs_h"].as_f64(), Some(want.pain_auc_nrs_h));
            assert_eq!(got["spasm_min"].as_f64(), Some(want.spasm_min));
            assert_eq!(got["spasm_h"].as_f64(), Some(want.spasm_min / 60.0));
            assert_eq!(got["relief_h"].as_f64(), want.time_to_relief_h);
            assert_eq!(got["time_to_relief_h"], got["relief_h"]);
        }
    }

    #[test]
    fn text_from_the_scenario_cannot_become_markup() {
        let text = spasm::scenario::DEFAULT_TOML.replace(
            "name = \"Acute spasm: hot pack + stretching vs no treatment\"",
            r#"name = "<script>alert(1)</script><g onload=\"x()\">""#,
        );
        let v = run(&app(), &text);
        assert_eq!(v["ok"], true, "{}", v["error"]);
        let svg = v["svg"].as_str().unwrap();
        assert!(svg.contains("&lt;script&gt;"), "the name is drawn, escaped");
        let tags: Vec<&str> = svg
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
            .collect();
        assert!(
            tags.iter()
                .all(|t| !t.starts_with("script") && !t.contains(" onload=")),
            "{svg:.2000}"
        );
    }

    #[test]
    fn a_run_too_large_to_hold_is_refused_as_an_error_of_the_scenario() {
        // The benchmark's 16 arms sampled every 10 s: about 1 GB.
        let text = include_str!("../../../examples/benchmark.toml")
            .replace("every = \"10 min\"", "every = \"10 s\"");
        let v = run(&app(), &text);
        assert_eq!(v["ok"], false, "{v:.300}");
        assert_eq!(v["error"]["kind"], "too_large");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("more than the cap of 500 MB"), "{message}");
    }

    #[test]
    fn a_run_whose_client_has_gone_is_not_simulated() {
        let body = json!({ "scenario": spasm::scenario::DEFAULT_TOML }).to_string();
        let len = body.len().to_string();
        let head = Head::new(
            "POST",
            "/api/run",
            &[HOST, JSON_TYPE, ("Content-Length", &len)],
        );
        let mut client = Stub {
            body: Some(body.into_bytes()),
            gone: true,
        };
        let r = app().respond(&head, &mut client);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(r.status, 400, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("closed before the run"),
            "{v}"
        );
    }
}
