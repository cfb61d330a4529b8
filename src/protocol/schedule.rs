//! Schedules: interventions and triggers as time windows (inputs that hold while a
//! session runs) and impulses (doses, injections, injuries). Pure data; the
//! simulator turns them into segment boundaries, so every scheduled time is a
//! solver stop point.
//!
//! Rules (docs/scenarios.md): a window covers `[start, end)`; an event at time t is
//! applied at t, before the state at t is reported (output is right-continuous);
//! events at the same time are all applied, in the order given; overlapping windows
//! of the same kind combine as [`Effect::combine`] says; anything past the end of the
//! run is cut at the end.

use crate::model::{idx, Drivers, State};

/// An input that holds while a window is open. Levels are in the unit named.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Effect {
    /// Static stretch under way.
    Stretch,
    /// Gentle massage under way.
    Massage,
    /// Heat source on the skin at this temperature, °C (hot pack, bath, wrap).
    SkinHeat(f64),
    /// Therapeutic ultrasound: intensity W/cm², frequency MHz.
    Ultrasound {
        /// Intensity, W/cm².
        intensity: f64,
        /// Frequency, MHz.
        frequency: f64,
    },
    /// TENS at this strength, 0–1.
    Tens(f64),
    /// Electrically evoked activation, fraction of MVC.
    ElectricalStimulation(f64),
    /// Rhythmic activity (muscle pump), 0–1.
    Activity(f64),
    /// Emotional stress drive, fraction of MVC.
    Stress(f64),
    /// External pressure (cuff), mmHg.
    Cuff(f64),
    /// Sustained voluntary contraction target, fraction of MVC.
    Voluntary(f64),
    /// Persistent injury source (disc herniation), 1/s.
    DiscSource(f64),
    /// Bed rest: no rhythmic activity while it lasts, whatever else is scheduled.
    BedRest,
    /// Experimental muscle pain (hypertonic saline): nociceptor activity 0–1, with no
    /// injury, oedema or sensitiser.
    ExperimentalPain(f64),
}

impl Effect {
    /// Apply this effect on top of `d`. Overlaps: stress drives add; bed rest sets
    /// activity to 0 (and [`Schedule::drivers_at`] applies it last); every other
    /// input takes the strongest of the overlapping sessions.
    pub fn combine(&self, d: &mut Drivers) {
        match *self {
            Effect::Stretch => d.stretch = 1.0,
            Effect::Massage => d.massage = 1.0,
            Effect::SkinHeat(t) => d.skin_heat = Some(d.skin_heat.map_or(t, |x| x.max(t))),
            Effect::Ultrasound {
                intensity,
                frequency,
            } => {
                if intensity > d.us_intensity {
                    d.us_intensity = intensity;
                    d.us_frequency = frequency;
                }
            }
            Effect::Tens(s) => d.tens = d.tens.max(s),
            Effect::ElectricalStimulation(a) => d.es_activation = d.es_activation.max(a),
            Effect::Activity(a) => d.activity = d.activity.max(a),
            Effect::Stress(u) => d.stress_drive += u,
            Effect::Cuff(p) => d.cuff_pressure = d.cuff_pressure.max(p),
            Effect::Voluntary(a) => d.voluntary = d.voluntary.max(a),
            Effect::DiscSource(r) => d.disc_source += r,
            Effect::BedRest => d.activity = 0.0,
            Effect::ExperimentalPain(n) => d.exp_pain = d.exp_pain.max(n),
        }
    }
}

/// An effect that holds over `[start, end)`, times in s.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Window {
    /// Start, s.
    pub start: f64,
    /// End, s.
    pub end: f64,
    /// What holds.
    pub effect: Effect,
}

/// Oral drugs with their own PK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Drug {
    /// Ibuprofen (NSAID).
    Ibuprofen,
    /// Cyclobenzaprine (muscle relaxant).
    Cyclobenzaprine,
    /// Tizanidine (muscle relaxant).
    Tizanidine,
}

