//! The catalogue of interventions and triggers a scenario can schedule: each kind's
//! name, aliases and keys (docs/scenarios.md, rule f11), and the defaults a key left
//! out takes (rule f12). The scenario reader looks kinds up here; nothing else knows
//! their names.

use crate::units::{DAY, HOUR, MINUTE};

/// Every kind of scheduled entry (trigger or intervention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Kind {
    Injury,
    Effort,
    Stress,
    DiscHerniation,
    Stretching,
    HotPack,
    HotBath,
    HeatWrap,
    Massage,
    ElectricalStimulation,
    Tens,
    Ibuprofen,
    Cyclobenzaprine,
    Tizanidine,
    LocalAnaesthetic,
    Ultrasound,
    EarlyMovement,
    BedRest,
    Cuff,
    SustainedContraction,
    ExperimentalPain,
}

/// (kind, name, aliases).
const KINDS: &[(Kind, &str, &[&str])] = &[
    (Kind::Injury, "injury", &["strain"]),
    (Kind::Effort, "effort", &[]),
    (Kind::Stress, "stress", &["emotional_stress"]),
    (Kind::DiscHerniation, "disc_herniation", &["herniation"]),
    (Kind::Stretching, "stretching", &["stretch"]),
    (Kind::HotPack, "hot_pack", &["hotpack"]),
    (Kind::HotBath, "hot_bath", &["bath"]),
    (Kind::HeatWrap, "heat_wrap", &["heatwrap"]),
    (Kind::Massage, "massage", &[]),
    (
        Kind::ElectricalStimulation,
        "electrical_stimulation",
        &["nmes", "ems"],
    ),
    (Kind::Tens, "tens", &[]),
    (Kind::Ibuprofen, "ibuprofen", &[]),
    (Kind::Cyclobenzaprine, "cyclobenzaprine", &[]),
    (Kind::Tizanidine, "tizanidine", &[]),
    (
        Kind::LocalAnaesthetic,
        "local_anaesthetic",
        &["local_anesthetic", "lidocaine"],
    ),
    (Kind::Ultrasound, "ultrasound", &["therapeutic_ultrasound"]),
    (
        Kind::EarlyMovement,
        "early_movement",
        &["stay_active", "usual_activity"],
    ),
    (Kind::BedRest, "bed_rest", &[]),
    (Kind::Cuff, "cuff", &["ischemia_cuff", "ischaemia_cuff"]),
    (
        Kind::SustainedContraction,
        "sustained_contraction",
        &["voluntary_contraction"],
    ),
    (
        Kind::ExperimentalPain,
        "experimental_pain",
        &["hypertonic_saline"],
    ),
];

/// The canonical names of every kind of trigger or intervention.
///
/// ```
/// let names = spasm::protocol::catalogue::kind_names();
/// assert!(names.contains(&"hot_pack") && names.contains(&"experimental_pain"));
/// ```
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|(_, n, _)| *n).collect()
}

/// Every name and alias, canonical names first within each kind.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    KINDS
        .iter()
        .flat_map(|(_, n, a)| std::iter::once(*n).chain(a.iter().copied()))
}

/// The schedule keys every kind accepts (NONMEM/mrgsolve vocabulary, rules s01–s05).
pub const REPEAT_KEYS: &[&str] = &["at", "start", "every", "count", "until"];

impl Kind {
    /// The kind a name (already lower-cased, spaces and dashes as underscores) or
    /// alias stands for, with its canonical name.
    pub fn lookup(name: &str) -> Option<(Kind, &'static str)> {
        KINDS
            .iter()
            .find(|(_, n, aliases)| *n == name || aliases.contains(&name))
            .map(|&(k, n, _)| (k, n))
    }

    /// Keys an entry of this kind accepts, `kind` included.
    pub fn keys(self) -> Vec<&'static str> {
        let specific: &[&str] = match self {
            Kind::Injury => &["size"],
            Kind::Effort | Kind::SustainedContraction | Kind::Stress => &["duration", "level"],
            Kind::DiscHerniation => return vec!["kind", "at", "start", "rate", "size", "duration"],
            Kind::Stretching => &["reps", "hold", "rest"],
            Kind::HotPack | Kind::HotBath | Kind::HeatWrap => &["duration", "temperature"],
            Kind::Massage | Kind::BedRest => &["duration"],
            Kind::ElectricalStimulation => &["duration", "intensity"],
            Kind::Tens => &["duration", "strength"],
            Kind::Ibuprofen | Kind::Cyclobenzaprine | Kind::Tizanidine | Kind::LocalAnaesthetic => {
                &["dose"]
            }
            Kind::Ultrasound => &["duration", "intensity", "frequency"],
            Kind::EarlyMovement => {
                return vec!["kind", "at", "start", "until", "from", "to", "activity"]
            }
            Kind::Cuff => &["duration", "pressure"],
            Kind::ExperimentalPain => &["duration", "level"],
        };
        let mut v = vec!["kind"];
        v.extend_from_slice(REPEAT_KEYS);
        v.extend_from_slice(specific);
        v
    }
}

/// Defaults of keys left out (docs/scenarios.md, rule f12), in canonical units.
pub mod defaults {
    use super::{DAY, HOUR, MINUTE};

