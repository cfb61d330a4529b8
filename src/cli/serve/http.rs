//! The little HTTP/1.1 that `spasm serve` speaks, on top of `std::net`: one request
//! per connection (every response says `Connection: close`), a head of at most
//! [`MAX_HEAD_BYTES`], a body only by `Content-Length`. That is all a browser on the
//! same computer needs, and it leaves nothing to configure.

use std::borrow::Cow;
use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// The largest request head (request line and headers) read, bytes (16 KiB; a
/// browser's is under 1 KiB).
pub(super) const MAX_HEAD_BYTES: usize = 16 << 10;

/// How long a closing connection waits for the client's last bytes, s per read.
const LINGER: Duration = Duration::from_secs(2);

/// The most bytes of an unread request body drained before closing, so that the
/// client reads the answer instead of a reset (8 MiB: eight times the body cap).
const MAX_LINGER_BYTES: u64 = 8 << 20;

/// What the page may load and run: only its own script, style and requests.
pub(super) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The interim answer to `Expect: 100-continue`.
const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// A request's method, target and headers.
#[derive(Debug, Clone)]
pub(super) struct Head {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as sent (not decoded), query included.
    pub target: String,
    /// Header names in lower case, and values, in the order sent.
    headers: Vec<(String, String)>,
}

impl Head {
    /// A head from its parts (tests).
    #[cfg(test)]
    pub(super) fn new(method: &str, target: &str, headers: &[(&str, &str)]) -> Head {
        Head {
            method: method.into(),
            target: target.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), (*v).to_string()))
                .collect(),
        }
    }

    /// The first value of header `name` (lower case).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path: the target without its query.
    pub(super) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The body length from `Content-Length` (`None`: no such header); `Err` when it
    /// is not a number or the copies disagree.
    pub(super) fn content_length(&self) -> Result<Option<u64>, ()> {
        let mut length = None;
        for (_, v) in self.headers.iter().filter(|(n, _)| n == "content-length") {
            let v = v.trim();
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            let n: u64 = v.parse().map_err(|_| ())?;
            if length.is_some_and(|l| l != n) {
                return Err(());
            }
            length = Some(n);
        }
        Ok(length)
    }

    /// Whether the client waits for `100 Continue` before it sends the body.
    fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }
}

/// Why no request head could be read.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum HeadError {
    /// The client closed the connection (or went quiet) before sending a request.
    Closed,
    /// The head exceeds [`MAX_HEAD_BYTES`].
    TooLarge,
    /// Not an HTTP/1.x request head; what is wrong.
    Malformed(&'static str),
}

impl HeadError {
    /// The answer to send, if the client is still there to read one.
    pub(super) fn response(&self) -> Option<Response> {
        match self {
            HeadError::Closed => None,
            HeadError::TooLarge => Some(Response::error(
                431,
                format!("the request head is larger than {MAX_HEAD_BYTES} bytes"),
            )),
            HeadError::Malformed(what) => {
                Some(Response::error(400, format!("bad request: {what}")))
            }
        }
    }
}

/// Read a request head (request line and headers, up to the empty line).
pub(super) fn read_head(r: &mut impl BufRead) -> Result<Head, HeadError> {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0usize;
    loop {
        let mut raw = Vec::new();
        let limit = (MAX_HEAD_BYTES - used) as u64 + 1;
        let n = r
            .by_ref()
            .take(limit)
            .read_until(b'\n', &mut raw)
            .map_err(|_| HeadError::Closed)?;
        used += n;
        if used > MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
        if n == 0 || raw.last() != Some(&b'\n') {
            return Err(if lines.is_empty() {
                HeadError::Closed
            } else {
                HeadError::Malformed("the request head ends early")
            });
        }
        let line = String::from_utf8(raw)
            .map_err(|_| HeadError::Malformed("the request head is not UTF-8"))?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if lines.is_empty() {
                continue; // empty lines before a request are allowed
            }
            break;
        }
        lines.push(line.to_string());
    }
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed(
            "the request line is not METHOD TARGET VERSION",
        ));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(HeadError::Malformed("the method is not a word in capitals"));
    }
    if !version.starts_with("HTTP/1.") || target.is_empty() {
        return Err(HeadError::Malformed("not an HTTP/1.x request"));
    }
    let mut headers = Vec::with_capacity(lines.len() - 1);
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(HeadError::Malformed("a header line without a colon"));
        };
        if name.is_empty() || name.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(HeadError::Malformed("a header name with spaces"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    })
}

/// Read the body of `head`, `len` bytes, answering `Expect: 100-continue` first.
pub(super) fn read_body(
    head: &Head,
    r: &mut impl Read,
    w: &mut impl Write,
    len: u64,
) -> io::Result<Vec<u8>> {
    if head.expects_continue() {
        w.write_all(CONTINUE)?;
        w.flush()?;
    }
    let mut body = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    r.take(len).read_to_end(&mut body)?;
    if (body.len() as u64) < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the request body ended early",
        ));
    }
    Ok(body)
}

