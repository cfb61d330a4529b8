// End-to-end test of the page in headless Chromium against the real `spasm serve`:
// the first figure, a slider move that re-runs, the download round-tripping through
// `spasm run`, errors with line/key, stale-request cancelling, keyboard labels, the
// dark theme, the time per slider move, no console errors and no request to any other
// host. Screenshots: serve.png and serve-dark.png in ARTIFACTS.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, startBrowser, watchConsole, watchRuns, getJson, spasmRun, ASSETS, ARTIFACTS } from "./lib.mjs";

const timings = {};

/** A preset the server does not have, added to its list on the way to the page: a
 *  negative dose on line 15, column 10. */
const BROKEN = {
  name: "zz_broken",
  title: "Broken on purpose",
  toml: ['name = "Broken on purpose"', 'duration = "7 d"', "", "[model]", 'set = "acute_injury"', "",
    "[[arm]]", 'name = "no treatment"', "", "[[arm]]", 'name = "ibuprofen"', "",
    "  [[arm.intervention]]", '  kind = "ibuprofen"', '  dose = "-400 mg"', ""].join("\n"),
};
const svgText = (page) => page.evaluate(() => document.querySelector("#figure svg")?.outerHTML ?? "");
const idle = (page) => page.waitForFunction(() => !document.getElementById("busy").textContent, null, { timeout: 30000 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("spasm serve page", () => {
  let server, browser, page, problems, runs;
  const requests = []; // every request the browser made (METHOD URL)
  const offHost = [];

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer();
    const t1 = performance.now();
    browser = await startBrowser();
    timings.chromium_start_ms = Math.round(performance.now() - t1);
    page = browser.page;
    problems = watchConsole(page);
    runs = watchRuns(page, server.origin);
    // Every request is recorded; anything not for the server's origin is aborted and counted.
    await browser.context.route("**/*", (route) => {
      const u = route.request().url();
      if (u.startsWith(server.origin + "/") || u.startsWith("data:") || u.startsWith("blob:")) return route.continue();
      offHost.push(u);
      return route.abort();
    });
    await page.route(`${server.origin}/api/presets`, async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      json.presets.push(BROKEN);
      await route.fulfill({ response, json });
    });
    browser.context.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
  });

  after(async () => {
    if (browser) await browser.stop();
    if (server) await server.stop();
    fs.writeFileSync(path.join(ARTIFACTS, "timings-browser.json"), JSON.stringify(timings, null, 2) + "\n");
  });

  it("loads the page and renders the initial figure and endpoints", async () => {
    const t0 = performance.now();
    await page.goto(server.url);
    await page.waitForSelector("#figure svg", { timeout: 30000 });
    timings.first_figure_ms = Math.round(performance.now() - t0);
    assert.equal(await page.title(), "spasm — the spasm–ischemia cycle");
    assert.equal(await page.locator("#preset").inputValue(), "default");
    assert.equal(await page.locator("#endpoints tbody tr").count(), 2);
    assert.match(await page.locator("#endpoints tbody tr").first().innerText(), /no treatment/);
    assert.ok(requests.includes(`GET ${server.origin}/api/presets`));
    await runs.settled();
    const last = runs.at(-1);
    assert.equal(last.ok, true);
    const preset = (await getJson(`${server.origin}/api/presets`)).body.presets.find((p) => p.name === "default");
    assert.equal(last.scenario, preset.toml, "the default preset is run as written");
    assert.ok(last.width >= 320 && last.height >= 240, `figure size sent: ${last.width}x${last.height}`);
    assert.match(await svgText(page), /viewBox="0 0 \d+ \d+"/);
    assert.equal(await page.locator("#notice").isHidden(), true, "default.toml is fully expressible by the sliders");
    assert.match(await page.locator("#toml").inputValue(), /kind = "hot_pack"/);
  });

  it("moving the injury slider re-runs and replaces the figure", async () => {
    const before = await svgText(page);
    const n = runs.length;
    const slider = page.getByLabel("Injury (0–1)");
    assert.equal(await slider.getAttribute("aria-valuetext"), "0.50");
    const resp = page.waitForResponse((r) => r.url() === `${server.origin}/api/run` && r.request().method() === "POST");
    await slider.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const sent = JSON.parse((await resp).request().postData());
    assert.match(sent.scenario, /h_initial = 0\.6\b/);
    assert.equal(typeof sent.width, "number");
    await page.waitForFunction((b) => (document.querySelector("#figure svg")?.outerHTML ?? b) !== b, before, { timeout: 10000 });
    assert.equal(await slider.getAttribute("aria-valuetext"), "0.60");
    assert.equal(await page.locator("#preset").inputValue(), "", "a moved slider leaves the preset");
    await runs.settled();
    assert.ok(runs.length > n);
    assert.match(runs.at(-1).scenario, /h_initial = 0\.6\b/);
    assert.equal(runs.at(-1).ok, true, "the server ran the composed TOML");
    assert.match(await page.locator("#toml-source").innerText(), /composed from the sliders/);
  });

  it("redraws within the time budget at every slider move", async () => {
    // Ten moves, each waited for: what the server reports, and the page's whole round trip.
    const slider = page.getByLabel("Injury (0–1)");
    for (let i = 0; i < 10; i++) {
      const before = await page.evaluate(() => window.spasm.perf.length);
      await slider.focus();
      await page.keyboard.press(i % 2 ? "ArrowLeft" : "ArrowRight");
      await page.waitForFunction((k) => window.spasm.perf.length > k && window.spasm.perf.at(-1).frameMs !== null, before, { timeout: 30000 });
    }
    const recs = (await page.evaluate(() => window.spasm.perf)).slice(-10);
    assert.ok(recs.every((r) => r.ok), JSON.stringify(recs));
    const pick = (k) => recs.map((r) => r[k]);
    const total = recs.map((r) => r.fetchMs + r.uiMs);
    timings.slider_moves = {
      moves: recs.length,
      svg_kB: Math.round(median(pick("svgBytes")) / 1024),
      server_ms_median: median(pick("serverMs")),
      server_ms_max: Math.max(...pick("serverMs")),
      round_trip_ms_median: Math.round(median(pick("fetchMs")) * 10) / 10,
      page_ms_median: Math.round(median(pick("uiMs")) * 10) / 10,
      total_ms_median: Math.round(median(total) * 10) / 10,
      total_ms_max: Math.round(Math.max(...total) * 10) / 10,
      next_frame_ms_median: Math.round(median(pick("frameMs")) * 10) / 10,
    };
    console.log(`slider moves: ${JSON.stringify(timings.slider_moves)}`);
    // The SVG stays small enough to redraw (the unmerged figure is about 1 MB), and a
    // move costs well under a second even on a busy machine (about 90 ms when idle).
    assert.ok(timings.slider_moves.svg_kB < 400, `${timings.slider_moves.svg_kB} kB of SVG`);
    assert.ok(timings.slider_moves.total_ms_median < 1000, JSON.stringify(timings.slider_moves));
  });

  it("downloads the current scenario as scenario.toml, which spasm run runs to the same numbers", async () => {
    await idle(page);
    await runs.settled();
    const dl = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download scenario" }).click();
    const d = await dl;
    assert.equal(d.suggestedFilename(), "scenario.toml");
    const file = path.join(os.tmpdir(), `spasm-dl-${process.pid}.toml`);
    await d.saveAs(file);
    const text = fs.readFileSync(file, "utf8");
    fs.rmSync(file, { force: true });
    const last = runs.at(-1);
    assert.equal(text, last.scenario, "the download is what the page last ran");
    assert.match(text, /^duration = "7 d"$/m);
    const cli = spasmRun(text);
    assert.equal(cli.status, 0, cli.stderr);
    assert.ok(cli.files.includes("timecourse.svg"), cli.files.join(", "));
    const shown = last.body.endpoints.map((e) => [e.arm, e.peak_pain_nrs, e.pain_auc_nrs_h, e.spasm_min]);
    assert.deepEqual(cli.endpoints.map((e) => [e.arm, e.peak_pain_nrs, e.pain_auc_nrs_h, e.spasm_min]), shown);
  });

  it("ticks an intervention, changes its dose, and sends unit strings", async () => {
    await page.getByRole("checkbox", { name: "Ibuprofen", exact: true }).check();
    const block = page.locator("#ivp-ibuprofen");
    await block.waitFor({ state: "visible" });
    const dose = block.getByLabel("Dose");
    const resp = page.waitForResponse((r) => r.url().endsWith("/api/run") && /dose = "500 mg"/.test(JSON.parse(r.request().postData() || "{}").scenario || ""));
    await dose.focus();
    await page.keyboard.press("ArrowRight");
    await resp;
    await idle(page);
    await runs.settled();
    const last = runs.at(-1);
    assert.equal(last.ok, true, JSON.stringify(last.body.error));
    assert.match(last.scenario, /kind = "ibuprofen"\n {2}at = "30 min"\n {2}dose = "500 mg"\n {2}every = "8 h"\n {2}until = "120.5 h"\n/);
    assert.match(last.scenario, /name = "treated: hot pack \+ stretching \+ ibuprofen"/);
    assert.equal(last.body.endpoints[1].arm, "treated: hot pack + stretching + ibuprofen");
    assert.ok(last.body.endpoints[1].ibuprofen_auc_mg_h_per_l > 0, "the drug was given");
  });

  it("cancels stale requests and shows the newest answer", async () => {
    const aborted = [];
    const onFail = (r) => { if (r.url().endsWith("/api/run")) aborted.push(r.failure()?.errorText); };
    page.on("requestfailed", onFail);
    // A slow server: pauses between key presses longer than the debounce, shorter than a run.
    await page.route("**/api/run", async (route) => { await new Promise((r) => setTimeout(r, 400)); await route.continue().catch(() => {}); });
    const slider = page.getByLabel("Run length");
    await slider.focus();
    for (let i = 0; i < 3; i++) { await page.keyboard.press("ArrowLeft"); await page.waitForTimeout(200); }
    await idle(page);
    await page.unroute("**/api/run");
    page.off("requestfailed", onFail);
    assert.ok(aborted.length >= 1, `expected an aborted request, saw ${JSON.stringify(aborted)}`);
    const shown = await page.evaluate(() => window.spasm.currentToml());
    assert.match(shown, /^duration = "4 d"$/m);
    await runs.settled();
    assert.equal(runs.at(-1).scenario, shown, "the last run is of the newest settings");
    assert.match(await svgText(page), /Time \(h\)/);
  });

  it("shows a scenario error with line, column and key", async () => {
    await page.selectOption("#preset", "zz_broken");
    const err = page.locator("#error");
    await err.waitFor({ state: "visible" });
    const text = await err.innerText();
    assert.match(text, /line 15, column 10: arm\[2\]\.intervention\[1\]\.dose — /);
    assert.match(text, /more than 0 mg/);
    assert.equal(await page.locator("#figure").getAttribute("class"), "figure stale");
    await err.getByRole("button", { name: "Show in TOML" }).click();
    assert.equal(await page.locator("#toml-box").getAttribute("open"), "");
    const sel = await page.evaluate(() => { const t = document.getElementById("toml"); return t.value.slice(t.selectionStart, t.selectionEnd); });
    assert.equal(sel, '  dose = "-400 mg"');
  });

  it("says when a preset has settings the sliders cannot express, and runs it as written", async () => {
    await page.selectOption("#preset", "benchmark");
    await page.locator("#error").waitFor({ state: "hidden", timeout: 30000 });
    const notice = page.locator("#notice");
    await notice.waitFor({ state: "visible" });
    assert.match(await notice.innerText(), /16 arms/);
    await page.waitForFunction(() => document.querySelectorAll("#endpoints tbody tr").length === 16, null, { timeout: 30000 });
    await runs.settled();
    const preset = (await getJson(`${server.origin}/api/presets`)).body.presets.find((p) => p.name === "benchmark");
    assert.equal(runs.at(-1).scenario, preset.toml, "the benchmark preset was run as written");
    // moving a slider hands control back to the sliders
    await page.getByLabel("Injury (0–1)").focus();
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => window.spasm.mode() === "sliders");
    assert.match(await notice.innerText(), /Now composed from the sliders/);
    await page.waitForFunction(() => document.querySelectorAll("#endpoints tbody tr").length === 2, null, { timeout: 30000 });
  });

  it("has labelled, keyboard-operable controls", async () => {
    const bad = await page.evaluate(() => [...document.querySelectorAll("input, select, button, textarea")]
      .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(bad, []);
    const noText = await page.evaluate(() => [...document.querySelectorAll('input[type="range"]')]
      .filter((el) => !el.getAttribute("aria-valuetext")).map((el) => el.id));
    assert.deepEqual(noText, []);
    await page.locator("#preset").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "download");
  });

  it("goes dark and back", async () => {
    await page.selectOption("#preset", "default");
    await idle(page);
    await page.evaluate(() => { document.activeElement?.blur(); document.getElementById("results").scrollTop = 0; document.getElementById("toml-box").open = false; });
    await page.getByRole("button", { name: "Dark" }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    assert.equal(await page.locator("#theme").getAttribute("aria-pressed"), "true");
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(18, 18, 18)");
    await page.evaluate(() => document.activeElement?.blur());
    await page.screenshot({ path: path.join(ARTIFACTS, "serve-dark.png") });
    await page.getByRole("button", { name: "Light" }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
  });

  it("screenshot at 1280x720 of the default preset", async () => {
    await page.waitForFunction(() => !document.getElementById("busy").textContent && !document.getElementById("figure").classList.contains("stale"));
    await page.evaluate(() => {
      document.activeElement?.blur();
      document.getElementById("toml-box").open = false;
      document.getElementById("results").scrollTop = 0;
      document.getElementById("controls").scrollTop = 0;
    });
    await page.screenshot({ path: path.join(ARTIFACTS, "serve.png") });
    assert.ok(fs.statSync(path.join(ARTIFACTS, "serve.png")).size > 10000);
  });

  it("made no request to any host other than the server, and logged no console errors", () => {
    assert.deepEqual(offHost, [], `requests to other hosts: ${offHost.join(", ")}`);
    const foreign = requests.filter((r) => !r.split(" ")[1].startsWith(server.origin + "/") && !/ (data|blob):/.test(r));
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
    timings.requests = requests.length;
  });
});

describe("assets", () => {
  it("reference no other host and stay small", () => {
    let total = 0;
    for (const f of ["index.html", "app.js", "style.css"]) {
      const text = fs.readFileSync(path.join(ASSETS, f), "utf8");
      total += Buffer.byteLength(text);
      const urls = text.match(/\b(?:https?:|wss?:|ftp:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi) || [];
      assert.deepEqual(urls, [], `${f} names another host`);
      assert.doesNotMatch(text, /@import|url\(\s*["']?(?!data:)[a-z]+:/i, `${f} loads something`);
    }
    assert.ok(total < 100 * 1024, `assets are ${total} bytes`);
    timings.assets_bytes = total;
  });
});