/// An instantaneous change of state.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Impulse {
    /// Oral dose, mg (the bioavailable fraction enters the gut compartment).
    Dose(Drug, f64),
    /// Local anaesthetic injection into the muscle, mg.
    LocalAnaesthetic(f64),
    /// Injury of this size (0–1): H ← H + size·(1 − H).
    Injury(f64),
}

/// An impulse at a time, s.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Event {
    /// Time, s.
    pub time: f64,
    /// What happens.
    pub impulse: Impulse,
}

/// Everything scheduled in one arm.
///
/// ```
/// use spasm::model::Drivers;
/// use spasm::protocol::{Drug, Effect, Impulse, Schedule};
/// use spasm::units::{HOUR, MINUTE};
///
/// // A 20 min hot pack at 1 h, and ibuprofen 400 mg every 8 h, three doses.
/// let s = Schedule::default()
///     .window(HOUR, 20.0 * MINUTE, Effect::SkinHeat(43.0))
///     .repeat_event(0.0, 8.0 * HOUR, 3, Impulse::Dose(Drug::Ibuprofen, 400.0));
/// // Every scheduled time is a solver stop.
/// assert_eq!(s.boundaries(0.0, 24.0 * HOUR), [HOUR, HOUR + 20.0 * MINUTE, 8.0 * HOUR, 16.0 * HOUR]);
/// // The window holds over [start, end).
/// let during = s.drivers_at(HOUR, &Drivers::default());
/// assert_eq!(during.skin_heat, Some(43.0));
/// assert_eq!(s.drivers_at(HOUR + 20.0 * MINUTE, &Drivers::default()).skin_heat, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Schedule {
    /// Windows (sessions, drivers).
    pub windows: Vec<Window>,
    /// Events (doses, injections, injuries).
    pub events: Vec<Event>,
}

impl Schedule {
    /// Add a window.
    pub fn window(mut self, start: f64, duration: f64, effect: Effect) -> Self {
        self.windows.push(Window {
            start,
            end: start + duration,
            effect,
        });
        self
    }

    /// Add an event.
    pub fn event(mut self, time: f64, impulse: Impulse) -> Self {
        self.events.push(Event { time, impulse });
        self
    }

    /// Add `count` repetitions of a window every `every` s (NONMEM ii/addl style:
    /// `count` is the total number of sessions).
    pub fn repeat_window(
        mut self,
        start: f64,
        duration: f64,
        every: f64,
        count: usize,
        effect: Effect,
    ) -> Self {
        for k in 0..count {
            self = self.window(start + k as f64 * every, duration, effect);
        }
        self
    }

    /// Add `count` repetitions of an event every `every` s.
    pub fn repeat_event(mut self, start: f64, every: f64, count: usize, impulse: Impulse) -> Self {
        for k in 0..count {
            self = self.event(start + k as f64 * every, impulse);
        }
        self
    }

    /// Sorted, de-duplicated boundaries in `(t0, t_end)`.
    pub fn boundaries(&self, t0: f64, t_end: f64) -> Vec<f64> {
        let mut b: Vec<f64> = self
            .windows
            .iter()
            .flat_map(|w| [w.start, w.end])
            .chain(self.events.iter().map(|e| e.time))
            .filter(|&t| t > t0 && t < t_end)
            .collect();
        b.sort_by(f64::total_cmp);
        b.dedup();
        b
    }

    /// Drivers in force on `[t, next boundary)`, on top of `base`. Bed rest is
    /// applied last, so it overrides any activity scheduled at the same time.
    pub fn drivers_at(&self, t: f64, base: &Drivers) -> Drivers {
        let mut d = *base;
        let open = || self.windows.iter().filter(|w| w.start <= t && t < w.end);
        for w in open().filter(|w| w.effect != Effect::BedRest) {
            w.effect.combine(&mut d);
        }
        for w in open().filter(|w| w.effect == Effect::BedRest) {
            w.effect.combine(&mut d);
        }
        d
    }

