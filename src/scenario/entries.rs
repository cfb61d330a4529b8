//! Reading one `[[trigger]]` or `[[arm.intervention]]` entry: look its kind up in the
//! catalogue ([`crate::protocol::catalogue`]), read its keys (defaults from the
//! catalogue), and expand its schedule (`at`, `every`, `count`, `until`; rules
//! s01–s17 of docs/scenarios.md) into windows and events.

use super::error::ErrorKind;
use super::walk::{closest, first_line, num_str, Cx, Tbl, Val, R};
use crate::protocol::catalogue::{all_names, defaults, kind_names, limits, Kind};
use crate::protocol::{Drug, Effect, Event, Impulse, Schedule, Window};
use crate::units::{
    human_time, DAY, DOSE, FREQUENCY, INTENSITY, LEVEL, PRESSURE, RATE, TEMPERATURE, TIME,
};

/// Facts about the run that schedules are checked against.
pub(super) struct Run {
    /// Run length, s.
    pub(super) duration: f64,
    /// Clock time at t = 0, s after midnight.
    pub(super) clock0: f64,
}

/// Start time of an entry: `at` or `start` (not both), default 0; must lie in [0, duration).
fn start_time(cx: &Cx, t: &Tbl, run: &Run) -> R<f64> {
    let (at, start) = (t.get("at"), t.get("start"));
    if let (Some(_), Some(s)) = (&at, &start) {
        return Err(cx.bad(
            s,
            ErrorKind::Conflict,
            "give either 'at' or 'start', not both (they are the same)",
            "",
            None,
        ));
    }
    let Some(v) = at.or(start) else {
        return Ok(0.0);
    };
    let x = cx.quantity(&v, &TIME)?;
    if x < 0.0 {
        return Err(cx.bad(
            &v,
            ErrorKind::OutsideRun,
            format!("starts at {}, before the run starts (t = 0)", human_time(x)),
            "a time from the start of the run",
            Some(format!(
                "0 s up to, not including, the end of the run ({})",
                human_time(run.duration)
            )),
        ));
    }
    if x >= run.duration {
        return Err(cx.bad(
            &v,
            ErrorKind::OutsideRun,
            format!(
                "starts at {}, at or after the end of the run ({})",
                human_time(x),
                human_time(run.duration)
            ),
            "a time from the start of the run",
            Some(format!(
                "0 s up to, not including, {}",
                human_time(run.duration)
            )),
        ));
    }
    Ok(x)
}

