//! A real cluster engine: a one-node Slurm cluster (slurmctld, slurmd and a private
//! munged, from the system packages, on this machine only; `tests/slurm/cluster-up.sh`)
//! runs the example job array of a sharded cohort (`examples/slurm/submit-cohort.sh`:
//! `sbatch --array=1-4` of `cohort-array.sbatch`, then `merge.sbatch` with
//! `--dependency=afterok`), and the merged directory is compared byte for byte with
//! the unsharded run. The cluster is torn down on every exit path (a guard's `Drop`,
//! which also runs when an assertion panics).
//!
//! Without root, or without the Slurm and munge binaries (`apt-get install
//! --no-install-recommends munge slurmctld slurmd slurm-client`), the test prints one
//! `skipped:` line and passes, unless `SPASM_REQUIRE_PEERS=1`, which makes it fail.
#![cfg(feature = "cli")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/peer_env.rs"]
#[allow(dead_code)]
mod peer_env;

/// Patients of the cohort.
const PATIENTS: usize = 40;
/// Shards: the array's tasks.
const SHARDS: usize = 4;
/// Seed of the cohort.
const SEED: u64 = 11;
/// How long the array and the merge may take from submission, s.
const JOB_TIMEOUT_S: u64 = 300;
/// How often the queue is polled, ms.
const POLL_MS: u64 = 250;
/// Lines of each daemon log shown when the test fails.
const LOG_TAIL_LINES: usize = 25;

/// The commands the cluster needs.
const BINARIES: [&str; 11] = [
    "munged",
    "mungekey",
    "munge",
    "unmunge",
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "scontrol",
    "sinfo",
    "scancel",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where `name` is on `PATH` (or in the sbin directories, which a non-login PATH may
/// lack).
fn find_binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Why the cluster cannot be had here, if it cannot.
fn unavailable() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("the one-node Slurm cluster runs its daemons as root".into());
    }
    let missing: Vec<&str> = BINARIES
        .iter()
        .copied()
        .filter(|b| find_binary(b).is_none())
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{} not installed (apt-get install --no-install-recommends munge slurmctld slurmd slurm-client)",
            missing.join(", ")
        )
    })
}

/// A free TCP port on 127.0.0.1 (free when asked; the daemons bind it soon after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running cluster; dropping it tears it down (and shows the daemons' logs when
/// the test is failing).
struct Cluster {
    dir: PathBuf,
    env: BTreeMap<String, String>,
}

impl Cluster {
    fn up() -> Cluster {
        // Short (the munge socket path must fit in sun_path) and private to this
        // process, with free ports, so that it never meets another cluster.
        let dir = PathBuf::from(format!("/tmp/spasm-slurm-{}", std::process::id()));
        let out = Command::new(repo().join("tests/slurm/cluster-up.sh"))
            .env("SLURM_CI_DIR", &dir)
            .env("SLURM_CI_SKIP_INSTALL", "1")
            .env("SLURM_CI_CTLD_PORT", free_port().to_string())
            .env("SLURM_CI_SLURMD_PORT", free_port().to_string())
            .output()
            .expect("cluster-up.sh starts");
        // From here on the guard tears down whatever was started.
        let mut cluster = Cluster {
            dir,
            env: BTreeMap::new(),
        };
        assert!(
            out.status.success(),
            "cluster-up.sh failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((k, v)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
                cluster.env.insert(k.to_string(), v.to_string());
            }
        }
        assert!(cluster.env.contains_key("SLURM_CONF"), "{:?}", cluster.env);
        cluster
    }

    fn shared(&self) -> PathBuf {
        PathBuf::from(&self.env["SLURM_CI_SHARED"])
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.envs(&self.env);
        c
    }

    /// Standard output of a Slurm client command that must succeed.
    fn query(&self, program: &str, args: &[&str]) -> String {
        let out = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if std::thread::panicking() {
            for log in ["slurmctld.log", "slurmd.log", "munged.log"] {
                let text =
                    std::fs::read_to_string(self.dir.join("log").join(log)).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                eprintln!("----- last lines of {log} -----");
                for l in &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..] {
                    eprintln!("{l}");
                }
            }
        }
        let down = Command::new(repo().join("tests/slurm/cluster-down.sh"))
            .env("SLURM_CI_DIR", &self.dir)
            .output();
        match down {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!(
                "cluster-down.sh failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => eprintln!("cluster-down.sh could not start: {e}"),
        }
    }
}

/// Every file of a directory with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// `JobState ExitCode` of every record of job `id` (one per array task).
fn job_states(cluster: &Cluster, id: &str) -> Vec<String> {
    cluster
        .query("scontrol", &["-o", "show", "job", id])
        .lines()
        .map(|l| {
            let field = |name: &str| {
                l.split_whitespace()
                    .find_map(|f| f.strip_prefix(name))
                    .unwrap_or("?")
                    .to_string()
            };
            format!("{} {}", field("JobState="), field("ExitCode="))
        })
        .collect()
}

