//! Targets 6, 7 and 15: heat, massage and movement; pharmacokinetics; ultrasound depth.

use super::{alg_at, check, go, patient, rested, Check, R};
use crate::model::{idx, State};
use crate::protocol::catalogue::defaults::HOT_PACK_C;
use crate::protocol::{Drug, Effect, Impulse, Schedule};
use crate::simulation::Patient;
use crate::units::{DAY, HOUR, MINUTE as MIN};

/// Target 6: heat, massage and rhythmic contraction.
pub fn target6() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let m = p.model();
    let src = "Draper 1998; González-Alonso 2021/24; Shoemaker 1997; Hinds 2004";
    let mut out = Vec::new();
    for minutes in [15.0, 20.0] {
        let t = minutes * MIN;
        let tr = go(
            &p,
            &y,
            &Schedule::default().window(0.0, t, Effect::SkinHeat(HOT_PACK_C)),
            t,
            MIN,
        )?;
        let end = tr.last();
        out.push(check(
            6,
            &format!("hot pack {minutes} min: rise at 1 cm"),
            src,
            3.0,
            4.0,
            "°C",
            end[idx::T1] - y[idx::T1],
        ));
        out.push(check(
            6,
            &format!("hot pack {minutes} min: rise at 3 cm"),
            src,
            0.5,
            1.0,
            "°C",
            end[idx::T3] - y[idx::T3],
        ));
    }
    let q0 = m.algebraic(&y.data.0[0]).q;
    let mut warm = y;
    for i in crate::model::thermal::NODE_STATES {
        warm[i] += 3.0;
    }
    out.push(check(
        6,
        "flow after +3 °C tissue warming",
        src,
        1.5,
        2.5,
        "× rest",
        m.algebraic(&warm.data.0[0]).q / q0,
    ));
    let ratio = |e: Effect| -> R<f64> {
        let tr = go(
            &p,
            &y,
            &Schedule::default().window(0.0, 10.0 * MIN, e),
            10.0 * MIN - 1.0,
            MIN,
        )?;
        let n = tr.times.len() - 1;
        Ok(alg_at(m, &tr, n).q / q0)
    };
    out.push(check(
        6,
        "flow during 10 min massage",
        src,
        0.9,
        1.1,
        "× rest",
        ratio(Effect::Massage)?,
    ));
    out.push(check(
        6,
        "flow during mild rhythmic contraction",
        src,
        2.0,
        4.0,
        "× rest",
        ratio(Effect::Activity(1.0))?,
    ));
    Ok(out)
}