    /// Windows of one kind, for shading figures: (start, end, label).
    pub fn labelled_windows(&self) -> Vec<(f64, f64, &'static str)> {
        self.windows
            .iter()
            .map(|w| (w.start, w.end, w.effect.label()))
            .collect()
    }
}

impl Effect {
    /// A short label for legends.
    pub fn label(&self) -> &'static str {
        match self {
            Effect::Stretch => "stretch",
            Effect::Massage => "massage",
            Effect::SkinHeat(_) => "heat",
            Effect::Ultrasound { .. } => "ultrasound",
            Effect::Tens(_) => "TENS",
            Effect::ElectricalStimulation(_) => "electrical stimulation",
            Effect::Activity(_) => "activity",
            Effect::Stress(_) => "stress",
            Effect::Cuff(_) => "cuff",
            Effect::Voluntary(_) => "effort",
            Effect::DiscSource(_) => "disc herniation",
            Effect::BedRest => "bed rest",
            Effect::ExperimentalPain(_) => "experimental pain",
        }
    }
}

impl Impulse {
    /// Apply to a state; `bioavailability(drug)` gives the oral fraction F.
    pub fn apply(&self, y: &mut State, bioavailability: impl Fn(Drug) -> f64) {
        match *self {
            Impulse::Dose(drug, mg) => {
                let gut = match drug {
                    Drug::Ibuprofen => idx::IBU_GUT,
                    Drug::Cyclobenzaprine => idx::CBZ_GUT,
                    Drug::Tizanidine => idx::TIZ_GUT,
                };
                y[gut] += bioavailability(drug) * mg;
            }
            Impulse::LocalAnaesthetic(mg) => y[idx::LA] += mg,
            Impulse::Injury(size) => y[idx::H] += size * (1.0 - y[idx::H]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_sorted_unique_and_inside() {
        let s = Schedule::default()
            .window(0.0, 60.0, Effect::Stretch)
            .window(30.0, 60.0, Effect::Massage)
            .event(60.0, Impulse::LocalAnaesthetic(50.0))
            .event(500.0, Impulse::Injury(0.1));
        assert_eq!(s.boundaries(0.0, 100.0), vec![30.0, 60.0, 90.0]);
    }

    #[test]
    fn overlapping_windows_combine() {
        let s = Schedule::default()
            .window(0.0, 100.0, Effect::SkinHeat(40.0))
            .window(50.0, 100.0, Effect::SkinHeat(43.0))
            .window(0.0, 100.0, Effect::Stress(0.01))
            .window(50.0, 100.0, Effect::Stress(0.02));
        let d = s.drivers_at(60.0, &Drivers::default());
        assert_eq!(d.skin_heat, Some(43.0));
        assert!((d.stress_drive - 0.03).abs() < 1e-15);
        let d0 = s.drivers_at(10.0, &Drivers::default());
        assert_eq!(d0.skin_heat, Some(40.0));
        // Bed rest overrides activity, whatever the order of the windows.
        let rest = Schedule::default()
            .window(0.0, 100.0, Effect::BedRest)
            .window(0.0, 200.0, Effect::Activity(0.3));
        assert_eq!(rest.drivers_at(50.0, &Drivers::default()).activity, 0.0);
        assert_eq!(rest.drivers_at(150.0, &Drivers::default()).activity, 0.3);
        // Window is half-open: off exactly at its end.
        assert_eq!(s.drivers_at(150.0, &Drivers::default()).skin_heat, None);
    }

    #[test]
    fn repeated_doses_and_injury_saturate() {
        let s = Schedule::default().repeat_event(
            0.0,
            8.0 * 3600.0,
            3,
            Impulse::Dose(Drug::Ibuprofen, 400.0),
        );
        assert_eq!(s.events.len(), 3);
        assert_eq!(s.events[2].time, 16.0 * 3600.0);
        let mut y = State::zeros();
        Impulse::Injury(0.5).apply(&mut y, |_| 1.0);
        Impulse::Injury(0.5).apply(&mut y, |_| 1.0);
        assert!((y[idx::H] - 0.75).abs() < 1e-15);
    }
}