#[test]
fn slurm_job_array_merges_to_the_unsharded_cohort() {
    if let Some(reason) = unavailable() {
        peer_env::skip(&format!("Slurm job array cross-check: {reason}"));
        return;
    }
    let spasm = PathBuf::from(env!("CARGO_BIN_EXE_spasm"));
    let scenario = repo().join("examples/benchmark.toml");
    let t0 = Instant::now();
    let cluster = Cluster::up();
    let up_s = t0.elapsed().as_secs_f64();
    let out = cluster.shared().join("cohort");

    let t_submit = Instant::now();
    let submitted = cluster
        .command(repo().join("examples/slurm/submit-cohort.sh"))
        .env("SPASM", &spasm)
        .args([
            scenario.as_os_str(),
            PATIENTS.to_string().as_ref(),
            SEED.to_string().as_ref(),
            SHARDS.to_string().as_ref(),
            out.as_os_str(),
        ])
        .output()
        .expect("submit-cohort.sh starts");
    assert!(
        submitted.status.success(),
        "submit-cohort.sh: {}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let ids = String::from_utf8_lossy(&submitted.stdout)
        .trim()
        .to_string();
    let (array_id, merge_id) = ids.split_once(' ').expect("ARRAY_ID MERGE_ID");

    // Meanwhile, the unsharded run on this machine.
    let whole = cluster.shared().join("whole");
    let status = Command::new(&spasm)
        .arg("compare")
        .arg(&scenario)
        .args([
            "--cohort",
            &PATIENTS.to_string(),
            "--seed",
            &SEED.to_string(),
            "--quiet",
        ])
        .arg("-o")
        .arg(&whole)
        .status()
        .unwrap();
    assert!(status.success());

    let deadline = Instant::now() + Duration::from_secs(JOB_TIMEOUT_S);
    loop {
        let active = cluster.query(
            "squeue",
            &[
                "-h",
                "-j",
                &format!("{array_id},{merge_id}"),
                "-t",
                "PD,R,CG,CF,S,RQ,RS",
                "-o",
                "%i %T",
            ],
        );
        if active.trim().is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "jobs not finished after {JOB_TIMEOUT_S} s: {active}"
        );
        std::thread::sleep(Duration::from_millis(POLL_MS));
    }
    let jobs_s = t_submit.elapsed().as_secs_f64();
    let log = |name: &str| std::fs::read_to_string(out.join("logs").join(name)).unwrap_or_default();
    let tasks = job_states(&cluster, array_id);
    assert_eq!(tasks.len(), SHARDS, "{tasks:?}");
    for (k, state) in tasks.iter().enumerate() {
        assert_eq!(
            state,
            "COMPLETED 0:0",
            "array task {}: {}",
            k + 1,
            log(&format!("shard-{}.out", k + 1))
        );
    }
    assert_eq!(
        job_states(&cluster, merge_id),
        vec!["COMPLETED 0:0".to_string()],
        "merge job: {}",
        log("merge.out")
    );

    // The merged directory is the unsharded run, byte for byte, but for the
    // manifest, which also lists the four shards.
    let merged = out.join("merged");
    let (a, b) = (files(&whole), files(&merged));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let mut identical = 0;
    for (name, bytes) in &a {
        if name != "manifest.json" && name != ".spasm-run.json" {
            assert!(bytes == &b[name], "{name} differs from the unsharded run");
            identical += 1;
        }
    }
    let manifest: serde_json::Value = serde_json::from_slice(&b["manifest.json"]).unwrap();
    let shards = manifest["shards"].as_array().expect("shards listed");
    assert_eq!(shards.len(), SHARDS);
    for (k, s) in shards.iter().enumerate() {
        let dir = out.join(format!("shard-{}", k + 1));
        assert_eq!(s["shard"], format!("{}/{SHARDS}", k + 1));
        assert_eq!(
            s["manifest_sha256"],
            spasm::report::sha256_hex(&std::fs::read(dir.join("manifest.json")).unwrap())
        );
    }
    let whole_manifest: serde_json::Value = serde_json::from_slice(&a["manifest.json"]).unwrap();
    assert_eq!(
        manifest["cohort"]["patients"],
        whole_manifest["cohort"]["patients"]
    );
    assert_eq!(
        manifest["scenario_sha256"],
        whole_manifest["scenario_sha256"]
    );
    println!(
        "slurm: cluster up in {up_s:.1} s; {SHARDS}-task array + merge done {jobs_s:.1} s after submission; {identical} files identical to the unsharded run of {PATIENTS} patients"
    );
    drop(cluster);
    println!(
        "slurm: {:.1} s in all, cluster torn down",
        t0.elapsed().as_secs_f64()
    );
}