/// Start times of the sessions (or doses) of an entry: `at`, then repeats by
/// `every` with `count` (total) or `until` (exclusive), or to the end of the run.
/// `session` is the length of one session, s (0 for doses); sessions of one entry
/// must not overlap.
fn occurrences(cx: &Cx, t: &Tbl, run: &Run, session: f64) -> R<Vec<f64>> {
    let at = start_time(cx, t, run)?;
    let every = t.get("every");
    let count = t.get("count");
    let until = t.get("until");
    let Some(every_v) = every else {
        if let Some(c) = &count {
            let n = cx.integer(c, "a whole number of sessions or doses")?;
            if n != 1 {
                return Err(cx.bad(
                    c,
                    ErrorKind::Conflict,
                    format!("count = {n} needs 'every' (the interval between them)"),
                    "'every' next to 'count'",
                    None,
                ));
            }
        }
        if let Some(u) = &until {
            return Err(cx.bad(
                u,
                ErrorKind::Conflict,
                "'until' needs 'every'",
                "'every' next to 'until'",
                None,
            ));
        }
        return Ok(vec![at]);
    };
    let ev = cx.quantity(&every_v, &TIME)?;
    if ev < limits::SHORTEST {
        return Err(cx.bad(
            &every_v,
            ErrorKind::OutOfRange,
            format!("'every' must be at least {}", human_time(limits::SHORTEST)),
            "an interval such as \"8 h\"",
            Some(format!("at least {}", human_time(limits::SHORTEST))),
        ));
    }
    if ev < session {
        return Err(cx.bad(
            &every_v,
            ErrorKind::OutOfRange,
            format!(
                "sessions every {} would overlap: each lasts {}",
                human_time(ev),
                human_time(session)
            ),
            "an interval at least as long as one session",
            Some(format!("at least {}", human_time(session))),
        ));
    }
    if let (Some(_), Some(u)) = (&count, &until) {
        return Err(cx.bad(
            u,
            ErrorKind::Conflict,
            "give either 'count' or 'until', not both",
            "",
            None,
        ));
    }
    let too_many = |v: &Val, n: f64| {
        cx.bad(
            v,
            ErrorKind::OutOfRange,
            format!("this schedule has {n} sessions or doses"),
            "a longer interval or a shorter span",
            Some(format!("at most {} per entry", limits::MAX_OCCURRENCES)),
        )
    };
    if let Some(c) = &count {
        let n = cx.integer(c, "a whole number of sessions or doses")?;
        if n < 1 {
            return Err(cx.bad(
                c,
                ErrorKind::OutOfRange,
                format!("count = {n}: the total number must be at least 1"),
                "a whole number, the total number of sessions or doses (NONMEM addl + 1)",
                Some("1 or more".into()),
            ));
        }
        if n as f64 > limits::MAX_OCCURRENCES as f64 {
            return Err(too_many(c, n as f64));
        }
        let last = at + (n - 1) as f64 * ev;
        if last >= run.duration {
            let fit = ((run.duration - at) / ev).ceil().max(1.0);
            // Guard the rounding of `ceil` at exact multiples.
            let fit = if at + (fit - 1.0) * ev >= run.duration {
                fit - 1.0
            } else {
                fit
            };
            return Err(cx.bad(
                c,
                ErrorKind::OutsideRun,
                format!(
                    "the last of {n} would start at {}, at or after the end of the run ({})",
                    human_time(last),
                    human_time(run.duration)
                ),
                "a count that fits in the run, or 'until'",
                Some(format!(
                    "at most {fit} from {} every {}",
                    human_time(at),
                    human_time(ev)
                )),
            ));
        }
        return Ok((0..n).map(|k| at + k as f64 * ev).collect());
    }
    let stop = match &until {
        Some(u) => {
            let x = cx.quantity(u, &TIME)?;
            if x <= at {
                return Err(cx.bad(
                    u,
                    ErrorKind::OutOfRange,
                    format!(
                        "'until' ({}) is not after the start ({})",
                        human_time(x),
                        human_time(at)
                    ),
                    "a time after the first session or dose",
                    Some(format!("more than {}", human_time(at))),
                ));
            }
            x.min(run.duration)
        }
        None => run.duration,
    };
    let n = ((stop - at) / ev).ceil();
    if n > limits::MAX_OCCURRENCES as f64 {
        return Err(too_many(&every_v, n));
    }
    Ok((0..)
        .map(|k| at + f64::from(k) * ev)
        .take_while(|&x| x < stop)
        .collect())
}

/// Session length: `duration` or the kind's default.
fn session_length(cx: &Cx, t: &Tbl, default: Option<f64>) -> R<f64> {
    match t.get("duration") {
        Some(v) => cx.ranged(
            &v,
            &TIME,
            limits::SHORTEST,
            true,
            limits::MAX_DURATION,
            human_time,
        ),
        None => default.ok_or_else(|| {
            cx.err(
                ErrorKind::MissingKey,
                &t.path("duration"),
                first_line(cx.text, t.span.clone()),
                format!("{} needs the key 'duration'", t.what),
                "a duration such as \"20 min\"",
                None,
            )
        }),
    }
}

/// Windows of `effect` lasting `length` at each start, cut at the end of the run.
fn push_windows(s: &mut Schedule, starts: &[f64], length: f64, run: &Run, effect: Effect) {
    for &st in starts {
        s.windows.push(Window {
            start: st,
            end: (st + length).min(run.duration),
            effect,
        });
    }
}

