//! Scheduled inputs as the equations see them: plain numbers of the parameter type
//! (`f64` when simulating, named symbols in the symbolic form, SBML parameters that
//! events change). [`Drivers`](super::Drivers) is the schedule-facing form; it
//! converts to [`Inputs`] with [`Drivers::inputs`](super::Drivers::inputs).

macro_rules! inputs {
    ($( $(#[$doc:meta])* $name:ident : $unit:literal, $meaning:literal; )*) => {
        /// The scheduled inputs of one schedule segment, in canonical units.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Inputs<C> {
            $( $(#[$doc])* pub $name: C, )*
        }

        impl<C: Copy> Inputs<C> {
            /// Every input's (name, canonical unit, meaning), in field order.
            pub const NAMES: &'static [(&'static str, &'static str, &'static str)] =
                &[ $( (stringify!($name), $unit, $meaning) ),* ];

            /// Build from a function of the input's name.
            pub fn from_fn(mut f: impl FnMut(&'static str) -> C) -> Self {
                Self { $( $name: f(stringify!($name)), )* }
            }

            /// Every input's value, in [`Inputs::NAMES`] order.
            pub fn values(&self) -> Vec<C> {
                vec![ $( self.$name ),* ]
            }
        }
    };
}

inputs! {
    /// Electrically evoked activation, fraction of (current) capacity.
    es_activation: "MVC", "electrically evoked activation, fraction of MVC (of current capacity)";
    /// External pressure on the muscle (cuff, posture), mmHg.
    cuff_pressure: "mmHg", "external pressure on the muscle (cuff, posture)";
    /// Rhythmic activity driving the muscle pump, 0 (bed rest) – 1 (walking).
    activity: "1", "rhythmic activity driving the muscle pump, 0 (bed rest) to 1 (walking)";
    /// Extra drive from emotional stress, fraction of MVC.
    stress_drive: "MVC", "extra drive from emotional stress, fraction of MVC";
    /// 1 while a heat source is on the skin, else 0.
    skin_heat_on: "1", "1 while a heat source is on the skin, else 0";
    /// Temperature of the heat source on the skin, °C (used while `skin_heat_on` = 1).
    skin_heat: "°C", "temperature of the heat source on the skin (used while skin_heat_on = 1)";
    /// Therapeutic ultrasound intensity, W/cm².
    us_intensity: "W/cm2", "therapeutic ultrasound intensity";
    /// Therapeutic ultrasound frequency, MHz.
    us_frequency: "MHz", "therapeutic ultrasound frequency";
    /// TENS strength, 0–1.
    tens: "1", "TENS strength, 0-1";
    /// Static stretch under way, 0 or 1.
    stretch: "1", "static stretch under way, 0 or 1";
    /// Massage under way, 0 or 1.
    massage: "1", "massage under way, 0 or 1";
    /// Target of a sustained voluntary contraction, fraction of MVC (0 = none).
    voluntary: "MVC", "target of a sustained voluntary contraction, fraction of MVC (0 = none)";
    /// Extra injury source (disc herniation trigger), 1/s.
    disc_source: "1/s", "extra injury source (disc herniation trigger)";
    /// Experimental (hypertonic-saline-like) nociceptor activity, 0–1.
    exp_pain: "1", "experimental nociceptor activity (hypertonic saline), 0-1";
}
