//! Nothing a user writes makes the scenario reader panic: random text, and random
//! mutations of valid scenarios, give either a scenario or a `ScenarioError` whose
//! position lies inside the file. Accepted scenarios satisfy the schedule invariants.

use proptest::prelude::*;
use spasm::scenario::{parse_scenario, Scenario, ScenarioError, DEFAULT_TOML};

const RICH: &str = r#"
name = "rich"
duration = "2 d"
settle = "1 h"
start_clock = "08:00"
[model]
set = "acute_injury"
[model.overrides]
tau_heal = "4 d"
gain_gamma = 0.3
[output]
every = "30 min"
time_unit = "h"
[solver]
method = "rodas4"
rtol = 1e-6
max_step = "1 h"
[[trigger]]
kind = "effort"
at = "0 s"
duration = "2 min"
level = "50 %MVC"
[[trigger]]
kind = "disc_herniation"
at = "1 d"
rate = "0.08 1/d"
size = 0.2
[[arm]]
name = "none"
[[arm]]
name = "all"
[[arm.intervention]]
kind = "ibuprofen"
dose = "400 mg"
every = "8 h"
count = 5
[[arm.intervention]]
kind = "stretching"
at = "1 h"
reps = 3
hold = "60 s"
rest = "30 s"
every = "12 h"
until = "40 h"
[[arm.intervention]]
kind = "early_movement"
from = "22:00"
to = "06:00"
activity = 0.3
[[arm.intervention]]
kind = "ultrasound"
intensity = "1.5 W/cm2"
frequency = "3 MHz"
[[arm.intervention]]
kind = "hot_pack"
temperature = "42 °C"
"#;

/// Fragments that tend to hit interesting paths when spliced in.
const FRAGMENTS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\n",
    "#",
    ",",
    "{",
    "}",
    ".",
    "-",
    "0",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "\"-1 h\"",
    "\"0 mg\"",
    "\"9999 y\"",
    "\"1 s^99*s^99\"",
    "\"1e-300 s\"",
    "\"°C\"",
    "é",
    "–",
    "\u{0}",
    "kind",
    "count = 0",
    "count = 99999999999",
    "every = \"1 s\"",
    "every = \"0 s\"",
    "until = \"0 s\"",
    "at = \"1 y\"",
    "arm = []",
    "[[arm]]\nname = \"none\"",
    "[output]\nevery = \"1e-9 s\"",
    "\"25:61\"",
    "\"24:00\"",
    "true",
    "1979-05-27T07:32:00Z",
    "[1, 2]",
    "{ a = 1 }",
];

fn check(text: &str) {
    match parse_scenario(text, "fuzz.toml") {
        Ok(s) => invariants(&s),
        Err(e) => position_inside(&e, text),
    }
}

fn position_inside(e: &ScenarioError, text: &str) {
    let lines = text.split('\n').count();
    assert!(
        e.line >= 1 && e.line <= lines,
        "line {} of {lines}: {e}",
        e.line
    );
    assert!(e.column >= 1, "{e}");
    assert!(
        e.span.start <= e.span.end && e.span.end <= text.len(),
        "{e}"
    );
    assert!(!e.to_string().is_empty());
}

fn invariants(s: &Scenario) {
    assert!(!s.arms.is_empty());
    assert!(s.duration > 0.0 && s.duration.is_finite());
    assert!(s.output_every > 0.0 && s.output_every <= s.duration);
    for arm in &s.arms {
        for w in &arm.schedule.windows {
            assert!(
                0.0 <= w.start && w.start < w.end && w.end <= s.duration,
                "{w:?}"
            );
        }
        for e in &arm.schedule.events {
            assert!(0.0 <= e.time && e.time < s.duration, "{e:?}");
        }
    }
}

/// A mutation of `base`: delete, insert or replace a slice, or duplicate/drop a line.
fn mutate(base: &str, op: u8, pos: usize, len: usize, frag: usize) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    let n = chars.len();
    let p = pos % (n + 1);
    let q = (p + len % 16).min(n);
    let f: Vec<char> = FRAGMENTS[frag % FRAGMENTS.len()].chars().collect();
    match op % 5 {
        0 => {
            chars.drain(p..q);
        }
        1 => {
            chars.splice(p..p, f);
        }
        2 => {
            chars.splice(p..q, f);
        }
        3 => {
            let lines: Vec<&str> = base.lines().collect();
            let k = pos % lines.len().max(1);
            let mut out: Vec<&str> = lines.clone();
            if let Some(l) = lines.get(k) {
                out.insert(k, l);
            }
            return out.join("\n");
        }
        _ => {
            let lines: Vec<&str> = base.lines().collect();
            let k = pos % lines.len().max(1);
            return lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        check(&text);
    }

    #[test]
    fn random_toml_like_text_never_panics(text in "[a-z_\\[\\]=\" \n0-9.%°:#{},-]{0,300}") {
        check(&text);
    }

    #[test]
    fn mutated_scenarios_never_panic(
        which in 0usize..2,
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        let mut text = [RICH, DEFAULT_TOML][which].to_string();
        for (op, pos, len, frag) in ops {
            text = mutate(&text, op, pos, len, frag);
        }
        check(&text);
    }

    #[test]
    fn any_value_in_any_slot_never_panics(
        slot in 0usize..64,
        frag in 0usize..FRAGMENTS.len(),
    ) {
        // Replace the value of the slot-th `key = value` line with a fragment.
        let lines: Vec<&str> = RICH.lines().collect();
        let kv: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| l.contains(" = ")).map(|(i, _)| i).collect();
        let k = kv[slot % kv.len()];
        let key = lines[k].split(" = ").next().unwrap_or_default();
        let mut out: Vec<String> = lines.iter().map(ToString::to_string).collect();
        out[k] = format!("{key} = {}", FRAGMENTS[frag]);
        check(&out.join("\n"));
    }
}

#[test]
fn the_rich_scenario_itself_is_valid() {
    let s = parse_scenario(RICH, "rich.toml").unwrap_or_else(|e| panic!("{e}"));
    invariants(&s);
}
