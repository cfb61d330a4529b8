// spasm serve — the page. Plain JS, no build step, no dependencies, no network but
// its own server (GET /api/presets, POST /api/run). See README.md for the contract.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const MIN = 60, H = 3600, D = 86400;
  const DEBOUNCE_MS = 120;

  // ---------------------------------------------------------------- units
  /** Seconds as a short exact string: 0 s, 90 s, 20 min, 80 min, 8 h, 120.5 h, 2 d. */
  function fmtTime(sec) {
    if (sec === 0) return "0 s";
    if (sec % D === 0) return `${sec / D} d`;
    if (sec % H === 0 || (sec > H && sec % (H / 2) === 0)) return `${sec / H} h`;
    if (sec % MIN === 0) return `${sec / MIN} min`;
    return `${num(sec)} s`;
  }
  /** A number without float noise (0.30000000000000004 -> 0.3). */
  const num = (x) => String(Number(x.toFixed(6)));
  /** A TOML float literal (always with a decimal point). */
  const flt = (x) => (Number.isInteger(x) ? x.toFixed(1) : num(x));
  const q = (s) => JSON.stringify(s); // TOML basic string (JSON escapes are valid TOML escapes)
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const hh = (h) => `${String(h).padStart(2, "0")}:00`;

  const UNIT = {
    s: 1, min: MIN, h: H, d: D, wk: 7 * D, y: 365.25 * D,
    mg: 1, g: 1000, ug: 1e-3, "µg": 1e-3, ng: 1e-6,
    "°C": 1, C: 1, degC: 1, "%MVC": 1, MVC: 100, "%": 1, "W/cm2": 1, "W/cm²": 1, MHz: 1,
  };
  /** "20 min" -> 1200 (s); "400 mg" -> 400; "50 %MVC" -> 50; a plain number -> itself. */
  function qty(v) {
    if (typeof v === "number") return v;
    const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S+)\s*$/.exec(String(v));
    if (!m || !(m[2] in UNIT)) return NaN;
    return Number(m[1]) * UNIT[m[2]];
  }
  const clockH = (v) => { const m = /^(\d{1,2}):(\d\d)$/.exec(String(v).trim()); return m ? Number(m[1]) + Number(m[2]) / 60 : NaN; };

  // ---------------------------------------------------------------- controls spec
  const AT = [0, 10 * MIN, 30 * MIN, H, 80 * MIN, 2 * H, 3 * H, 4 * H, 6 * H, 8 * H, 10 * H, 12 * H, D, 2 * D, 3 * D];
  const EVERY = [0, 2 * H, 3 * H, 4 * H, 6 * H, 8 * H, 12 * H, D, 2 * D];
  const COURSE = [D, 2 * D, 3 * D, 5 * D, 7 * D, 10 * D, 14 * D, -1];
  const mins = (...a) => a.map((x) => x * MIN);
  const hours = (...a) => a.map((x) => x * H);

  /** A slider over numbers. */
  const rng = (key, label, min, max, step, def, show, fileDef) => ({ key, label, type: "range", min, max, step, def, show, fileDef });
  /** A slider over a list of values (an index slider). */
  const lst = (key, label, values, def, show, fileDef) => ({ key, label, type: "list", values, def, show, fileDef });
  const showEvery = (v) => (v === 0 ? "once" : `every ${fmtTime(v)}`);
  const showCourse = (v) => (v < 0 ? "whole run" : fmtTime(v));
  const at = (def) => lst("at", "Start", AT, def, (v) => `at ${fmtTime(v)}`, 0);
  const every = (def) => lst("every", "Repeat", EVERY, def, showEvery, 0);
  const course = (def) => lst("course", "Course length", COURSE, def, showCourse, -1);
  const session = (values, def, fileDef) => lst("duration", "Session length", values, def, fmtTime, fileDef);
  const unitShow = (u, d = 0) => (v) => `${v.toFixed(d)} ${u}`;

  const SETS = { acute_injury: 0.5, healthy: 0.0, disc_herniation: 0.4, chronic_stress: 0.0, pain_adaptation: 0.5 };
  const SET_LABELS = { acute_injury: "acute injury", healthy: "healthy", disc_herniation: "disc herniation", chronic_stress: "chronic stress", pain_adaptation: "pain adaptation" };

  const PATIENT = [
    rng("injury", "Injury (0–1)", 0, 1, 0.05, 0.5, (v) => v.toFixed(2)),
    rng("days", "Run length", 1, 14, 1, 7, (v) => `${v} d`),
  ];
  const TRIGGERS = [
    rng("effortLevel", "Lift: effort level", 0, 100, 5, 50, (v) => (v === 0 ? "no lift" : `${v} %MVC`)),
    lst("effortDur", "Lift: duration", [10, 30, 60, 120, 300, 600, 1200, 1800, 3600], 120, fmtTime),
    rng("stressLevel", "Emotional stress", 0, 5, 0.5, 0, (v) => (v === 0 ? "none" : `${v.toFixed(1)} %MVC`)),
    lst("stressHours", "Stress: hours a day (from 1 h)", hours(1, 2, 4, 8, 12, 16, 24), 8 * H, (v) => `${v / H} h/day`),
  ];

  // kind, label, params; fileDef = the format's default when a file leaves the key out
  // (docs/scenarios.md, table f11); def = this page's default when ticked (examples/*.toml).
  const IVS = [
    { kind: "hot_pack", label: "Hot pack", params: [rng("temperature", "Temperature", 37, 50, 1, 43, unitShow("°C"), 43), session(mins(5, 10, 15, 20, 30, 45, 60), 20 * MIN, 20 * MIN), at(H), every(8 * H)] },
    { kind: "stretching", label: "Stretching", params: [rng("reps", "Holds per set", 1, 10, 1, 3, (v) => `${v} × hold`, 3), lst("hold", "Hold (30 s rest between)", [15, 30, 45, 60, 90, 120], 60, fmtTime, 60), at(80 * MIN), every(8 * H)] },
    { kind: "massage", label: "Massage", params: [session(mins(5, 10, 15, 20, 30, 45), 15 * MIN, 10 * MIN), at(2 * H), every(12 * H)] },
    { kind: "hot_bath", label: "Hot bath", params: [rng("temperature", "Temperature", 35, 45, 1, 40, unitShow("°C"), 40), session(mins(10, 15, 20, 30, 45, 60), 20 * MIN, 20 * MIN), at(H), every(D)] },
    { kind: "heat_wrap", label: "Heat wrap", params: [rng("temperature", "Temperature", 37, 45, 1, 40, unitShow("°C"), 40), session(hours(1, 2, 4, 6, 8, 12), 8 * H, 8 * H), at(H), every(D)] },
    { kind: "ultrasound", label: "Ultrasound", params: [rng("intensity", "Intensity", 0.5, 3, 0.1, 1.5, unitShow("W/cm²", 1), 1.5), rng("frequency", "Frequency", 1, 3, 0.5, 3, unitShow("MHz", 1), 3), session(mins(3, 5, 8, 10, 15), 5 * MIN, 5 * MIN), at(2 * H), every(12 * H)] },
    { kind: "electrical_stimulation", label: "Electrical stim.", params: [rng("intensity", "Intensity", 5, 60, 5, 20, unitShow("%MVC")), session(mins(5, 10, 15, 20, 30), 10 * MIN, 20 * MIN), at(H), every(12 * H)] },
    { kind: "tens", label: "TENS", params: [rng("strength", "Strength (0–1)", 0.1, 1, 0.1, 1, (v) => v.toFixed(1), 1), session(mins(10, 15, 20, 30, 45, 60), 30 * MIN, 30 * MIN), at(H), every(6 * H)] },
    { kind: "ibuprofen", label: "Ibuprofen", params: [rng("dose", "Dose", 100, 800, 100, 400, unitShow("mg")), at(30 * MIN), every(8 * H), course(5 * D)] },
    { kind: "cyclobenzaprine", label: "Cyclobenzaprine", params: [rng("dose", "Dose", 2.5, 10, 2.5, 5, unitShow("mg", 1)), at(30 * MIN), every(8 * H), course(-1)] },
    { kind: "tizanidine", label: "Tizanidine", params: [rng("dose", "Dose", 1, 8, 1, 4, unitShow("mg")), at(30 * MIN), every(8 * H), course(-1)] },
    { kind: "local_anaesthetic", label: "Lidocaine inj.", params: [rng("dose", "Dose", 10, 200, 10, 50, unitShow("mg")), at(H), every(0), course(-1)] },
    { kind: "early_movement", label: "Early movement", params: [rng("activity", "Activity (0–1 of walking)", 0.05, 1, 0.05, 0.3, (v) => v.toFixed(2), 0.3), rng("from", "Active from", 0, 23, 1, 8, hh, 8), rng("to", "Active until", 0, 23, 1, 22, hh, 22), lst("at", "From day", [0, D, 2 * D, 3 * D, 5 * D, 7 * D], 0, (v) => `from ${fmtTime(v)}`, 0)] },
    { kind: "bed_rest", label: "Bed rest", params: [session([12 * H, D, 2 * D, 3 * D, 5 * D, 7 * D], 2 * D, 2 * D), lst("at", "Start", [0, H, 12 * H, D], 0, (v) => `at ${fmtTime(v)}`, 0)] },
  ];
  const IV = Object.fromEntries(IVS.map((s) => [s.kind, s]));
  const DRUGS = new Set(["ibuprofen", "cyclobenzaprine", "tizanidine", "local_anaesthetic"]);
  const ALIASES = {
    hotpack: "hot_pack", bath: "hot_bath", heatwrap: "heat_wrap", stretch: "stretching", nmes: "electrical_stimulation",
    ems: "electrical_stimulation", local_anesthetic: "local_anaesthetic", lidocaine: "local_anaesthetic",
    therapeutic_ultrasound: "ultrasound", stay_active: "early_movement", usual_activity: "early_movement",
    emotional_stress: "stress", voluntary_contraction: "sustained_contraction", strain: "injury",
  };
  const canonKind = (k) => { const c = String(k).trim().toLowerCase().replace(/[\s-]/g, "_"); return ALIASES[c] || c; };

  function defaultState() {
    const st = { set: "acute_injury", clock: "08:00", iv: {} };
    for (const p of [...PATIENT, ...TRIGGERS]) st[p.key] = p.def;
    for (const s of IVS) {
      st.iv[s.kind] = { on: s.kind === "hot_pack" || s.kind === "stretching" };
      for (const p of s.params) st.iv[s.kind][p.key] = p.def;
    }
    return st;
  }

  // ---------------------------------------------------------------- composer
  /** Length of one session of an intervention, s (0 for doses). */
  function sessionLength(kind, v) {
    if (kind === "stretching") return v.reps * v.hold + (v.reps - 1) * 30;
    return v.duration || 0;
  }

  /** Bring a state inside what a valid scenario allows; returns notes for what changed. */
  function normalize(st) {
    const notes = [];
    const run = st.days * D;
    for (const s of IVS) {
      const v = st.iv[s.kind];
      if (!v.on) continue;
      const atP = s.params.find((p) => p.key === "at");
      if (v.at >= run) {
        const ok = atP.values.filter((x) => x < run);
        v.at = ok[ok.length - 1];
        notes.push(`${s.label}: start moved to ${fmtTime(v.at)} (the run lasts ${st.days} d)`);
      }
      const len = sessionLength(s.kind, v);
      if (v.every && v.every < len) {
        const ok = EVERY.find((x) => x >= len);
        notes.push(`${s.label}: repeat raised to every ${fmtTime(ok)} (one session lasts ${fmtTime(len)})`);
        v.every = ok;
      }
    }
    return notes;
  }

  /** One [[arm.intervention]] (or trigger) table; `fields` is [key, TOML value] pairs. */
  const table = (header, fields, indent) => [`${indent}${header}`, ...fields.map(([k, v]) => `${indent}${k} = ${v}`)].join("\n");

  function interventionFields(kind, v, run) {
    const f = [["kind", q(kind)]];
    const t = (k, x) => f.push([k, q(fmtTime(x))]);
    switch (kind) {
      case "hot_pack": case "hot_bath": case "heat_wrap":
        t("at", v.at); t("duration", v.duration); f.push(["temperature", q(`${num(v.temperature)} °C`)]); break;
      case "stretching":
        t("at", v.at); f.push(["reps", String(v.reps)]); f.push(["hold", q(`${v.hold} s`)]); f.push(["rest", q("30 s")]); break;
      case "massage":
        t("at", v.at); t("duration", v.duration); break;
      case "electrical_stimulation":
        t("at", v.at); t("duration", v.duration); f.push(["intensity", q(`${num(v.intensity)} %MVC`)]); break;
      case "tens":
        t("at", v.at); t("duration", v.duration); f.push(["strength", flt(v.strength)]); break;
      case "ultrasound":
        t("at", v.at); t("duration", v.duration); f.push(["intensity", q(`${num(v.intensity)} W/cm2`)]); f.push(["frequency", q(`${num(v.frequency)} MHz`)]); break;
      case "ibuprofen": case "cyclobenzaprine": case "tizanidine": case "local_anaesthetic":
        t("at", v.at); f.push(["dose", q(`${num(v.dose)} mg`)]); break;
      case "early_movement":
        t("at", v.at); f.push(["from", q(hh(v.from))]); f.push(["to", q(hh(v.to))]); f.push(["activity", flt(v.activity)]); break;
      case "bed_rest":
        t("at", v.at); t("duration", v.duration); break;
    }
    if (v.every) {
      t("every", v.every);
      if (DRUGS.has(kind) && v.course > 0 && v.at + v.course < run) t("until", v.at + v.course);
    }
    return f;
  }

  const treatedNames = (st) => IVS.filter((s) => st.iv[s.kind].on).map((s) => s.label.toLowerCase());

  /** The complete scenario TOML for a state (call normalize first). */
  function compose(st) {
    const run = st.days * D;
    const names = treatedNames(st);
    const what = names.length ? names.join(" + ") : "nothing";
    const lift = st.effortLevel > 0 ? `a ${fmtTime(st.effortDur)} lift at ${st.effortLevel} %MVC at t = 0` : "no lift";
    const stress = st.stressLevel > 0 ? `; emotional stress +${num(st.stressLevel)} %MVC ${st.stressHours / H} h a day` : "";
    const out = [
      "# Composed by the spasm web page (spasm serve); format: docs/scenarios.md",
      `name = ${q(`No treatment vs ${what} (injury ${st.injury.toFixed(2)})`)}`,
      `description = ${q(`${cap(SET_LABELS[st.set] || st.set)} patient, injury ${st.injury.toFixed(2)}; ${lift}${stress}; ${st.days} d; no treatment vs ${what}`)}`,
      `duration = ${q(`${st.days} d`)}`,
      `settle = "12 h"`,
    ];
    if (st.clock && st.clock !== "00:00") out.push(`start_clock = ${q(st.clock)}`);
    out.push("", "[model]", `set = ${q(st.set)}`, "", "[model.overrides]", `h_initial = ${flt(st.injury)}`);
    out.push("", "[output]", `every = "10 min"`, `time_unit = "h"`);
    if (st.effortLevel > 0) {
      out.push("", table("[[trigger]]", [["kind", q("effort")], ["at", q("0 s")], ["duration", q(fmtTime(st.effortDur))], ["level", q(`${st.effortLevel} %MVC`)]], ""));
    }
    if (st.stressLevel > 0) {
      out.push("", table("[[trigger]]", [["kind", q("stress")], ["at", q("1 h")], ["duration", q(fmtTime(st.stressHours))], ["level", q(`${num(st.stressLevel)} %MVC`)], ["every", q("1 d")]], ""));
    }
    out.push("", "[[arm]]", `name = "no treatment"`, "", "[[arm]]", `name = ${q(names.length ? `treated: ${names.join(" + ")}` : "treated (nothing selected)")}`);
    for (const s of IVS) {
      if (!st.iv[s.kind].on) continue;
      out.push("", table("[[arm.intervention]]", interventionFields(s.kind, st.iv[s.kind], run), "  "));
    }
    return out.join("\n") + "\n";
  }

  // ---------------------------------------------------------------- TOML reader (subset)
  /** Reads the TOML the presets use: tables, arrays of tables, strings, numbers,
   *  booleans, one-line arrays, comments. Throws on anything else. */
  function parseToml(text) {
    const root = {};
    let cur = root;
    const lines = text.split(/\r?\n/);
    const walk = (names, array) => {
      let o = root;
      names.forEach((n, i) => {
        const last = i === names.length - 1;
        if (last && array) { (o[n] ||= []).push({}); o = o[n][o[n].length - 1]; return; }
        if (o[n] === undefined) o[n] = {};
        o = Array.isArray(o[n]) ? o[n][o[n].length - 1] : o[n];
      });
      return o;
    };
    const strip = (s) => { // drop a comment outside strings
      let quote = null;
      for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (quote) { if (c === "\\" && quote === '"') i++; else if (c === quote) quote = null; }
        else if (c === '"' || c === "'") quote = c;
        else if (c === "#") return s.slice(0, i);
      }
      return s;
    };
    const value = (s, ln) => {
      if (s.startsWith('"""') || s.startsWith("'''")) throw new Error(`line ${ln}: multi-line strings are not supported`);
      if (s.startsWith('"')) return JSON.parse(s);
      if (s.startsWith("'")) { if (!s.endsWith("'")) throw new Error(`line ${ln}: bad string`); return s.slice(1, -1); }
      if (s === "true" || s === "false") return s === "true";
      if (s.startsWith("[")) {
        const inner = s.slice(1, -1).trim();
        if (!s.endsWith("]")) throw new Error(`line ${ln}: arrays must be on one line`);
        return inner ? inner.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((x) => x.trim()).filter(Boolean).map((x) => value(x, ln)) : [];
      }
      if (s.startsWith("{")) throw new Error(`line ${ln}: inline tables are not supported`);
      const n = Number(s.replace(/_/g, ""));
      if (s !== "" && !Number.isNaN(n)) return n;
      if (/^[+-]?(inf|nan)$/.test(s)) return NaN;
      throw new Error(`line ${ln}: cannot read value ${s}`);
    };
    lines.forEach((raw, i) => {
      const s = strip(raw).trim();
      if (!s) return;
      let m;
      if ((m = /^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]$/.exec(s))) { cur = walk(m[1].split("."), true); return; }
      if ((m = /^\[\s*([A-Za-z0-9_.-]+)\s*\]$/.exec(s))) { cur = walk(m[1].split("."), false); return; }
      if ((m = /^("[^"]*"|[A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(s))) { cur[m[1].replace(/^"|"$/g, "")] = value(m[2].trim(), i + 1); return; }
      throw new Error(`line ${i + 1}: cannot read "${s}"`);
    });
    return root;
  }

  // ---------------------------------------------------------------- importer
  /** Map a parsed scenario onto slider state; notes list every setting the sliders
   *  cannot express (then the TOML stays the source of truth). */
  function importScenario(doc) {
    const st = defaultState();
    const notes = [];
    for (const s of IVS) st.iv[s.kind].on = false;
    const near = (p, x, what) => { // snap x onto a control's scale
      if (!Number.isFinite(x)) { notes.push(`${what}: cannot read the value`); return p.def; }
      if (p.type === "list") {
        const best = p.values.reduce((a, b) => (Math.abs(b - x) < Math.abs(a - x) ? b : a));
        if (Math.abs(best - x) > 1e-9) notes.push(`${what}: ${p.show(x)} (slider: ${p.show(best)})`);
        return best;
      }
      const snapped = Math.min(p.max, Math.max(p.min, Math.round((x - p.min) / p.step) * p.step + p.min));
      const v = Number(snapped.toFixed(6));
      if (Math.abs(v - x) > 1e-9) notes.push(`${what}: ${p.show(Number(x.toFixed(6)))} (slider: ${p.show(v)})`);
      return v;
    };
    const known = ["name", "description", "duration", "settle", "start_clock", "model", "output", "solver", "trigger", "arm"];
    for (const k of Object.keys(doc)) if (!known.includes(k)) notes.push(`Unknown key ${k}`);
    const dur = qty(doc.duration);
    if (dur / D >= 1 && dur / D <= 14 && Number.isInteger(dur / D)) st.days = dur / D;
    else { st.days = Math.min(14, Math.max(1, Math.round(dur / D) || 1)); notes.push(`run length ${doc.duration} (slider: 1–14 d)`); }
    if (doc.settle !== undefined && qty(doc.settle) !== 12 * H) notes.push(`Settling period ${doc.settle} (sliders: 12 h)`);
    st.clock = doc.start_clock || "00:00";
    const model = doc.model || {};
    if (model.set in SETS) st.set = model.set; else notes.push(`Parameter set ${model.set}`);
    const ov = model.overrides || {};
    st.injury = "h_initial" in ov ? near(PATIENT[0], ov.h_initial, "Injury (h_initial)") : SETS[st.set] ?? 0.5;
    for (const k of Object.keys(ov)) if (k !== "h_initial") notes.push(`Parameter override ${k} = ${ov[k]}`);
    const o = doc.output || {};
    if ((o.every !== undefined && qty(o.every) !== 10 * MIN) || (o.time_unit !== undefined && o.time_unit !== "h") || o.depths)
      notes.push(`Output every ${o.every ?? "(default)"}, time in ${o.time_unit ?? "(default)"}${o.depths ? ", with depths" : ""} (sliders: 10 min, h)`);
    if (doc.solver) notes.push("Solver settings");
    // triggers
    st.effortLevel = 0;
    let sawEffort = false, sawStress = false;
    for (const t of doc.trigger || []) {
      const k = canonKind(t.kind);
      const tAt = qty(t.at ?? t.start ?? "0 s");
      if (k === "effort" && !sawEffort && tAt === 0 && !t.every) {
        sawEffort = true;
        st.effortLevel = near(TRIGGERS[0], qty(t.level), "Lift level");
        st.effortDur = near(TRIGGERS[1], qty(t.duration), "Lift duration");
      } else if (k === "stress" && !sawStress && tAt === H && t.every && qty(t.every) === D && !t.until) {
        sawStress = true;
        st.stressLevel = near(TRIGGERS[2], qty(t.level), "Stress level");
        st.stressHours = near(TRIGGERS[3], qty(t.duration), "Stress hours a day");
        if (t.count) notes.push(`Stress on the first ${t.count} days only (sliders: every day)`);
      } else {
        notes.push(`Trigger ${t.kind}${t.at ? ` at ${t.at}` : ""}`);
      }
    }
    // arms
    const arms = doc.arm || [];
    if (arms.length !== 2) notes.push(`${arms.length} arms (the sliders compare “no treatment” with one treated arm)`);
    const ref = arms.find((a) => !(a.intervention || []).length);
    if (!ref) notes.push("No untreated arm");
    const treated = arms.find((a) => (a.intervention || []).length) || arms[1];
    for (const a of arms) if (a.overrides) notes.push(`Arm “${a.name}” has its own parameter overrides`);
    for (const e of treated ? treated.intervention || [] : []) {
      const k = canonKind(e.kind);
      const spec = IV[k];
      if (!spec) { notes.push(`Intervention ${e.kind} (no slider for it)`); continue; }
      const v = st.iv[k];
      if (v.on) { notes.push(`A second ${spec.label.toLowerCase()} entry`); continue; }
      v.on = true;
      for (const p of spec.params) {
        const what = `${spec.label} ${p.label.toLowerCase()}`;
        let raw;
        if (p.key === "at") raw = e.at ?? e.start ?? "0 s";
        else if (p.key === "course") continue;
        else raw = e[p.key];
        if (raw === undefined) { if (p.fileDef === undefined) { notes.push(`${what} missing`); } else v[p.key] = p.fileDef; continue; }
        v[p.key] = near(p, p.key === "from" || p.key === "to" ? clockH(raw) : qty(raw), what);
      }
      if (k === "stretching" && e.rest !== undefined && qty(e.rest) !== 30) notes.push(`Stretching rest ${e.rest} (sliders: 30 s)`);
      const ev = e.every !== undefined ? qty(e.every) : 0;
      if (!spec.params.some((p) => p.key === "every")) {
        if (e.every || e.count || (e.until && k !== "early_movement")) notes.push(`${spec.label} repeats`);
        if (k === "early_movement" && e.until) notes.push(`Early movement until ${e.until}`);
        continue;
      }
      const runS = st.days * D;
      let end = null; // time of the last start + 1 s, if the file limits the repeats
      if (e.count && ev) end = v.at + (e.count - 1) * ev + 1;
      if (e.until) end = Math.min(qty(e.until), runS);
      if (end !== null && ev && end <= runS - ev + 1) { // the file stops before the run ends
        if (DRUGS.has(k)) {
          const c = Math.ceil((end - v.at) / ev) * ev;
          v.course = near(spec.params.find((p) => p.key === "course"), c, `${spec.label} course length`);
        } else notes.push(`${spec.label} ${e.count ? `count = ${e.count}` : `until ${e.until}`} (sliders repeat to the end of the run)`);
      } else if (DRUGS.has(k)) v.course = -1;
    }
    const hidden = arms.filter((a) => a !== treated && a !== ref).map((a) => `“${a.name}”`);
    if (hidden.length) notes.push(`Arm${hidden.length > 1 ? "s" : ""} not shown: ${hidden.join(", ")}`);
    return { state: st, notes: [...new Set(notes)] };
  }

  // ---------------------------------------------------------------- page state
  let state = defaultState();
  let mode = "sliders"; // or "preset": the preset's TOML is sent as written
  let presetToml = "";
  let presets = [];
  let composedToml = "";
  const controls = []; // {input, out, get, set, p, wrap}
  const perf = [];

  const currentToml = () => (mode === "preset" ? presetToml : composedToml);

  // ---------------------------------------------------------------- building the form
  let uid = 0;
  function slider(parent, p, get, set) {
    const id = `c${++uid}-${p.key}`;
    const wrap = document.createElement("div");
    wrap.className = "ctl";
    const row = document.createElement("div");
    row.className = "row";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = p.label;
    const out = document.createElement("output");
    out.htmlFor = id;
    out.id = `${id}-out`;
    row.append(label, out);
    const input = document.createElement("input");
    input.type = "range";
    input.id = id;
    if (p.type === "list") { input.min = 0; input.max = p.values.length - 1; input.step = 1; }
    else { input.min = p.min; input.max = p.max; input.step = p.step; }
    wrap.append(row, input);
    parent.append(wrap);
    const c = {
      p, input, out, wrap,
      read: () => (p.type === "list" ? p.values[Number(input.value)] : Number(input.value)),
      sync() {
        const v = get();
        input.value = p.type === "list" ? Math.max(0, p.values.indexOf(v)) : v;
        const text = p.show(v);
        out.textContent = text;
        input.setAttribute("aria-valuetext", text);
      },
    };
    input.addEventListener("input", () => { set(c.read()); c.sync(); changed(); });
    controls.push(c);
    return c;
  }

  function buildForm() {
    const patient = $("patient");
    const setWrap = document.createElement("div");
    setWrap.className = "ctl";
    setWrap.innerHTML = '<div class="row"><label for="set">Parameter set</label></div>';
    const sel = document.createElement("select");
    sel.id = "set";
    for (const [k, lbl] of Object.entries(SET_LABELS)) sel.add(new Option(lbl, k));
    sel.addEventListener("change", () => { state.set = sel.value; changed(); });
    setWrap.append(sel);
    patient.append(setWrap);
    controls.push({ sync: () => { sel.value = state.set; } });
    for (const p of PATIENT) slider(patient, p, () => state[p.key], (v) => { state[p.key] = v; });
    const trig = $("triggers");
    for (const p of TRIGGERS) {
      const c = slider(trig, p, () => state[p.key], (v) => { state[p.key] = v; });
      if (p.key === "stressHours" || p.key === "effortDur") {
        const dep = p.key === "stressHours" ? "stressLevel" : "effortLevel";
        const base = c.sync;
        c.sync = () => { base(); const off = state[dep] === 0; c.input.disabled = off; c.wrap.classList.toggle("disabled", off); };
      }
    }
    const list = $("iv-list"), params = $("iv-params");
    for (const s of IVS) {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = `iv-${s.kind}`;
      const lab = document.createElement("label");
      lab.append(box, document.createTextNode(s.label));
      list.append(lab);
      const block = document.createElement("div");
      block.className = "iv-params";
      block.id = `ivp-${s.kind}`;
      const h = document.createElement("h3");
      h.textContent = s.label;
      block.append(h);
      params.append(block);
      const v = () => state.iv[s.kind];
      for (const p of s.params) {
        const c = slider(block, p, () => v()[p.key], (x) => { v()[p.key] = x; });
        if (p.key === "course") {
          const base = c.sync;
          c.sync = () => { base(); const off = !v().every; c.input.disabled = off; c.wrap.classList.toggle("disabled", off); };
        }
      }
      box.addEventListener("change", () => { v().on = box.checked; block.hidden = !box.checked; changed(); });
      controls.push({ sync: () => { box.checked = v().on; block.hidden = !v().on; } });
    }
  }

  const syncAll = () => { for (const c of controls) c.sync(); };

  // ---------------------------------------------------------------- reacting to the user
  function changed() {
    const t0 = performance.now();
    if (mode === "preset") {
      mode = "sliders";
      $("preset").value = "";
      showNotice(presetNotes.length ? ["Now composed from the sliders: the preset's settings listed before are no longer applied."] : null);
    } else showNotice(null);
    recompose();
    syncAll(); // normalize may have moved a slider; dependent sliders enable/disable
    lastComposeMs = performance.now() - t0;
    schedule();
  }
  let lastComposeMs = 0;
  let presetNotes = [];
  let adjustNotes = [];

  function recompose() {
    adjustNotes = normalize(state);
    composedToml = compose(state);
    $("adjusted").textContent = adjustNotes.join("; ");
    showToml();
  }

  function showToml() {
    const ta = $("toml");
    const text = currentToml();
    if (ta.value !== text) ta.value = text;
    $("toml-source").textContent = mode === "preset" ? `(preset “${$("preset").value}”, as written)` : "(composed from the sliders)";
  }

  function showNotice(lines, title) {
    const n = $("notice");
    if (!lines || !lines.length) { n.hidden = true; n.textContent = ""; return; }
    n.textContent = "";
    if (title) {
      const p = document.createElement("div");
      p.textContent = title;
      n.append(p);
    }
    const ul = document.createElement("ul");
    for (const l of lines) { const li = document.createElement("li"); li.textContent = l; ul.append(li); }
    n.append(ul);
    n.hidden = false;
  }

  function loadPreset(name) {
    const p = presets.find((x) => x.name === name);
    if (!p) return;
    mode = "preset";
    presetToml = p.toml;
    try {
      const r = importScenario(parseToml(p.toml));
      state = r.state;
      presetNotes = r.notes;
    } catch (e) {
      presetNotes = [`the page could not read this file (${e.message}); the sliders do not show it`];
    }
    syncAll();
    adjustNotes = [];
    $("adjusted").textContent = "";
    showToml();
    showNotice(presetNotes.length ? presetNotes : null,
      presetNotes.length ? "This preset has settings the sliders cannot show; its TOML is run as written until you move a slider:" : "");
    runNow();
  }

  // ---------------------------------------------------------------- talking to the server
  let timer = 0, inflight = null, seq = 0;
  function schedule() { clearTimeout(timer); timer = setTimeout(runNow, DEBOUNCE_MS); }

  function figureSize() {
    const r = $("figure").getBoundingClientRect();
    const width = Math.round(r.width) || 800;
    const height = Math.round(Math.max(400, window.innerHeight - Math.max(0, r.top) - 16));
    return { width, height };
  }

  async function runNow() {
    clearTimeout(timer);
    const toml = currentToml();
    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    const my = ++seq;
    $("busy").textContent = "Running…";
    const composeMs = lastComposeMs;
    lastComposeMs = 0;
    const t0 = performance.now();
    let data, status = 0, t1;
    try {
      const res = await fetch("/api/run", {
        method: "POST", headers: { "Content-Type": "application/json" }, signal: ctl.signal,
        body: JSON.stringify({ scenario: toml, ...figureSize() }),
      });
      status = res.status;
      const text = await res.text();
      t1 = performance.now();
      if (my !== seq) return;
      try { data = JSON.parse(text); } catch { data = { ok: false, error: { message: `The server answered HTTP ${status} with something that is not JSON: ${text.slice(0, 200)}` } }; }
    } catch (e) {
      if (e.name === "AbortError" || my !== seq) return;
      data = { ok: false, error: { message: `Cannot reach the spasm server (${e.message}). Is \`spasm serve\` still running?` } };
      t1 = performance.now();
    } finally {
      if (my === seq) { inflight = null; $("busy").textContent = ""; }
    }
    const t2 = performance.now();
    if (data.ok) showResult(data); else showError(data.error || { message: `HTTP ${status}` });
    const t3 = performance.now();
    const rec = { seq: my, ok: !!data.ok, composeMs, fetchMs: t1 - t0, serverMs: data.elapsed_ms ?? null, parseMs: t2 - t1, applyMs: t3 - t2, svgBytes: data.svg ? data.svg.length : 0, frameMs: null };
    rec.uiMs = rec.composeMs + rec.parseMs + rec.applyMs;
    perf.push(rec);
    if (perf.length > 100) perf.shift();
    requestAnimationFrame(() => setTimeout(() => { rec.frameMs = performance.now() - t3; }, 0));
    const timing = $("timing");
    timing.textContent = data.ok ? `server ${data.elapsed_ms != null ? Math.round(data.elapsed_ms) : "?"} · total ${Math.round(rec.fetchMs + rec.uiMs)} · page ${rec.uiMs < 10 ? rec.uiMs.toFixed(1) : Math.round(rec.uiMs)} ms` : "";
    timing.title = "server: simulation time the server reports; total: request to updated page; page: what this page adds (compose, parse, draw)";
    document.documentElement.dataset.runs = String(my);
  }

  const UNSAFE = /<script|<foreignObject|<iframe|<object|<embed|\son[a-z]+\s*=|javascript:/i;
  /** Parse the server's SVG into an inert element (no script runs, no handler fires). */
  function svgElement(text) {
    const tpl = document.createElement("template");
    tpl.innerHTML = text;
    const svg = tpl.content.querySelector("svg");
    if (!svg) return null;
    if (UNSAFE.test(text)) { // slow path, only for a figure that needs it
      for (const el of tpl.content.querySelectorAll("script,foreignObject,iframe,object,embed")) el.remove();
      for (const el of [svg, ...svg.querySelectorAll("*")]) {
        for (const a of [...el.attributes]) {
          if (/^on/i.test(a.name) || (/href$/i.test(a.name) && !a.value.trim().startsWith("#"))) el.removeAttribute(a.name);
        }
      }
    }
    if (!svg.hasAttribute("viewBox")) {
      const w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
      if (w > 0 && h > 0) svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    }
    svg.setAttribute("aria-hidden", "true");
    return svg;
  }

  function showResult(data) {
    const fig = $("figure");
    const svg = svgElement(String(data.svg || ""));
    if (svg) fig.replaceChildren(svg);
    else { const p = document.createElement("p"); p.className = "empty"; p.textContent = "The server sent no figure."; fig.replaceChildren(p); }
    fig.classList.remove("stale");
    $("error").hidden = true;
    fillTable(Array.isArray(data.endpoints) ? data.endpoints : []);
  }

  const ARM_COLOURS = ["#000000", "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
  const pick = (e, ...keys) => { for (const k of keys) if (k in e) return typeof k === "string" && k.endsWith("_min") && e[k] != null ? e[k] / 60 : e[k]; return undefined; };
  const COLS = [
    { keys: ["peak_pain_nrs"], dec: 1 },
    { keys: ["pain_auc_nrs_h"], dec: 0, delta: true },
    { keys: ["spasm_h", "spasm_min"], dec: 1, delta: true },
    { keys: ["relief_h", "time_to_relief_h"], dec: 1 },
    { keys: ["final_pain_nrs"], dec: 1 },
  ];
  function fillTable(eps) {
    const body = $("endpoints").tBodies[0];
    body.textContent = "";
    const ref = eps.find((e) => e.arm === "no treatment") || eps[0];
    eps.forEach((e, i) => {
      const tr = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = ARM_COLOURS[i % ARM_COLOURS.length];
      th.append(sw, document.createTextNode(String(e.arm ?? `arm ${i + 1}`)));
      tr.append(th);
      for (const c of COLS) {
        const td = tr.insertCell();
        const v = pick(e, ...c.keys);
        if (v === undefined) { td.textContent = "—"; td.title = "not reported"; continue; }
        if (v === null) { td.textContent = "not reached"; continue; }
        td.textContent = Number(v).toFixed(c.dec);
        const r = ref && pick(ref, ...c.keys);
        if (c.delta && e !== ref && typeof r === "number" && r > 0) {
          const d = document.createElement("span");
          d.className = "d";
          const pct = (100 * (v - r)) / r;
          d.textContent = `${pct > 0 ? "+" : pct < 0 ? "−" : "±"}${Math.abs(pct).toFixed(0)} %`;
          td.append(d);
        }
      }
    });
  }

  function showError(err) {
    const box = $("error");
    box.textContent = "";
    const b = document.createElement("strong");
    b.textContent = err.line ? `Scenario error, line ${err.line}${err.column ? `, column ${err.column}` : ""}: ` : "Error: ";
    box.append(b);
    if (err.key) { const c = document.createElement("code"); c.textContent = err.key; box.append(c, document.createTextNode(" — ")); }
    let msg = String(err.message || "unknown error");
    if (err.expected) msg += `; expected ${err.expected}`;
    if (err.allowed) msg += ` (allowed: ${err.allowed})`;
    box.append(document.createTextNode(msg));
    if (err.line) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = "Show in TOML";
      btn.addEventListener("click", () => showLine(err.line));
      box.append(btn);
    }
    box.hidden = false;
    $("figure").classList.add("stale");
  }

  function showLine(line) {
    $("toml-box").open = true;
    const ta = $("toml");
    const lines = ta.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    ta.focus();
    ta.setSelectionRange(start, start + (lines[line - 1] || "").length);
    const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
    ta.scrollTop = Math.max(0, (line - 3) * lh);
  }

  // ---------------------------------------------------------------- the rest of the header
  function download() {
    const blob = new Blob([currentToml()], { type: "application/toml" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = "scenario.toml";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function setTheme(t) {
    document.documentElement.dataset.theme = t;
    const b = $("theme");
    b.setAttribute("aria-pressed", String(t === "dark"));
    b.textContent = t === "dark" ? "Light" : "Dark";
    b.title = t === "dark" ? "Switch to the light theme" : "Switch to the dark theme";
    try { localStorage.setItem("spasm-theme", t); } catch { /* storage may be off */ }
  }

  async function init() {
    buildForm();
    let theme = "light";
    try { theme = localStorage.getItem("spasm-theme") === "dark" ? "dark" : "light"; } catch { /* default */ }
    setTheme(theme);
    $("theme").addEventListener("click", () => setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark"));
    $("download").addEventListener("click", download);
    const sel = $("preset");
    sel.addEventListener("change", () => { if (sel.value) loadPreset(sel.value); else { mode = "sliders"; showNotice(null); recompose(); runNow(); } });
    syncAll();
    recompose();
    try {
      const res = await fetch("/api/presets");
      presets = (await res.json()).presets || [];
    } catch (e) {
      presets = [];
      showError({ message: `Could not load the presets (${e.message}); the sliders still work.` });
    }
    for (const p of presets) sel.add(new Option(p.title && p.title !== p.name ? `${p.name} — ${p.title}` : p.name, p.name));
    if (presets.some((p) => p.name === "default")) { sel.value = "default"; loadPreset("default"); } else runNow();
  }

  // for tests and the curious: window.spasm.compose(window.spasm.state())
  window.spasm = { compose, normalize, parseToml, importScenario, defaultState, fmtTime, IVS, state: () => state, currentToml, perf, mode: () => mode };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
