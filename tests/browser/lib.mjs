// Shared helpers of the browser tests: the `spasm serve` under test (SPASM_SERVE_URL,
// or one started here from SPASM_BIN on a free port), headless Debian Chromium with a
// new empty profile, and `spasm run` for round trips. tests/serve_browser.rs runs
// these files; by hand:
//   cargo build --release && node --test --test-concurrency=1 tests/browser/*_test.mjs
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ASSETS = path.join(ROOT, "src", "cli", "serve", "assets");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const ARTIFACTS = process.env.SPASM_SERVE_ARTIFACTS || path.join(ROOT, "target", "serve-artifacts");
export const SPASM = process.env.SPASM_BIN || path.join(ROOT, "target", "release", "spasm");

const children = new Set();
const cleanup = () => { for (const c of children) { try { c.kill("SIGKILL"); } catch { /* gone */ } } };
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { cleanup(); process.exit(130); });

/** The server under test: SPASM_SERVE_URL, or `spasm serve --port 0` started here
 *  (its first stdout line names the address). Resolves {url, origin, stop}. */
export function startServer() {
  if (process.env.SPASM_SERVE_URL) {
    const url = process.env.SPASM_SERVE_URL.replace(/\/?$/, "/");
    return Promise.resolve({ url, origin: url.replace(/\/$/, ""), stop: async () => {} });
  }
  return new Promise((resolve, reject) => {
    const proc = spawn(SPASM, ["serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(proc);
    let out = "", err = "";
    const timer = setTimeout(() => { proc.kill("SIGKILL"); reject(new Error(`spasm serve did not start in 10 s\n${out}\n${err}`)); }, 10000);
    proc.stderr.on("data", (d) => { err += d; });
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const stop = () => new Promise((res) => {
        if (proc.exitCode !== null || proc.signalCode) { children.delete(proc); return res(); }
        proc.once("exit", () => { children.delete(proc); res(); });
        proc.kill("SIGTERM");
        setTimeout(() => proc.kill("SIGKILL"), 3000).unref();
      });
      resolve({ url: m[1], origin: m[1].replace(/\/$/, ""), stop });
    });
    proc.on("error", (e) => { clearTimeout(timer); reject(e); });
    proc.on("exit", (code) => { clearTimeout(timer); if (!/http:/.test(out)) reject(new Error(`spasm serve exited ${code}\n${err}`)); });
  });
}

/** Headless Chromium from Debian with a new empty --user-data-dir (a persistent
 *  context is how Playwright takes one). Resolves {context, page, stop}. */
export async function startBrowser({ viewport = { width: 1280, height: 720 } } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "spasm-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] || (await context.newPage());
  const stop = async () => {
    try { await context.close(); } finally { fs.rmSync(profile, { recursive: true, force: true }); }
  };
  return { context, page, stop, profile };
}

/** Everything the page says on the console or throws, for the "no console errors" checks. */
export function watchConsole(page) {
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

/** Every run the page completed: {scenario, ok, width, height, body}, in order. `settled()`
 *  waits for the answers still being read. */
export function watchRuns(page, origin) {
  const runs = [];
  const pending = new Set();
  page.on("requestfinished", (req) => {
    if (req.url() !== `${origin}/api/run` || req.method() !== "POST") return;
    const p = (async () => {
      const sent = JSON.parse(req.postData());
      const body = await (await req.response()).json();
      runs.push({ scenario: sent.scenario, width: sent.width, height: sent.height, ok: body.ok, body });
    })().finally(() => pending.delete(p));
    pending.add(p);
  });
  runs.settled = async () => { while (pending.size) await Promise.all([...pending]); };
  return runs;
}

export async function getJson(url, init) {
  const r = await fetch(url, init);
  return { status: r.status, body: await r.json() };
}

/** POST a scenario to /api/run from Node (not the page). */
export const runScenario = (origin, scenario) =>
  getJson(`${origin}/api/run`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ scenario, width: 792, height: 474 }) });

/** `spasm run` on a scenario text: {ok, stderr, endpoints: [{arm, ...endpoints}]}. */
export function spasmRun(toml) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spasm-cli-"));
  try {
    fs.writeFileSync(path.join(dir, "scenario.toml"), toml);
    const p = spawnSync(SPASM, ["run", path.join(dir, "scenario.toml"), "-o", path.join(dir, "out"), "--quiet", "--json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const ok = p.status === 0;
    const endpoints = ok ? JSON.parse(p.stdout).summary.arms.map((a) => ({ arm: a.arm, ...a.endpoints })) : null;
    return { ok, status: p.status, stderr: p.stderr, endpoints, files: ok ? fs.readdirSync(path.join(dir, "out")) : [] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