/// Whether the peer has closed its side of `stream` (or reset it), without waiting:
/// what a client that aborted its request does. A request's body must have been read.
pub(super) fn closed_by_peer(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0u8; 1];
    let peeked = stream.peek(&mut byte);
    let _ = stream.set_nonblocking(false);
    match peeked {
        Ok(n) => n == 0,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub(super) struct Response {
    /// Status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Cow<'static, [u8]>,
    /// `Allow` (the methods a 405's path takes).
    pub allow: Option<&'static str>,
}

/// `Content-Type` of every JSON answer.
pub(super) const JSON: &str = "application/json; charset=utf-8";

impl Response {
    /// `value` as JSON with `status`.
    pub(super) fn json(status: u16, value: &serde_json::Value) -> Response {
        Response {
            status,
            content_type: JSON,
            body: Cow::Owned(value.to_string().into_bytes()),
            allow: None,
        }
    }

    /// `{"ok": false, "error": {"message": message}}` with `status`.
    pub(super) fn error(status: u16, message: impl Into<String>) -> Response {
        let message: String = message.into();
        Response::json(
            status,
            &serde_json::json!({ "ok": false, "error": { "message": message } }),
        )
    }
}

/// The reason phrase of `status`.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Write `r` (without its body for a `HEAD` request: `head_only`), with the headers
/// every answer carries.
pub(super) fn write_response(w: &mut impl Write, r: &Response, head_only: bool) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: {CONTENT_SECURITY_POLICY}\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if let Some(allow) = r.allow {
        out.push_str(&format!("Allow: {allow}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&r.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}

/// Close a connection whose answer is written: say so (FIN), then read what the
/// client still sends (an unread body) for a while, so that it gets the answer
/// rather than a reset. Errors mean the client has gone, which is fine.
pub(super) fn close(stream: &TcpStream, rest: impl Read) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER));
    let _ = io::copy(&mut rest.take(MAX_LINGER_BYTES), &mut io::sink());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Head, HeadError> {
        read_head(&mut text.as_bytes())
    }

    #[test]
    fn reads_a_request_head() {
        let h = head("\r\nPOST /api/run?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nContent-Type:  application/json \r\nContent-Length: 12\r\n\r\n{\"a\": 1}")
            .unwrap();
        assert_eq!((h.method.as_str(), h.path()), ("POST", "/api/run"));
        assert_eq!(h.header("content-type"), Some("application/json"));
        assert_eq!(h.content_length(), Ok(Some(12)));
        // Bare line feeds are taken too.
        let h = head("GET / HTTP/1.0\nhost: x\n\n").unwrap();
        assert_eq!(
            (h.header("host"), h.content_length()),
            (Some("x"), Ok(None))
        );
    }

    #[test]
    fn refuses_what_is_not_a_request_head() {
        assert_eq!(head("").unwrap_err(), HeadError::Closed);
        assert!(matches!(
            head("GET / HTTP/1.1\r\nHost: x\r\n"),
            Err(HeadError::Malformed(_))
        ));
        for bad in [
            "GET /\r\n\r\n",
            "get / HTTP/1.1\r\n\r\n",
            "GET / HTTP/2\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET /\u{ff} HTTP/1.1 extra\r\n\r\n",
        ] {
            assert!(matches!(head(bad), Err(HeadError::Malformed(_))), "{bad:?}");
        }
        let huge = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD_BYTES)
        );
        assert_eq!(head(&huge).unwrap_err(), HeadError::TooLarge);
        let two =
            head("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n").unwrap();
        assert_eq!(two.content_length(), Err(()));
        let sign = head("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n").unwrap();
        assert_eq!(sign.content_length(), Err(()));
    }

    #[test]
    fn writes_the_headers_every_answer_carries() {
        let mut out = Vec::new();
        let mut r = Response::error(405, "use POST");
        r.allow = Some("POST");
        write_response(&mut out, &r, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        for h in [
            "Content-Type: application/json; charset=utf-8",
            &format!("Content-Length: {}", body.len()),
            "Cache-Control: no-store",
            "X-Content-Type-Options: nosniff",
            "Referrer-Policy: no-referrer",
            "Connection: close",
            "Allow: POST",
        ] {
            assert!(
                head.contains(&format!("\r\n{h}")),
                "{h} missing from\n{head}"
            );
        }
        assert_eq!(body, r#"{"error":{"message":"use POST"},"ok":false}"#);
        let mut out = Vec::new();
        write_response(&mut out, &r, true).unwrap();
        assert!(
            String::from_utf8(out).unwrap().ends_with("\r\n\r\n"),
            "HEAD: no body"
        );
    }

    #[test]
    fn reads_a_body_and_answers_expect_continue() {
        let h = Head::new("POST", "/api/run", &[("Expect", "100-continue")]);
        let mut sent = Vec::new();
        let body = read_body(&h, &mut &b"abcdef"[..], &mut sent, 4).unwrap();
        assert_eq!((body.as_slice(), sent.as_slice()), (&b"abcd"[..], CONTINUE));
        let short = read_body(&h, &mut &b"ab"[..], &mut Vec::new(), 4).unwrap_err();
        assert_eq!(short.kind(), io::ErrorKind::UnexpectedEof);
    }
}