fn level(cx: &Cx, t: &Tbl, name: &str) -> R<f64> {
    let v = t.req(cx, name, "a contraction level such as \"50 %MVC\"")?;
    cx.ranged(&v, &LEVEL, 0.0, false, 1.0, |x| {
        format!("{} %MVC", num_str(100.0 * x))
    })
}

fn mg(x: f64) -> String {
    if x >= 1000.0 {
        format!("{} g", num_str(x / 1000.0))
    } else {
        format!("{} mg", num_str(x))
    }
}

/// One `[[trigger]]` or `[[arm.intervention]]` table, added to `s`.
pub(super) fn entry(cx: &Cx, t: &Tbl, run: &Run, s: &mut Schedule) -> R<()> {
    let kv = t.req(
        cx,
        "kind",
        "the kind of intervention or trigger, e.g. \"hot_pack\"",
    )?;
    let name = cx.string(&kv, "the kind as a string, e.g. \"hot_pack\"")?;
    let norm = name.trim().to_lowercase().replace([' ', '-'], "_");
    let Some((kind, canonical)) = Kind::lookup(&norm) else {
        let hint = closest(&norm, all_names())
            .map(|c| format!(" (did you mean '{c}'?)"))
            .unwrap_or_default();
        return Err(cx.bad(
            &kv,
            ErrorKind::UnknownKind,
            format!("unknown kind '{name}'{hint}"),
            "a kind of intervention or trigger",
            Some(kind_names().join(", ")),
        ));
    };
    let t = Tbl {
        what: format!("{} ({canonical})", t.what),
        key: t.key.clone(),
        span: t.span.clone(),
        t: t.t,
    };
    let t = &t;
    t.check(cx, &kind.keys())?;

    match kind {
        Kind::Injury => {
            let v = t.req(cx, "size", "an injury size between 0 and 1")?;
            let size = cx.fraction(&v, "an injury size", 0.0, false, 1.0)?;
            for at in occurrences(cx, t, run, 0.0)? {
                s.events.push(Event {
                    time: at,
                    impulse: Impulse::Injury(size),
                });
            }
        }
        Kind::Effort | Kind::SustainedContraction => {
            let a = level(cx, t, "level")?;
            let len = session_length(cx, t, None)?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Voluntary(a));
        }
        Kind::Stress => {
            let a = level(cx, t, "level")?;
            let len = session_length(cx, t, None)?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Stress(a));
        }
        Kind::DiscHerniation => {
            let at = start_time(cx, t, run)?;
            let rate = t.get("rate");
            let size = t.get("size");
            if rate.is_none() && size.is_none() {
                return Err(cx.err(
                    ErrorKind::MissingKey,
                    &t.path("rate"),
                    first_line(cx.text, t.span.clone()),
                    format!("{} needs 'rate' (a persistent injury source), 'size' (an acute injury) or both", t.what),
                    "rate such as \"0.08 1/d\" or size between 0 and 1",
                    None,
                ));
            }
            if let Some(v) = &size {
                let x = cx.fraction(v, "an injury size", 0.0, false, 1.0)?;
                s.events.push(Event {
                    time: at,
                    impulse: Impulse::Injury(x),
                });
            }
            if let Some(v) = &rate {
                let r = cx.ranged(v, &RATE, 0.0, false, limits::MAX_DISC_RATE, |x| {
                    format!("{} 1/d", num_str(x * DAY))
                })?;
                let len = session_length(cx, t, Some(run.duration - at))?;
                push_windows(s, &[at], len, run, Effect::DiscSource(r));
            } else if let Some(v) = t.get("duration") {
                return Err(cx.bad(
                    &v,
                    ErrorKind::Conflict,
                    "'duration' applies to 'rate' only (an acute injury has no duration)",
                    "'rate' next to 'duration'",
                    None,
                ));
            }
        }
        Kind::Stretching => {
            let reps = match t.get("reps") {
                Some(v) => {
                    let n = cx.integer(&v, "a whole number of holds, 1 to 20")?;
                    if !(1..=limits::MAX_STRETCH_REPS).contains(&n) {
                        return Err(cx.bad(
                            &v,
                            ErrorKind::OutOfRange,
                            format!("reps = {n} is outside the allowed range"),
                            "a whole number of holds per session",
                            Some("1 to 20".into()),
                        ));
                    }
                    n as usize
                }
                None => defaults::STRETCH_REPS,
            };
            let hold = match t.get("hold") {
                Some(v) => cx.ranged(
                    &v,
                    &TIME,
                    limits::SHORTEST,
                    true,
                    limits::MAX_STRETCH_HOLD_S,
                    human_time,
                )?,
                None => defaults::STRETCH_HOLD_S,
            };
            let rest = match t.get("rest") {
                Some(v) => {
                    cx.ranged(&v, &TIME, 0.0, true, limits::MAX_STRETCH_REST_S, human_time)?
                }
                None => defaults::STRETCH_REST_S,
            };
            let len = reps as f64 * hold + (reps - 1) as f64 * rest;
            for st in occurrences(cx, t, run, len)? {
                let holds: Vec<f64> = (0..reps)
                    .map(|r| st + r as f64 * (hold + rest))
                    .filter(|&h| h < run.duration)
                    .collect();
                push_windows(s, &holds, hold, run, Effect::Stretch);
            }
        }
        Kind::HotPack | Kind::HotBath | Kind::HeatWrap => {
            let (default_len, default_temp) = match kind {
                Kind::HotPack => (defaults::HEAT_SESSION_S, defaults::HOT_PACK_C),
                Kind::HotBath => (defaults::HEAT_SESSION_S, defaults::WARM_C),
                _ => (defaults::HEAT_WRAP_SESSION_S, defaults::WARM_C),
            };
            let temp = match t.get("temperature") {
                Some(v) => cx.ranged(&v, &TEMPERATURE, 0.0, true, limits::MAX_HEAT_C, |x| {
                    format!("{} °C", num_str(x))
                })?,
                None => default_temp,
            };
            let len = session_length(cx, t, Some(default_len))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::SkinHeat(temp));
        }
        Kind::Massage => {
            let len = session_length(cx, t, Some(defaults::MASSAGE_SESSION_S))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Massage);
        }
        Kind::BedRest => {
            let len = session_length(cx, t, Some(defaults::BED_REST_S))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::BedRest);
        }
        Kind::ElectricalStimulation => {
            let a = level(cx, t, "intensity")?;
            let len = session_length(cx, t, Some(defaults::ES_SESSION_S))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::ElectricalStimulation(a));
        }
        Kind::Tens => {
            let strength = match t.get("strength") {
                Some(v) => cx.fraction(&v, "a TENS strength", 0.0, false, 1.0)?,
                None => defaults::TENS_STRENGTH,
            };
            let len = session_length(cx, t, Some(defaults::TENS_SESSION_S))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Tens(strength));
        }
        Kind::Ibuprofen | Kind::Cyclobenzaprine | Kind::Tizanidine | Kind::LocalAnaesthetic => {
            let v = t.req(cx, "dose", "a dose such as \"400 mg\"")?;
            let dose = cx.ranged(&v, &DOSE, 0.0, false, limits::MAX_DOSE_MG, mg)?;
            let impulse = match kind {
                Kind::Ibuprofen => Impulse::Dose(Drug::Ibuprofen, dose),
                Kind::Cyclobenzaprine => Impulse::Dose(Drug::Cyclobenzaprine, dose),
                Kind::Tizanidine => Impulse::Dose(Drug::Tizanidine, dose),
                _ => Impulse::LocalAnaesthetic(dose),
            };
            for at in occurrences(cx, t, run, 0.0)? {
                s.events.push(Event { time: at, impulse });
            }
        }
        Kind::Ultrasound => {
            let intensity = match t.get("intensity") {
                Some(v) => cx.ranged(
                    &v,
                    &INTENSITY,
                    0.0,
                    false,
                    limits::MAX_ULTRASOUND_W_PER_CM2,
                    |x| format!("{} W/cm2", num_str(x)),
                )?,
                None => defaults::ULTRASOUND_W_PER_CM2,
            };
            let (lo, hi) = limits::ULTRASOUND_MHZ_RANGE;
            let frequency = match t.get("frequency") {
                Some(v) => cx.ranged(&v, &FREQUENCY, lo, true, hi, |x| {
                    format!("{} MHz", num_str(x))
                })?,
                None => defaults::ULTRASOUND_MHZ,
            };
            let len = session_length(cx, t, Some(defaults::ULTRASOUND_SESSION_S))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(
                s,
                &starts,
                len,
                run,
                Effect::Ultrasound {
                    intensity,
                    frequency,
                },
            );
        }
        Kind::Cuff => {
            let v = t.req(cx, "pressure", "a cuff pressure such as \"200 mmHg\"")?;
            let p = cx.ranged(&v, &PRESSURE, 0.0, false, limits::MAX_CUFF_MMHG, |x| {
                format!("{} mmHg", num_str(x))
            })?;
            let len = session_length(cx, t, None)?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Cuff(p));
        }
        Kind::ExperimentalPain => {
            let n = match t.get("level") {
                Some(v) => cx.fraction(&v, "a nociceptor activity", 0.0, false, 1.0)?,
                None => defaults::EXPERIMENTAL_PAIN_LEVEL,
            };
            let len = session_length(cx, t, Some(defaults::EXPERIMENTAL_PAIN_SESSION_S))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::ExperimentalPain(n));
        }
        Kind::EarlyMovement => daily(cx, t, run, s)?,
    }
    Ok(())
}