    /// Skin-side temperature of a hydrocollator hot pack under towels, °C (calibrated
    /// against model.md target 6: +3–4 °C at 1 cm after 15–20 min, Draper 1998).
    pub const HOT_PACK_C: f64 = 43.0;
    /// Skin-side temperature of a hot bath or heat wrap, °C.
    pub const WARM_C: f64 = 40.0;
    /// Hot-pack and hot-bath session, s.
    pub const HEAT_SESSION_S: f64 = 20.0 * MINUTE;
    /// Heat-wrap session, s (low-level heat worn for a working day).
    pub const HEAT_WRAP_SESSION_S: f64 = 8.0 * HOUR;
    /// Massage session, s.
    pub const MASSAGE_SESSION_S: f64 = 10.0 * MINUTE;
    /// Bed-rest period, s.
    pub const BED_REST_S: f64 = 2.0 * DAY;
    /// Electrical-stimulation session, s.
    pub const ES_SESSION_S: f64 = 20.0 * MINUTE;
    /// TENS strength, 0–1.
    pub const TENS_STRENGTH: f64 = 1.0;
    /// TENS session, s.
    pub const TENS_SESSION_S: f64 = 30.0 * MINUTE;
    /// Ultrasound intensity, W/cm².
    pub const ULTRASOUND_W_PER_CM2: f64 = 1.5;
    /// Ultrasound frequency, MHz.
    pub const ULTRASOUND_MHZ: f64 = 3.0;
    /// Ultrasound session, s.
    pub const ULTRASOUND_SESSION_S: f64 = 5.0 * MINUTE;
    /// Static stretches per session.
    pub const STRETCH_REPS: usize = 3;
    /// One static stretch, s (Budini et al.: 60 s).
    pub const STRETCH_HOLD_S: f64 = 60.0;
    /// Rest between stretches, s.
    pub const STRETCH_REST_S: f64 = 30.0;
    /// Nociceptor activity of experimental pain (0–1): with the healthy set's pain
    /// sensitivity it gives ≈ 5 NRS, the typical rating after 0.5 mL of 5.8 %
    /// hypertonic saline (Graven-Nielsen 1997; Svensson et al. 1998).
    pub const EXPERIMENTAL_PAIN_LEVEL: f64 = 0.5;
    /// Experimental-pain infusion, s.
    pub const EXPERIMENTAL_PAIN_SESSION_S: f64 = 10.0 * MINUTE;
    /// Daily activity window of early movement: from, s after midnight.
    pub const DAILY_FROM_S: f64 = 8.0 * HOUR;
    /// Daily activity window of early movement: to, s after midnight.
    pub const DAILY_TO_S: f64 = 22.0 * HOUR;
    /// Activity level of early movement (walking-level pump ≈ 0.3 of full), 0–1.
    pub const DAILY_ACTIVITY: f64 = 0.3;
}

/// Limits every scenario is checked against (docs/scenarios.md).
pub mod limits {
    use super::{DAY, HOUR, MINUTE};

    /// Longest run and longest settling period accepted, s (one year, 365.25 d).
    pub const MAX_DURATION: f64 = 365.25 * DAY;
    /// Shortest session, hold, interval or solver step accepted, s (1 ms).
    pub const SHORTEST: f64 = 1e-3;
    /// Most output samples per arm (memory guard).
    pub const MAX_SAMPLES: usize = 200_000;
    /// Most sessions or doses one schedule entry may expand to.
    pub const MAX_OCCURRENCES: usize = 10_000;
    /// Most sessions, holds and doses one arm may hold (triggers included).
    pub const MAX_SCHEDULED: usize = 20_000;
    /// Largest single dose accepted, mg.
    pub const MAX_DOSE_MG: f64 = 10_000.0;
    /// Deepest temperature that can be requested as an output, cm.
    pub const MAX_DEPTH_CM: f64 = 10.0;
    /// Highest skin-side temperature of a heat source, °C.
    pub const MAX_HEAT_C: f64 = 50.0;
    /// Highest ultrasound intensity, W/cm².
    pub const MAX_ULTRASOUND_W_PER_CM2: f64 = 3.0;
    /// Ultrasound frequencies accepted, MHz.
    pub const ULTRASOUND_MHZ_RANGE: (f64, f64) = (1.0, 3.0);
    /// Highest cuff pressure, mmHg.
    pub const MAX_CUFF_MMHG: f64 = 300.0;
    /// Most stretches per session.
    pub const MAX_STRETCH_REPS: i64 = 20;
    /// Longest single stretch, s.
    pub const MAX_STRETCH_HOLD_S: f64 = 10.0 * MINUTE;
    /// Longest rest between stretches, s.
    pub const MAX_STRETCH_REST_S: f64 = HOUR;
    /// Highest persistent injury source, 1/s (10 per day).
    pub const MAX_DISC_RATE: f64 = 10.0 / DAY;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_and_found() {
        let all: Vec<&str> = all_names().collect();
        for (i, n) in all.iter().enumerate() {
            assert!(!all[..i].contains(n), "{n} twice");
            assert!(Kind::lookup(n).is_some(), "{n}");
        }
        assert_eq!(Kind::lookup("lidocaine").unwrap().1, "local_anaesthetic");
        assert!(Kind::lookup("yoga").is_none());
        assert!(Kind::HotPack.keys().contains(&"temperature"));
    }
}
