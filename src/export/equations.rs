//! The model's equations (docs/model.md §4) as expression trees over SBML
//! identifiers: the same arithmetic, in the same order, with the same branch logic
//! in the smooth helpers as `src/model/` (`rhs_generic`, `algebraic`,
//! `smooth.rs`), so an SBML simulator reproduces spasm's trajectories.
//!
//! Identifiers: states by their CSV names ([`crate::model::STATE_NAMES`]),
//! parameters by their [`Params`](crate::params::Params) field names, drivers by
//! [`DRIVER_NAMES`], and the algebraic quantities below (those that are CSV columns
//! keep the CSV name: `a_tot`, `p_im`, `g`, `Q`, `K`, `phi`, `n`, `spindle`, `relax`,
//! `cox`, `c_ibu`, `c_cbz`, `c_tiz`).

use super::math::{exp, id, ln, num, piecewise, pow, qty, rel, Expr, Rel};
use crate::model::{Drivers, NS, STATE_NAMES};

/// One defined quantity: identifier, canonical unit, meaning, defining expression.
#[derive(Debug, Clone)]
pub struct Definition {
    /// SBML identifier.
    pub id: &'static str,
    /// Canonical unit (as in `Params::NAMES`, e.g. `"mmHg"`, `"1/s"`).
    pub unit: &'static str,
    /// What it is.
    pub meaning: &'static str,
    /// The formula.
    pub expr: Expr,
}

/// The whole model as definitions.
#[derive(Debug, Clone)]
pub struct Equations {
    /// Constants derived from parameters (SBML initial assignments): `o_art`,
    /// `t_ref`, `k_13`, `k_core`, in `Model::new`'s order.
    pub derived_constants: Vec<Definition>,
    /// Algebraic quantities (SBML assignment rules), in dependency order.
    pub assignments: Vec<Definition>,
    /// `d(state)/dt` for every state, in [`STATE_NAMES`] order (SBML rate rules);
    /// `unit` is the state's unit (the rate is that per second).
    pub rates: Vec<Definition>,
}

/// The scheduled inputs as SBML parameters (constant = false, changed by events):
/// `(id, canonical unit, meaning)`. A heat source is two parameters: `skin_heat_on`
/// (0/1) and `skin_heat` (°C, used while on).
pub const DRIVER_NAMES: [(&str, &str, &str); 13] = [
    (
        "es_activation",
        "MVC",
        "electrically evoked activation, fraction of MVC (of current capacity)",
    ),
    (
        "cuff_pressure",
        "mmHg",
        "external pressure on the muscle (cuff, posture)",
    ),
    (
        "activity",
        "1",
        "rhythmic activity driving the muscle pump, 0 (bed rest) to 1 (walking)",
    ),
    (
        "stress_drive",
        "MVC",
        "extra drive from emotional stress, fraction of MVC",
    ),
    (
        "skin_heat_on",
        "1",
        "1 while a heat source is on the skin, else 0",
    ),
    (
        "skin_heat",
        "°C",
        "temperature of the heat source on the skin (used while skin_heat_on = 1)",
    ),
    ("us_intensity", "W/cm2", "therapeutic ultrasound intensity"),
    (
        "us_frequency",
        "MHz",
        "therapeutic ultrasound frequency (clamped to 1-3 MHz)",
    ),
    ("tens", "1", "TENS strength, 0-1"),
    ("stretch", "1", "static stretch under way, 0 or 1"),
    ("massage", "1", "massage under way, 0 or 1"),
    (
        "voluntary",
        "MVC",
        "target of a sustained voluntary contraction, fraction of MVC (0 = none)",
    ),
    (
        "disc_source",
        "1/s",
        "extra injury source (disc herniation trigger)",
    ),
];

/// Driver values in [`DRIVER_NAMES`] order (a heat source that is off gives
/// `skin_heat_on = 0`, `skin_heat = 0`).
pub fn driver_values(d: &Drivers) -> [f64; 13] {
    [
        d.es_activation,
        d.cuff_pressure,
        d.activity,
        d.stress_drive,
        if d.skin_heat.is_some() { 1.0 } else { 0.0 },
        d.skin_heat.unwrap_or(0.0),
        d.us_intensity,
        d.us_frequency,
        d.tens,
        d.stretch,
        d.massage,
        d.voluntary,
        d.disc_source,
    ]
}

/// `softplus_w(x) = w·ln(1 + e^{x/w})` with the branches of `smooth::softplus`
/// (x itself above x/w = 30, `w·e^{x/w}` below −30: no overflow).
pub fn softplus(x: Expr, w: Expr) -> Expr {
    let z = x.clone() / w.clone();
    piecewise(
        vec![
            (x, rel(Rel::Gt, z.clone(), num(30.0))),
            (
                exp(z.clone()) * w.clone(),
                rel(Rel::Lt, z.clone(), num(-30.0)),
            ),
        ],
        ln(num(1.0) + exp(z)) * w,
    )
}