/// A daily pattern (early movement): activity `activity` between clock times `from`
/// and `to` every day, from `at` (default 0) until `until` (default: end of run).
fn daily(cx: &Cx, t: &Tbl, run: &Run, s: &mut Schedule) -> R<()> {
    let at = start_time(cx, t, run)?;
    let until = match t.get("until") {
        Some(u) => {
            let x = cx.quantity(&u, &TIME)?;
            if x <= at {
                return Err(cx.bad(
                    &u,
                    ErrorKind::OutOfRange,
                    format!(
                        "'until' ({}) is not after the start ({})",
                        human_time(x),
                        human_time(at)
                    ),
                    "a time after the start",
                    Some(format!("more than {}", human_time(at))),
                ));
            }
            x.min(run.duration)
        }
        None => run.duration,
    };
    let from = match t.get("from") {
        Some(v) => cx.clock(&v)?,
        None => defaults::DAILY_FROM_S,
    };
    let to = match t.get("to") {
        Some(v) => {
            let x = cx.clock(&v)?;
            if (x - from).abs() < 1e-9 || (x - from).abs() == DAY {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    "'to' equals 'from': the daily window would be empty or the whole day",
                    "a clock time different from 'from'",
                    None,
                ));
            }
            x
        }
        None => defaults::DAILY_TO_S,
    };
    let activity = match t.get("activity") {
        Some(v) => cx.fraction(&v, "an activity level", 0.0, true, 1.0)?,
        None => defaults::DAILY_ACTIVITY,
    };
    let length = if to > from {
        to - from
    } else {
        to + DAY - from
    };
    // Day j's window starts at clock j·DAY + from, i.e. run time j·DAY + from − clock0.
    let first_day = ((at + run.clock0 - from - length) / DAY).floor() as i64;
    let last_day = ((until + run.clock0 - from) / DAY).ceil() as i64;
    for j in first_day..=last_day {
        let start = j as f64 * DAY + from - run.clock0;
        let (a, b) = (start.max(at), (start + length).min(until));
        if b > a {
            s.windows.push(Window {
                start: a,
                end: b,
                effect: Effect::Activity(activity),
            });
        }
    }
    Ok(())
}