/// Target 7: pharmacokinetics.
pub fn target7() -> R<Vec<Check>> {
    let p = patient("healthy")?;
    let m = p.model();
    let y = m.initial_state();
    let src = "PMC2014594; ijcp.12053; Winchell 2002";
    let step = 60.0;
    let tr = go(
        &p,
        &y,
        &Schedule::default().event(0.0, Impulse::Dose(Drug::Ibuprofen, 400.0)),
        12.0 * HOUR,
        step,
    )?;
    let c: Vec<f64> = tr
        .states
        .iter()
        .map(|s| s[idx::IBU] / m.params().ibu_v)
        .collect();
    let (kmax, cmax) = c.iter().enumerate().fold(
        (0, 0.0),
        |acc, (k, &v)| if v > acc.1 { (k, v) } else { acc },
    );
    let at = |t: f64| c[(t / step).round() as usize];
    let half_life =
        (6.0 - 4.0) * HOUR * std::f64::consts::LN_2 / (at(4.0 * HOUR) / at(6.0 * HOUR)).ln();
    // Cyclobenzaprine 5 mg t.i.d. for 7 days.
    let tau = 8.0 * HOUR;
    let doses = 21;
    let s = Schedule::default().repeat_event(
        0.0,
        tau,
        doses,
        Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
    );
    let tr2 = go(&p, &y, &s, doses as f64 * tau, 600.0)?;
    let conc: Vec<f64> = tr2
        .states
        .iter()
        .map(|s| s[idx::CBZ] / m.params().cbz_v)
        .collect();
    let per = (tau / 600.0).round() as usize;
    let auc = |k: usize| {
        conc[k * per..=(k + 1) * per]
            .windows(2)
            .map(|w| 0.5 * (w[0] + w[1]) * 600.0)
            .sum::<f64>()
    };
    let accumulation = auc(doses - 1) / auc(0);
    // Trough before each dose; steady state when the trough reaches 95 % of the last.
    let troughs: Vec<f64> = (1..doses).map(|k| conc[k * per]).collect();
    let last = *troughs.last().unwrap_or(&f64::NAN);
    let k_ss = troughs
        .iter()
        .position(|&c| c >= 0.95 * last)
        .unwrap_or(doses)
        + 1;
    Ok(vec![
        check(7, "ibuprofen 400 mg Cmax", src, 30.0, 40.0, "mg/L", cmax),
        check(
            7,
            "ibuprofen tmax",
            src,
            0.5,
            1.5,
            "h",
            tr.times[kmax] / HOUR,
        ),
        check(
            7,
            "ibuprofen terminal half-life",
            src,
            1.5,
            2.5,
            "h",
            half_life / HOUR,
        ),
        check(
            7,
            "ibuprofen concentration at 20 min (relief ≥ 8 mg/L)",
            src,
            8.0,
            f64::INFINITY,
            "mg/L",
            at(20.0 * MIN),
        ),
        check(
            7,
            "cyclobenzaprine 5 mg t.i.d.: time to steady state (95 % of final trough)",
            src,
            3.0,
            4.0,
            "d",
            k_ss as f64 * tau / DAY,
        ),
        check(
            7,
            "cyclobenzaprine accumulation (AUC day 7 / first dose)",
            src,
            3.0,
            5.0,
            "×",
            accumulation,
        ),
    ])
}

/// Rise of the three node temperatures (°C) and of the temperature at `depth_cm`
/// after `minutes` of ultrasound at `frequency` MHz and `intensity` W/cm².
fn ultrasound_rise(
    p: &Patient,
    y: &State,
    frequency: f64,
    intensity: f64,
    minutes: f64,
    depth_cm: f64,
) -> R<([f64; 3], f64)> {
    let t = minutes * MIN;
    let s = Schedule::default().window(
        0.0,
        t,
        Effect::Ultrasound {
            intensity,
            frequency,
        },
    );
    let tr = go(p, y, &s, t, t)?;
    let m = p.model();
    let end = tr.last();
    let rise = crate::model::thermal::NODE_STATES.map(|i| end[i] - y[i]);
    let at = |s: &State| m.temperature_at(&s.data.0[0], depth_cm);
    Ok((rise, at(end) - at(y)))
}

/// Target 15: ultrasound heats superficially at 3 MHz and deeper at 1 MHz.
pub fn target15() -> R<Vec<Check>> {
    let (p, y) = rested("healthy")?;
    let src = "Draper, Castel & Castel 1995 JOSPT 22:142; Hayes et al. 2004 J Athl Train 39:230";
    let (r3, _) = ultrasound_rise(&p, &y, 3.0, 1.5, 10.0, 2.5)?;
    let (r1, _) = ultrasound_rise(&p, &y, 1.0, 1.5, 10.0, 2.5)?;
    let (_, hayes) = ultrasound_rise(&p, &y, 3.0, 1.5, 3.4, 2.5)?;
    let share = |r: [f64; 3]| r[2] / r[0];
    Ok(vec![
        check(
            15,
            "3 MHz 1.5 W/cm² 10 min: rise at 1 cm minus rise at 3 cm",
            src,
            0.0,
            f64::INFINITY,
            "°C",
            r3[0] - r3[2],
        ),
        check(
            15,
            "share reaching 3 cm (ΔT 3 cm / ΔT 1 cm), 1 MHz minus 3 MHz",
            src,
            0.0,
            f64::INFINITY,
            "",
            share(r1) - share(r3),
        ),
        check(
            15,
            "3 MHz 1.5 W/cm² 3.4 min: rise at 2.5 cm (Hayes 2004: +4 °C)",
            src,
            3.0,
            5.0,
            "°C",
            hayes,
        ),
    ])
}