/// C¹ smoothstep: 0 for x ≤ 0, 1 for x ≥ 1, `x·x·(3 − 2x)` between.
pub fn smoothstep(x: Expr) -> Expr {
    piecewise(
        vec![
            (num(0.0), rel(Rel::Leq, x.clone(), num(0.0))),
            (num(1.0), rel(Rel::Geq, x.clone(), num(1.0))),
        ],
        x.clone() * x.clone() * (num(3.0) - x * num(2.0)),
    )
}

/// Hill function `x^h/(x^h + k^h)`, 0 for x ≤ 0; `unit` is the SBML unit id of x.
pub fn hill(x: Expr, k: Expr, h: Expr, unit: &'static str) -> Expr {
    let xh = pow(x.clone(), h.clone());
    piecewise(
        vec![(num(0.0), rel(Rel::Leq, x, qty(0.0, unit)))],
        xh.clone() / (xh + pow(k, h)),
    )
}

fn def(id: &'static str, unit: &'static str, meaning: &'static str, expr: Expr) -> Definition {
    Definition {
        id,
        unit,
        meaning,
        expr,
    }
}

/// The model's equations. Pure data; the same for every parameter set.
pub fn equations() -> Equations {
    let i = id;
    let c = num;
    let one = || c(1.0);

    let derived_constants = vec![
        def(
            "o_art",
            "1",
            "arterial oxygen level that makes O = 1 at rest",
            one() + i("consumption_ratio") * (i("d0") + i("d1") * i("u0")) / (one() + i("k_c")),
        ),
        def(
            "k_13",
            "1/s",
            "1 cm <-> 3 cm conduction rate that holds the resting temperature profile",
            -(i("k_skin") * (i("t_skin") - i("t1_rest"))
                + i("k_blood") * (i("t_core") - i("t1_rest")))
                / (i("t3_rest") - i("t1_rest")),
        ),
        def(
            "k_core",
            "1/s",
            "3 cm <-> core conduction rate that holds the resting temperature profile",
            -(i("k_13") * (i("t1_rest") - i("t3_rest"))
                + i("k_blood") * (i("t_core") - i("t3_rest")))
                / (i("t_core") - i("t3_rest")),
        ),
        def(
            "t_ref",
            "°C",
            "resting mean tissue temperature (t1_rest + t3_rest)/2",
            c(0.5) * (i("t1_rest") + i("t3_rest")),
        ),
    ];

    let mut a: Vec<Definition> = Vec::new();
    let mut push = |id, unit, meaning, expr| a.push(def(id, unit, meaning, expr));
    push(
        "a_tot",
        "MVC",
        "total activation including evoked",
        i("a") + i("cap") * i("es_activation"),
    );
    push(
        "p_im",
        "mmHg",
        "intramuscular pressure",
        i("a_tot") * i("k_p") + i("H") * i("k_edema") + i("p0") + i("cuff_pressure"),
    );
    push(
        "p_rel",
        "1",
        "position of p_im between the onset of compression and full occlusion",
        (i("p_im") - i("p_on")) / (i("p_art") - i("p_on")),
    );
    push(
        "g",
        "1",
        "perfusion fraction (1 - smoothstep(p_rel))",
        one() - smoothstep(i("p_rel")),
    );
    push(
        "T_mean",
        "°C",
        "mean muscle temperature (T1 + T3)/2",
        (i("T1") + i("T3")) * c(0.5),
    );
    push(
        "V",
        "1",
        "vasodilation factor (metabolic and thermal)",
        (one() + i("M") * i("M") * i("v_max") / (i("M") * i("M") + i("k_v") * i("k_v")))
            * exp(
                (i("T_mean") - i("t_ref")) * (c(std::f64::consts::LN_2) / i("flow_doubling_temp"))
            ),
    );
    push(
        "Q",
        "1",
        "blood flow relative to rest",
        i("V") * i("g") * (one() + i("pump_gain") * i("activity")),
    );
    push(
        "D",
        "1",
        "ATP demand relative to rest",
        i("a_tot") * i("d1") + i("d0"),
    );
    push(
        "phi",
        "1",
        "energy deficit",
        pow(i("k_o"), i("h_o")) / (pow(i("O"), i("h_o")) + pow(i("k_o"), i("h_o"))),
    );
    push(
        "K",
        "mM",
        "interstitial K+ (k_rest + M)",
        i("k_rest") + i("M"),
    );
    push(
        "K_eff",
        "mM",
        "sensitised half-point of metabolite nociception",
        (one() - i("S") * i("s_max") / (i("S") + i("k_s"))) * i("k_n"),
    );
    push(
        "block",
        "1",
        "fraction of afferent signal left by the local anaesthetic",
        one() - i("la_depot") / (i("la_depot") + i("la_ec50")),
    );
    push(
        "n_met",
        "1",
        "metabolite nociception after block",
        hill(i("M"), i("K_eff"), i("h_n"), "mM")
            * (i("phi") * (one() - i("eps_met")) + i("eps_met"))
            * i("block"),
    );
    push(
        "n_tis",
        "1",
        "tissue nociception after block",
        i("H") * i("w_h") / (i("H") * i("w_h") + one()) * i("block"),
    );
    push(
        "n",
        "1",
        "total nociceptor activity",
        one() - (one() - i("n_met")) * (one() - i("n_tis")),
    );
    push(
        "c_ibu",
        "mg/L",
        "ibuprofen plasma concentration",
        i("ibu_central") / i("ibu_v"),
    );
    push(
        "c_cbz",
        "ng/mL",
        "cyclobenzaprine plasma concentration",
        i("cbz_central") / i("cbz_v") * qty(1000.0, "ng_per_mL_per_mg_per_L"),
    );
    push(
        "c_tiz",
        "ng/mL",
        "tizanidine plasma concentration",
        i("tiz_central") / i("tiz_v") * qty(1000.0, "ng_per_mL_per_mg_per_L"),
    );
    push(
        "cox",
        "1",
        "COX activity left",
        one() - i("c_ibu") * i("cox_imax") / (i("c_ibu") + i("cox_ic50")),
    );
    push(
        "r",
        "1",
        "relaxant occupancy ratio C_cbz/cbz_ec50 + C_tiz/tiz_ec50",
        i("cbz_central") / i("cbz_v") / i("cbz_ec50")
            + i("tiz_central") / i("tiz_v") / i("tiz_ec50"),
    );
    push(
        "relax",
        "1",
        "relaxant effect E_relax",
        i("r") * i("relax_emax") / (i("r") + one()),
    );
    push(
        "warm",
        "°C",
        "smooth positive part of tissue warming above rest",
        softplus(i("T_mean") - i("t_ref"), i("heat_softness"))
            - softplus(qty(0.0, "degC"), i("heat_softness")),
    );
    push(
        "spindle",
        "1",
        "spindle gain s (1 = rest)",
        (one() - i("X") * i("stretch_max"))
            * (one() - i("Y") * i("massage_max"))
            * (one() - i("warm") * i("heat_spindle"))
            * (one() - i("relax")),
    );
    push(
        "G_eff",
        "MVC",
        "effective fusimotor gain",
        (one() + i("H") * i("gain_injury")) * i("gain_gamma"),
    );
    push(
        "u_refl",
        "MVC",
        "reflex drive",
        i("G_eff") * i("spindle") * i("gamma") + i("H") * i("u_guard")
            - i("n_tis") * i("alpha_adapt")
            + i("u0")
            + i("u_stress_tonic")
            + i("stress_drive"),
    );
    push(
        "u",
        "MVC",
        "neural drive before saturation (reflex, or holding a voluntary target)",
        piecewise(
            vec![(
                i("u_refl")
                    + softplus(i("voluntary") / i("cap") - i("u_refl"), i("drive_softness")),
                rel(Rel::Gt, i("voluntary"), c(0.0)),
            )],
            i("u_refl"),
        ),
    );
    push(
        "u_sat",
        "MVC",
        "drive after the smooth positive part and saturation at 1",
        one()
            - softplus(
                one() - softplus(i("u"), i("drive_softness")),
                i("drive_softness"),
            ),
    );
    push(
        "gate",
        "1",
        "pain gate left open by TENS",
        one() - i("tens_max") * i("tens"),
    );
    push(
        "pain_target",
        "NRS",
        "pain level P relaxes to",
        (one()
            - exp(-((i("n") * (one() + i("Z") * i("c_z")) + i("Z") * i("z_pain")) * i("kappa"))))
            * (c(10.0) * i("gate")),
    );
    push(
        "T_s",
        "°C",
        "skin surface temperature (heat source or t_skin)",
        piecewise(
            vec![(i("skin_heat"), rel(Rel::Gt, i("skin_heat_on"), c(0.5)))],
            i("t_skin"),
        ),
    );
    push(
        "us_f",
        "MHz",
        "ultrasound frequency clamped to 1-3 MHz",
        piecewise(
            vec![
                (
                    qty(1.0, "MHz"),
                    rel(Rel::Lt, i("us_frequency"), qty(1.0, "MHz")),
                ),
                (
                    qty(3.0, "MHz"),
                    rel(Rel::Gt, i("us_frequency"), qty(3.0, "MHz")),
                ),
            ],
            i("us_frequency"),
        ),
    );
    push(
        "q_us",
        "°C/s",
        "deep heating rate by ultrasound",
        (i("us_heat_1mhz")
            + (i("us_heat_3mhz") - i("us_heat_1mhz")) * (i("us_f") - qty(1.0, "MHz"))
                / qty(2.0, "MHz"))
            * i("us_intensity"),
    );

    let mut rates: Vec<Option<Definition>> = vec![None; NS];
    let mut set = |state: &'static str, meaning: &'static str, expr: Expr| {
        let k = STATE_NAMES
            .iter()
            .position(|(n, _)| *n == state)
            .expect("a state name");
        rates[k] = Some(def(state, STATE_NAMES[k].1, meaning, expr));
    };
    set(
        "a",
        "contraction",
        (i("u_sat") * i("cap") - i("a")) / i("tau_a"),
    );
    set(
        "cap",
        "capacity left after fatigue",
        (one() - i("cap")) * i("g") * i("recovery_rate")
            - (i("a") * i("fatigue_rate") + i("es_fatigue_rate") * i("es_activation")) * i("cap"),
    );
    set(
        "gamma",
        "fusimotor bias",
        (hill(
            i("n_met") * i("w1") + i("gamma") * i("w2"),
            i("k_gamma"),
            i("h_gamma"),
            "dimensionless",
        ) - i("gamma"))
            / i("tau_gamma"),
    );
    set(
        "O",
        "tissue oxygenation",
        i("Q") * (i("o_art") - i("O")) * i("k_supply")
            - i("D") * i("O") / (i("O") + i("k_c")) * (i("consumption_ratio") * i("k_supply")),
    );
    set(
        "M",
        "metabolite load",
        i("D") * i("phi") * i("beta0") + i("a_tot") * i("beta1") - i("Q") * i("M") / i("tau_w"),
    );
    set(
        "S",
        "sensitising mediators",
        i("cox") * (i("M") * i("sigma_m") + i("H") * i("sigma_h")) - i("S") / i("tau_s"),
    );
    set(
        "P",
        "perceived pain",
        (i("pain_target") - i("P")) / i("tau_p"),
    );
    set(
        "Z",
        "central sensitisation",
        (i("n") + hill(i("Z"), i("k_zh"), i("h_z"), "dimensionless") * i("w_z"))
            * (one() - i("Z"))
            * i("k_z")
            - i("Z") / i("tau_z"),
    );
    set(
        "T1",
        "muscle temperature at 1 cm",
        (i("T_s") - i("T1")) * i("k_skin")
            + (i("T3") - i("T1")) * i("k_13")
            + i("Q") * (i("t_core") - i("T1")) * i("k_blood"),
    );
    set(
        "T3",
        "muscle temperature at 3 cm",
        (i("T1") - i("T3")) * i("k_13")
            + (i("t_core") - i("T3")) * i("k_core")
            + i("Q") * (i("t_core") - i("T3")) * i("k_blood")
            + i("q_us"),
    );
    set(
        "H",
        "injury / inflammation",
        i("h_disc") + i("disc_source") - i("H") / i("tau_heal"),
    );
    set(
        "X",
        "stretch after-effect",
        (one() - i("X")) * (i("stretch") / i("tau_x_on"))
            - i("X") * ((one() - i("stretch")) / i("tau_x_off")),
    );
    set(
        "Y",
        "massage after-effect",
        (one() - i("Y")) * (i("massage") / i("tau_y_on"))
            - i("Y") * ((one() - i("massage")) / i("tau_y_off")),
    );
    for [gut, cen, ka, cl, v] in [
        ["ibu_gut", "ibu_central", "ibu_ka", "ibu_cl", "ibu_v"],
        ["cbz_gut", "cbz_central", "cbz_ka", "cbz_cl", "cbz_v"],
        ["tiz_gut", "tiz_central", "tiz_ka", "tiz_cl", "tiz_v"],
    ] {
        set(
            gut,
            "oral drug in the gut (bioavailable amount)",
            -(i(gut) * i(ka)),
        );
        set(
            cen,
            "oral drug in the central compartment",
            i(gut) * i(ka) - i(cen) * (i(cl) / i(v)),
        );
    }
    set(
        "la_depot",
        "local anaesthetic at the injection site",
        -(i("la_depot") / i("la_tau")),
    );
    Equations {
        derived_constants,
        assignments: a,
        rates: rates
            .into_iter()
            .map(|r| r.expect("every state has a rate"))
            .collect(),
    }
}
