//! A `spasm serve --port 0` for the tests: started from the built binary, its address
//! read from the first line it prints, killed when stopped or dropped; what it wrote
//! on standard error is kept for the checks that nothing was.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

/// A running server.
pub(crate) struct Server {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Kept open: the server may still print.
    _stdout: BufReader<ChildStdout>,
    stderr: Option<JoinHandle<String>>,
}

impl Server {
    /// Start `spasm serve --port 0` and wait for its address.
    pub(crate) fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spasm"))
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spasm serve starts");
        let mut err = child.stderr.take().expect("piped");
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("spasm serve prints");
        let Some(addr) = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
        else {
            let _ = child.kill();
            panic!(
                "no address in the first line {first:?}; stderr: {}",
                stderr.join().unwrap_or_default()
            );
        };
        Server {
            child,
            addr,
            _stdout: stdout,
            stderr: Some(stderr),
        }
    }

    /// The page's address, `http://127.0.0.1:PORT/`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stop the server; what it wrote on standard error.
    pub(crate) fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
