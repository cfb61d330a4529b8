// The page's scenario composer and preset importer, run inside Chromium against the
// real `spasm serve`:
// * every intervention alone, each of its sliders at both ends, all together, every
//   parameter set, shortest and longest run: each composed TOML must run in the
//   server (the scenario reader and the model of `spasm run`);
// * the page's small TOML reader agrees with Python's tomllib on every example;
// * an example the sliders can express gives the same endpoints when composed back.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startServer, startBrowser, watchConsole, runScenario, getJson, ROOT, ARTIFACTS } from "./lib.mjs";

/** Simulations sent at once (the server runs as many as it has cores). */
const PARALLEL = 2;

/** `f` over `items`, PARALLEL at a time, results in order. */
async function pool(items, f) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < items.length) { const i = next++; out[i] = await f(items[i]); }
  }));
  return out;
}

describe("composer and importer", () => {
  let server, browser, page, problems, cases, presets;
  const report = {};

  before(async () => {
    server = await startServer();
    browser = await startBrowser();
    page = browser.page;
    problems = watchConsole(page);
    await page.goto(server.url);
    await page.waitForSelector("#figure svg", { timeout: 30000 });
    presets = (await getJson(`${server.origin}/api/presets`)).body.presets;
    cases = await page.evaluate(() => {
      const { defaultState, normalize, compose, IVS } = window.spasm;
      const out = [];
      const bare = () => { const s = defaultState(); for (const k in s.iv) s.iv[k].on = false; return s; };
      const ends = (p) => (p.type === "list" ? [p.values[0], p.values[p.values.length - 1]] : [p.min, p.max]);
      out.push(["nothing ticked", bare()]);
      for (const spec of IVS) {
        const one = bare(); one.iv[spec.kind].on = true; out.push([`${spec.kind} (defaults)`, one]);
        for (const p of spec.params) for (const v of ends(p)) {
          const s = bare(); s.iv[spec.kind].on = true; s.iv[spec.kind][p.key] = v; s.days = 1;
          out.push([`${spec.kind} ${p.key}=${v}, 1 d`, s]);
          const t = bare(); t.iv[spec.kind].on = true; t.iv[spec.kind][p.key] = v; t.days = 14;
          out.push([`${spec.kind} ${p.key}=${v}, 14 d`, t]);
        }
      }
      const all = bare(); for (const k in all.iv) all.iv[k].on = true; out.push(["everything", all]);
      const allShort = bare(); for (const k in allShort.iv) { allShort.iv[k].on = true; if ("every" in allShort.iv[k]) allShort.iv[k].every = 7200; } allShort.days = 1; out.push(["everything every 2 h, 1 d", allShort]);
      for (const set of ["healthy", "acute_injury", "disc_herniation", "chronic_stress", "pain_adaptation"]) {
        const s = defaultState(); s.set = set; s.injury = set === "healthy" ? 0 : 1; out.push([`set ${set}`, s]);
      }
      const noLift = defaultState(); noLift.effortLevel = 0; out.push(["no lift", noLift]);
      const hard = defaultState(); hard.effortLevel = 100; hard.effortDur = 3600; hard.stressLevel = 5; hard.stressHours = 86400; out.push(["hard lift, stress all day", hard]);
      const stress = defaultState(); stress.stressLevel = 0.5; stress.stressHours = 3600; out.push(["light stress", stress]);
      const t0 = performance.now();
      const res = out.map(([name, s]) => { const notes = normalize(s); return { name, toml: compose(s), notes }; });
      return { cases: res, ms: (performance.now() - t0) / res.length };
    });
    report.compose_ms_per_scenario = cases.ms;
    cases = cases.cases;
  });

  after(async () => {
    if (browser) await browser.stop();
    if (server) await server.stop();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, "timings-composer.json"), JSON.stringify(report, null, 2) + "\n");
  });

  it("composes fast", () => {
    assert.ok(cases.length > 100, `${cases.length} cases`);
    assert.ok(report.compose_ms_per_scenario < 2, `compose took ${report.compose_ms_per_scenario} ms`);
  });

  it("every composed scenario runs in the server", async () => {
    const t0 = performance.now();
    const answers = await pool(cases, (c) => runScenario(server.origin, c.toml));
    const bad = cases.map((c, i) => [c, answers[i]]).filter(([, r]) => r.status !== 200 || !r.body.ok)
      .map(([c, r]) => `${c.name}: ${JSON.stringify(r.body.error)}`);
    report.server_cases = cases.length;
    report.server_seconds = (performance.now() - t0) / 1000;
    assert.deepEqual(bad, []);
  });

  it("normalize raises repeats shorter than a session and pulls starts into the run", () => {
    const wrap = cases.find((c) => c.name === "everything every 2 h, 1 d");
    assert.ok(wrap.notes.some((n) => /Heat wrap: repeat raised to every 8 h/.test(n)), wrap.notes.join("; "));
    assert.ok(wrap.notes.some((n) => /Bed rest/.test(n)) || /kind = "bed_rest"/.test(wrap.toml));
    const late = cases.find((c) => c.name === "hot_pack at=259200, 1 d");
    assert.ok(late.notes.some((n) => /start moved to 12 h/.test(n)), late.notes.join("; "));
  });

  it("reads every example exactly as Python's tomllib does", async () => {
    const py = execFileSync("python3", ["-c", `
import json, sys, tomllib, pathlib
out = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in pathlib.Path(sys.argv[1]).glob("*.toml")}
print(json.dumps(out))`, path.join(ROOT, "examples")], { encoding: "utf8" });
    const want = JSON.parse(py);
    assert.deepEqual(presets.map((p) => p.name).sort(), Object.keys(want).sort(), "the presets are the examples");
    const got = await page.evaluate((ps) => Object.fromEntries(ps.map((p) => [p.name, window.spasm.parseToml(p.toml)])), presets);
    for (const name of Object.keys(want)) assert.deepEqual(got[name], want[name], name);
  });

  it("an example the sliders can express gives the same endpoints when composed back", async () => {
    const imported = await page.evaluate((ps) => ps.map((p) => {
      const r = window.spasm.importScenario(window.spasm.parseToml(p.toml));
      window.spasm.normalize(r.state);
      return { name: p.name, toml: p.toml, notes: r.notes, composed: window.spasm.compose(r.state) };
    }), presets);
    const expressible = imported.filter((p) => !p.notes.length).map((p) => p.name);
    report.expressible_presets = expressible;
    report.preset_notes = Object.fromEntries(imported.filter((p) => p.notes.length).map((p) => [p.name, p.notes]));
    for (const must of ["default", "hot_pack", "stretching", "ibuprofen", "tizanidine", "cyclobenzaprine", "tens", "massage", "ultrasound", "local_anaesthetic", "early_movement"]) {
      assert.ok(expressible.includes(must), `${must} should be expressible: ${JSON.stringify(report.preset_notes[must])}`);
    }
    for (const must of ["benchmark", "experimental_pain", "strength", "injury"]) assert.ok(!expressible.includes(must), must);
    const strip = (eps) => eps.map(({ arm, ...rest }) => rest);
    for (const p of imported.filter((x) => !x.notes.length)) {
      const [a, b] = await Promise.all([runScenario(server.origin, p.toml), runScenario(server.origin, p.composed)]);
      assert.ok(a.body.ok && b.body.ok, `${p.name}: ${JSON.stringify(a.body.error ?? b.body.error)}`);
      assert.deepEqual(strip(b.body.endpoints), strip(a.body.endpoints), p.name);
    }
  });

  it("logged no console errors", () => assert.deepEqual(problems, []));
});
