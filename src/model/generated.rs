//! @generated from the equations of `src/model/` by
//! `spasm::report::exchange::rust_module` (spasm 0.1.0); do not edit. Regenerate with
//! `SPASM_UPDATE_DOCS=1 cargo test --release --test docs_generated`, which also
//! checks that this file is fresh.
//!
//! The right-hand side and its Jacobian as straight-line code over `f64`: the
//! same equations as the generic mechanisms (each common subexpression computed
//! once, each derivative differentiated branch for branch by
//! `crate::model::symbolic::derivatives`), without the generic number types.
//! Length: 1270 lines, generated.

#![allow(clippy::all, clippy::pedantic, unused_parens, unused_variables)]

use super::params::Params;
use super::scalar::{slopes, Real};
use super::{Inputs, NS};

/// The number of derived constants [`rhs`] and [`rhs_and_jacobian`] read (in
/// `Derived::NAMES` order).
pub(crate) const DERIVED: usize = 6;

/// The number of structural nonzeros of ∂f/∂y.
pub const JACOBIAN_NONZEROS: usize = 88;

/// Structural nonzeros of ∂f/∂y as (row, column), row-major: the entries of
/// [`rhs_and_jacobian`]'s Jacobian.
pub(crate) const JACOBIAN_PATTERN: [(usize, usize); JACOBIAN_NONZEROS] = [
    (0, 0), // da/da
    (0, 1), // da/dcap
    (0, 2), // da/dgamma
    (0, 8), // da/dT1
    (0, 9), // da/dT2
    (0, 10), // da/dT3
    (0, 11), // da/dH
    (0, 12), // da/dX
    (0, 13), // da/dY
    (0, 17), // da/dcbz_central
    (0, 19), // da/dtiz_central
    (0, 20), // da/dla_depot
    (1, 0), // dcap/da
    (1, 1), // dcap/dcap
    (1, 11), // dcap/dH
    (2, 2), // dgamma/dgamma
    (2, 3), // dgamma/dO
    (2, 4), // dgamma/dM
    (2, 5), // dgamma/dS
    (2, 11), // dgamma/dH
    (2, 20), // dgamma/dla_depot
    (3, 0), // dO/da
    (3, 1), // dO/dcap
    (3, 3), // dO/dO
    (3, 4), // dO/dM
    (3, 8), // dO/dT1
    (3, 9), // dO/dT2
    (3, 10), // dO/dT3
    (3, 11), // dO/dH
    (4, 0), // dM/da
    (4, 1), // dM/dcap
    (4, 3), // dM/dO
    (4, 4), // dM/dM
    (4, 8), // dM/dT1
    (4, 9), // dM/dT2
    (4, 10), // dM/dT3
    (4, 11), // dM/dH
    (5, 4), // dS/dM
    (5, 5), // dS/dS
    (5, 11), // dS/dH
    (5, 15), // dS/dibu_central
    (6, 3), // dP/dO
    (6, 4), // dP/dM
    (6, 5), // dP/dS
    (6, 6), // dP/dP
    (6, 7), // dP/dZ
    (6, 11), // dP/dH
    (6, 20), // dP/dla_depot
    (7, 3), // dZ/dO
    (7, 4), // dZ/dM
    (7, 5), // dZ/dS
    (7, 7), // dZ/dZ
    (7, 11), // dZ/dH
    (7, 20), // dZ/dla_depot
    (8, 0), // dT1/da
    (8, 1), // dT1/dcap
    (8, 4), // dT1/dM
    (8, 8), // dT1/dT1
    (8, 9), // dT1/dT2
    (8, 10), // dT1/dT3
    (8, 11), // dT1/dH
    (9, 0), // dT2/da
    (9, 1), // dT2/dcap
    (9, 4), // dT2/dM
    (9, 8), // dT2/dT1
    (9, 9), // dT2/dT2
    (9, 10), // dT2/dT3
    (9, 11), // dT2/dH
    (10, 0), // dT3/da
    (10, 1), // dT3/dcap
    (10, 4), // dT3/dM
    (10, 8), // dT3/dT1
    (10, 9), // dT3/dT2
    (10, 10), // dT3/dT3
    (10, 11), // dT3/dH
    (11, 11), // dH/dH
    (12, 12), // dX/dX
    (13, 13), // dY/dY
    (14, 14), // dibu_gut/dibu_gut
    (15, 14), // dibu_central/dibu_gut
    (15, 15), // dibu_central/dibu_central
    (16, 16), // dcbz_gut/dcbz_gut
    (17, 16), // dcbz_central/dcbz_gut
    (17, 17), // dcbz_central/dcbz_central
    (18, 18), // dtiz_gut/dtiz_gut
    (19, 18), // dtiz_central/dtiz_gut
    (19, 19), // dtiz_central/dtiz_central
    (20, 20), // dla_depot/dla_depot
];

/// dy/dt at `y` under inputs `u`.
pub(crate) fn rhs(p: &Params, d: &[f64; DERIVED], u: &Inputs<f64>, y: &[f64; NS]) -> [f64; NS] {
    let v263 = y[12] * p.stretch_max;
    let v264 = 1.0 - v263;
    let v265 = y[13] * p.massage_max;
    let v266 = 1.0 - v265;
    let v267 = v264 * v266;
    let v193 = y[8] + y[9];
    let v194 = v193 + y[10];
    let v195 = v194 / 3.0;
    let v216 = v195 - d[5];
    let v260 = <f64 as Real<f64>>::softplus(v216, p.heat_softness);
    let v261 = p.heat_softness * 0.6931471805599453;
    let v262 = v260 - v261;
    let v268 = v262 * p.heat_spindle;
    let v269 = 1.0 - v268;
    let v270 = v267 * v269;
    let v178 = y[17] / p.cbz_v;
    let v184 = v178 / p.cbz_ec50;
    let v179 = y[19] / p.tiz_v;
    let v185 = v179 / p.tiz_ec50;
    let v186 = v184 + v185;
    let v187 = v186 * p.relax_emax;
    let v188 = v186 + 1.0;
    let v189 = v187 / v188;
    let v271 = 1.0 - v189;
    let v272 = v270 * v271;
    let v274 = v272 * y[2];
    let v275 = v274 * p.gain_gamma;
    let v246 = y[11] * p.w_h;
    let v247 = v246 + 1.0;
    let v248 = v246 / v247;
    let v190 = y[20] + p.la_ec50;
    let v191 = y[20] / v190;
    let v192 = 1.0 - v191;
    let v249 = v248 * v192;
    let v250 = v192 * u.exp_pain;
    let v273 = v249 + v250;
    let v276 = v273 * p.alpha_adapt;
    let v277 = v275 - v276;
    let v278 = v277 + p.u0;
    let v279 = v278 + p.u_stress_tonic;
    let v280 = v279 + u.stress_drive;
    let v281 = 1.0 / y[1];
    let v282 = v281 * u.voluntary;
    let v283 = v282 - v280;
    let v284 = <f64 as Real<f64>>::softplus(v283, p.drive_softness);
    let v285 = v280 + v284;
    let v286 = if u.voluntary > 0.0 { v285 } else { v280 };
    let v288 = <f64 as Real<f64>>::softplus(v286, p.drive_softness);
    let v289 = 1.0 - v288;
    let v290 = <f64 as Real<f64>>::softplus(v289, p.drive_softness);
    let v291 = 1.0 - v290;
    let v292 = v291 * y[1];
    let v293 = v292 - y[0];
    let v294 = v293 / p.tau_a;
    let v295 = 1.0 - y[1];
    let v196 = y[1] * u.es_activation;
    let v197 = y[0] + v196;
    let v198 = p.mvc_force / p.mvc_force_ref;
    let v199 = p.k_p * v198;
    let v200 = v197 * v199;
    let v201 = y[11] * p.k_edema;
    let v202 = v200 + v201;
    let v203 = v202 + p.p0;
    let v204 = v203 + u.cuff_pressure;
    let v205 = v204 - p.p_on;
    let v206 = p.p_art - p.p_on;
    let v207 = v205 / v206;
    let v208 = <f64 as Real<f64>>::smoothstep(v207);
    let v209 = 1.0 - v208;
    let v296 = v295 * v209;
    let v297 = v296 * p.recovery_rate;
    let v298 = y[0] * p.fatigue_rate;
    let v299 = v297 - v298;
    let v300 = u.es_activation * p.es_fatigue_rate;
    let v301 = y[1] * v300;
    let v302 = v299 - v301;
    let v235 = y[5] * p.s_max;
    let v236 = y[5] + p.k_s;
    let v237 = v235 / v236;
    let v238 = 1.0 - v237;
    let v239 = v238 * p.k_n;
    let v240 = <f64 as Real<f64>>::hill(y[4], v239, p.h_n);
    let v232 = <f64 as Real<f64>>::pow(p.k_o, p.h_o);
    let v231 = <f64 as Real<f64>>::pow(y[3], p.h_o);
    let v233 = v231 + v232;
    let v234 = v232 / v233;
    let v241 = 1.0 - p.eps_met;
    let v242 = v234 * v241;
    let v243 = v242 + p.eps_met;
    let v244 = v240 * v243;
    let v245 = v244 * v192;
    let v259 = y[11] * p.fac_injury;
    let v347 = v245 * v259;
    let v348 = y[2] * p.w2;
    let v349 = v347 + v348;
    let v350 = <f64 as Real<f64>>::hill(v349, p.k_gamma, p.h_gamma);
    let v351 = v350 - y[2];
    let v352 = v351 / p.tau_gamma;
    let v210 = y[4] * y[4];
    let v211 = v210 * p.v_max;
    let v212 = p.k_v * p.k_v;
    let v213 = v210 + v212;
    let v214 = v211 / v213;
    let v215 = v214 + 1.0;
    let v217 = 1.0 / p.flow_doubling_temp;
    let v219 = v217 * 0.6931471805599453;
    let v220 = v216 * v219;
    let v221 = v220.exp();
    let v222 = v215 * v221;
    let v223 = v222 * v209;
    let v224 = u.es_activation * p.es_pump;
    let v225 = u.activity + v224;
    let v226 = v225 * p.pump_gain;
    let v227 = v226 + 1.0;
    let v228 = v223 * v227;
    let v303 = d[0] - y[3];
    let v304 = v228 * v303;
    let v305 = v304 * p.k_supply;
    let v229 = v197 * p.d1;
    let v230 = v229 + p.d0;
    let v306 = v230 * y[3];
    let v307 = y[3] + p.k_c;
    let v308 = v306 / v307;
    let v309 = p.consumption_ratio * p.k_supply;
    let v310 = v308 * v309;
    let v311 = v305 - v310;
    let v312 = v230 * v234;
    let v313 = v312 * p.beta0;
    let v314 = v197 * p.beta1;
    let v315 = v313 + v314;
    let v316 = v228 * y[4];
    let v317 = v316 / p.tau_w;
    let v318 = v315 - v317;
    let v177 = y[15] / p.ibu_v;
    let v180 = v177 * p.cox_imax;
    let v181 = v177 + p.cox_ic50;
    let v182 = v180 / v181;
    let v183 = 1.0 - v182;
    let v319 = y[4] * p.sigma_m;
    let v320 = y[11] * p.sigma_h;
    let v321 = v319 + v320;
    let v322 = v183 * v321;
    let v323 = y[5] / p.tau_s;
    let v324 = v322 - v323;
    let v251 = 1.0 - v245;
    let v252 = 1.0 - v249;
    let v253 = v251 * v252;
    let v254 = 1.0 - v250;
    let v255 = v253 * v254;
    let v256 = 1.0 - v255;
    let v325 = y[7] * p.c_z;
    let v326 = v325 + 1.0;
    let v327 = v256 * v326;
    let v328 = y[7] * p.z_pain;
    let v329 = v327 + v328;
    let v330 = v329 * p.kappa;
    let v331 = -v330;
    let v332 = v331.exp();
    let v333 = 1.0 - v332;
    let v257 = p.tens_max * u.tens;
    let v258 = 1.0 - v257;
    let v334 = v333 * v258;
    let v336 = v334 * 10.0;
    let v337 = v336 - y[6];
    let v338 = v337 / p.tau_p;
    let v339 = <f64 as Real<f64>>::hill(y[7], p.k_zh, p.h_z);
    let v340 = v339 * p.w_z;
    let v341 = v256 + v340;
    let v342 = 1.0 - y[7];
    let v343 = v341 * v342;
    let v344 = v343 * p.k_z;
    let v345 = y[7] / p.tau_z;
    let v346 = v344 - v345;
    let v367 = u.skin_heat_on * u.skin_heat;
    let v368 = 1.0 - u.skin_heat_on;
    let v369 = v368 * p.t_skin;
    let v370 = v367 + v369;
    let v371 = v370 - y[8];
    let v372 = v371 * p.k_skin;
    let v377 = y[9] - y[8];
    let v378 = v377 * p.k_cond;
    let v383 = v372 + v378;
    let v384 = p.t_core - y[8];
    let v385 = v228 * v384;
    let v386 = v385 * p.k_blood;
    let v387 = v383 + v386;
    let v400 = p.us_coupling * u.us_intensity;
    let v401 = p.rho_c * p.node_spacing;
    let v402 = v400 / v401;
    let v388 = p.us_attenuation * u.us_frequency;
    let v390 = p.node_spacing * 0.5;
    let v391 = p.node_spacing - v390;
    let v392 = v388 * v391;
    let v393 = -v392;
    let v394 = v393.exp();
    let v395 = p.node_spacing + v390;
    let v396 = v388 * v395;
    let v397 = -v396;
    let v398 = v397.exp();
    let v399 = v394 - v398;
    let v403 = v402 * v399;
    let v404 = v403 + p.q_met;
    let v405 = v387 + v404;
    let v373 = y[8] - y[9];
    let v374 = v373 * p.k_cond;
    let v379 = y[10] - y[9];
    let v380 = v379 * p.k_cond;
    let v406 = v374 + v380;
    let v407 = p.t_core - y[9];
    let v408 = v228 * v407;
    let v409 = v408 * p.k_blood;
    let v410 = v406 + v409;
    let v411 = p.node_spacing * 2.0;
    let v412 = v411 - v390;
    let v413 = v388 * v412;
    let v414 = -v413;
    let v415 = v414.exp();
    let v416 = v411 + v390;
    let v417 = v388 * v416;
    let v418 = -v417;
    let v419 = v418.exp();
    let v420 = v415 - v419;
    let v421 = v402 * v420;
    let v422 = v421 + p.q_met;
    let v423 = v410 + v422;
    let v375 = y[9] - y[10];
    let v376 = v375 * p.k_cond;
    let v381 = p.t_core - y[10];
    let v382 = v381 * d[1];
    let v424 = v376 + v382;
    let v425 = v228 * v381;
    let v426 = v425 * p.k_blood;
    let v427 = v424 + v426;
    let v134 = p.node_spacing * 3.0;
    let v428 = v134 - v390;
    let v429 = v388 * v428;
    let v430 = -v429;
    let v431 = v430.exp();
    let v432 = v134 + v390;
    let v433 = v388 * v432;
    let v434 = -v433;
    let v435 = v434.exp();
    let v436 = v431 - v435;
    let v437 = v402 * v436;
    let v438 = v437 + p.q_met;
    let v439 = v427 + v438;
    let v440 = p.h_disc + u.disc_source;
    let v441 = y[11] / p.tau_heal;
    let v442 = v440 - v441;
    let v353 = 1.0 - y[12];
    let v354 = u.stretch / p.tau_x_on;
    let v355 = v353 * v354;
    let v356 = 1.0 - u.stretch;
    let v357 = v356 / p.tau_x_off;
    let v358 = y[12] * v357;
    let v359 = v355 - v358;
    let v360 = 1.0 - y[13];
    let v361 = u.massage / p.tau_y_on;
    let v362 = v360 * v361;
    let v363 = 1.0 - u.massage;
    let v364 = v363 / p.tau_y_off;
    let v365 = y[13] * v364;
    let v366 = v362 - v365;
    let v443 = y[14] * p.ibu_ka;
    let v444 = -v443;
    let v445 = p.ibu_cl / p.ibu_v;
    let v446 = y[15] * v445;
    let v447 = v443 - v446;
    let v448 = y[16] * p.cbz_ka;
    let v449 = -v448;
    let v450 = p.cbz_cl / p.cbz_v;
    let v451 = y[17] * v450;
    let v452 = v448 - v451;
    let v453 = y[18] * p.tiz_ka;
    let v454 = -v453;
    let v455 = p.tiz_cl / p.tiz_v;
    let v456 = y[19] * v455;
    let v457 = v453 - v456;
    let v458 = y[20] / p.la_tau;
    let v459 = -v458;
    [
        v294,
        v302,
        v352,
        v311,
        v318,
        v324,
        v338,
        v346,
        v405,
        v423,
        v439,
        v442,
        v359,
        v366,
        v444,
        v447,
        v449,
        v452,
        v454,
        v457,
        v459,
    ]
}

/// dy/dt at `y` under inputs `u`, and the Jacobian's entries in
/// [`JACOBIAN_PATTERN`] order.
pub(crate) fn rhs_and_jacobian(p: &Params, d: &[f64; DERIVED], u: &Inputs<f64>, y: &[f64; NS]) -> ([f64; NS], [f64; JACOBIAN_NONZEROS]) {
    let v263 = y[12] * p.stretch_max;
    let v264 = 1.0 - v263;
    let v265 = y[13] * p.massage_max;
    let v266 = 1.0 - v265;
    let v267 = v264 * v266;
    let v193 = y[8] + y[9];
    let v194 = v193 + y[10];
    let v195 = v194 / 3.0;
    let v216 = v195 - d[5];
    let v260 = <f64 as Real<f64>>::softplus(v216, p.heat_softness);
    let v261 = p.heat_softness * 0.6931471805599453;
    let v262 = v260 - v261;
    let v268 = v262 * p.heat_spindle;
    let v269 = 1.0 - v268;
    let v270 = v267 * v269;
    let v178 = y[17] / p.cbz_v;
    let v184 = v178 / p.cbz_ec50;
    let v179 = y[19] / p.tiz_v;
    let v185 = v179 / p.tiz_ec50;
    let v186 = v184 + v185;
    let v187 = v186 * p.relax_emax;
    let v188 = v186 + 1.0;
    let v189 = v187 / v188;
    let v271 = 1.0 - v189;
    let v272 = v270 * v271;
    let v274 = v272 * y[2];
    let v275 = v274 * p.gain_gamma;
    let v246 = y[11] * p.w_h;
    let v247 = v246 + 1.0;
    let v248 = v246 / v247;
    let v190 = y[20] + p.la_ec50;
    let v191 = y[20] / v190;
    let v192 = 1.0 - v191;
    let v249 = v248 * v192;
    let v250 = v192 * u.exp_pain;
    let v273 = v249 + v250;
    let v276 = v273 * p.alpha_adapt;
    let v277 = v275 - v276;
    let v278 = v277 + p.u0;
    let v279 = v278 + p.u_stress_tonic;
    let v280 = v279 + u.stress_drive;
    let v281 = 1.0 / y[1];
    let v282 = v281 * u.voluntary;
    let v283 = v282 - v280;
    let v284 = <f64 as Real<f64>>::softplus(v283, p.drive_softness);
    let v285 = v280 + v284;
    let v286 = if u.voluntary > 0.0 { v285 } else { v280 };
    let v288 = <f64 as Real<f64>>::softplus(v286, p.drive_softness);
    let v289 = 1.0 - v288;
    let v290 = <f64 as Real<f64>>::softplus(v289, p.drive_softness);
    let v291 = 1.0 - v290;
    let v292 = v291 * y[1];
    let v293 = v292 - y[0];
    let v294 = v293 / p.tau_a;
    let v295 = 1.0 - y[1];
    let v196 = y[1] * u.es_activation;
    let v197 = y[0] + v196;
    let v198 = p.mvc_force / p.mvc_force_ref;
    let v199 = p.k_p * v198;
    let v200 = v197 * v199;
    let v201 = y[11] * p.k_edema;
    let v202 = v200 + v201;
    let v203 = v202 + p.p0;
    let v204 = v203 + u.cuff_pressure;
    let v205 = v204 - p.p_on;
    let v206 = p.p_art - p.p_on;
    let v207 = v205 / v206;
    let v208 = <f64 as Real<f64>>::smoothstep(v207);
    let v209 = 1.0 - v208;
    let v296 = v295 * v209;
    let v297 = v296 * p.recovery_rate;
    let v298 = y[0] * p.fatigue_rate;
    let v299 = v297 - v298;
    let v300 = u.es_activation * p.es_fatigue_rate;
    let v301 = y[1] * v300;
    let v302 = v299 - v301;
    let v235 = y[5] * p.s_max;
    let v236 = y[5] + p.k_s;
    let v237 = v235 / v236;
    let v238 = 1.0 - v237;
    let v239 = v238 * p.k_n;
    let v240 = <f64 as Real<f64>>::hill(y[4], v239, p.h_n);
    let v232 = <f64 as Real<f64>>::pow(p.k_o, p.h_o);
    let v231 = <f64 as Real<f64>>::pow(y[3], p.h_o);
    let v233 = v231 + v232;
    let v234 = v232 / v233;
    let v241 = 1.0 - p.eps_met;
    let v242 = v234 * v241;
    let v243 = v242 + p.eps_met;
    let v244 = v240 * v243;
    let v245 = v244 * v192;
    let v259 = y[11] * p.fac_injury;
    let v347 = v245 * v259;
    let v348 = y[2] * p.w2;
    let v349 = v347 + v348;
    let v350 = <f64 as Real<f64>>::hill(v349, p.k_gamma, p.h_gamma);
    let v351 = v350 - y[2];
    let v352 = v351 / p.tau_gamma;
    let v210 = y[4] * y[4];
    let v211 = v210 * p.v_max;
    let v212 = p.k_v * p.k_v;
    let v213 = v210 + v212;
    let v214 = v211 / v213;
    let v215 = v214 + 1.0;
    let v217 = 1.0 / p.flow_doubling_temp;
    let v219 = v217 * 0.6931471805599453;
    let v220 = v216 * v219;
    let v221 = v220.exp();
    let v222 = v215 * v221;
    let v223 = v222 * v209;
    let v224 = u.es_activation * p.es_pump;
    let v225 = u.activity + v224;
    let v226 = v225 * p.pump_gain;
    let v227 = v226 + 1.0;
    let v228 = v223 * v227;
    let v303 = d[0] - y[3];
    let v304 = v228 * v303;
    let v305 = v304 * p.k_supply;
    let v229 = v197 * p.d1;
    let v230 = v229 + p.d0;
    let v306 = v230 * y[3];
    let v307 = y[3] + p.k_c;
    let v308 = v306 / v307;
    let v309 = p.consumption_ratio * p.k_supply;
    let v310 = v308 * v309;
    let v311 = v305 - v310;
    let v312 = v230 * v234;
    let v313 = v312 * p.beta0;
    let v314 = v197 * p.beta1;
    let v315 = v313 + v314;
    let v316 = v228 * y[4];
    let v317 = v316 / p.tau_w;
    let v318 = v315 - v317;
    let v177 = y[15] / p.ibu_v;
    let v180 = v177 * p.cox_imax;
    let v181 = v177 + p.cox_ic50;
    let v182 = v180 / v181;
    let v183 = 1.0 - v182;
    let v319 = y[4] * p.sigma_m;
    let v320 = y[11] * p.sigma_h;
    let v321 = v319 + v320;
    let v322 = v183 * v321;
    let v323 = y[5] / p.tau_s;
    let v324 = v322 - v323;
    let v251 = 1.0 - v245;
    let v252 = 1.0 - v249;
    let v253 = v251 * v252;
    let v254 = 1.0 - v250;
    let v255 = v253 * v254;
    let v256 = 1.0 - v255;
    let v325 = y[7] * p.c_z;
    let v326 = v325 + 1.0;
    let v327 = v256 * v326;
    let v328 = y[7] * p.z_pain;
    let v329 = v327 + v328;
    let v330 = v329 * p.kappa;
    let v331 = -v330;
    let v332 = v331.exp();
    let v333 = 1.0 - v332;
    let v257 = p.tens_max * u.tens;
    let v258 = 1.0 - v257;
    let v334 = v333 * v258;
    let v336 = v334 * 10.0;
    let v337 = v336 - y[6];
    let v338 = v337 / p.tau_p;
    let v339 = <f64 as Real<f64>>::hill(y[7], p.k_zh, p.h_z);
    let v340 = v339 * p.w_z;
    let v341 = v256 + v340;
    let v342 = 1.0 - y[7];
    let v343 = v341 * v342;
    let v344 = v343 * p.k_z;
    let v345 = y[7] / p.tau_z;
    let v346 = v344 - v345;
    let v367 = u.skin_heat_on * u.skin_heat;
    let v368 = 1.0 - u.skin_heat_on;
    let v369 = v368 * p.t_skin;
    let v370 = v367 + v369;
    let v371 = v370 - y[8];
    let v372 = v371 * p.k_skin;
    let v377 = y[9] - y[8];
    let v378 = v377 * p.k_cond;
    let v383 = v372 + v378;
    let v384 = p.t_core - y[8];
    let v385 = v228 * v384;
    let v386 = v385 * p.k_blood;
    let v387 = v383 + v386;
    let v400 = p.us_coupling * u.us_intensity;
    let v401 = p.rho_c * p.node_spacing;
    let v402 = v400 / v401;
    let v388 = p.us_attenuation * u.us_frequency;
    let v390 = p.node_spacing * 0.5;
    let v391 = p.node_spacing - v390;
    let v392 = v388 * v391;
    let v393 = -v392;
    let v394 = v393.exp();
    let v395 = p.node_spacing + v390;
    let v396 = v388 * v395;
    let v397 = -v396;
    let v398 = v397.exp();
    let v399 = v394 - v398;
    let v403 = v402 * v399;
    let v404 = v403 + p.q_met;
    let v405 = v387 + v404;
    let v373 = y[8] - y[9];
    let v374 = v373 * p.k_cond;
    let v379 = y[10] - y[9];
    let v380 = v379 * p.k_cond;
    let v406 = v374 + v380;
    let v407 = p.t_core - y[9];
    let v408 = v228 * v407;
    let v409 = v408 * p.k_blood;
    let v410 = v406 + v409;
    let v411 = p.node_spacing * 2.0;
    let v412 = v411 - v390;
    let v413 = v388 * v412;
    let v414 = -v413;
    let v415 = v414.exp();
    let v416 = v411 + v390;
    let v417 = v388 * v416;
    let v418 = -v417;
    let v419 = v418.exp();
    let v420 = v415 - v419;
    let v421 = v402 * v420;
    let v422 = v421 + p.q_met;
    let v423 = v410 + v422;
    let v375 = y[9] - y[10];
    let v376 = v375 * p.k_cond;
    let v381 = p.t_core - y[10];
    let v382 = v381 * d[1];
    let v424 = v376 + v382;
    let v425 = v228 * v381;
    let v426 = v425 * p.k_blood;
    let v427 = v424 + v426;
    let v134 = p.node_spacing * 3.0;
    let v428 = v134 - v390;
    let v429 = v388 * v428;
    let v430 = -v429;
    let v431 = v430.exp();
    let v432 = v134 + v390;
    let v433 = v388 * v432;
    let v434 = -v433;
    let v435 = v434.exp();
    let v436 = v431 - v435;
    let v437 = v402 * v436;
    let v438 = v437 + p.q_met;
    let v439 = v427 + v438;
    let v440 = p.h_disc + u.disc_source;
    let v441 = y[11] / p.tau_heal;
    let v442 = v440 - v441;
    let v353 = 1.0 - y[12];
    let v354 = u.stretch / p.tau_x_on;
    let v355 = v353 * v354;
    let v356 = 1.0 - u.stretch;
    let v357 = v356 / p.tau_x_off;
    let v358 = y[12] * v357;
    let v359 = v355 - v358;
    let v360 = 1.0 - y[13];
    let v361 = u.massage / p.tau_y_on;
    let v362 = v360 * v361;
    let v363 = 1.0 - u.massage;
    let v364 = v363 / p.tau_y_off;
    let v365 = y[13] * v364;
    let v366 = v362 - v365;
    let v443 = y[14] * p.ibu_ka;
    let v444 = -v443;
    let v445 = p.ibu_cl / p.ibu_v;
    let v446 = y[15] * v445;
    let v447 = v443 - v446;
    let v448 = y[16] * p.cbz_ka;
    let v449 = -v448;
    let v450 = p.cbz_cl / p.cbz_v;
    let v451 = y[17] * v450;
    let v452 = v448 - v451;
    let v453 = y[18] * p.tiz_ka;
    let v454 = -v453;
    let v455 = p.tiz_cl / p.tiz_v;
    let v456 = y[19] * v455;
    let v457 = v453 - v456;
    let v458 = y[20] / p.la_tau;
    let v459 = -v458;
    let v600 = (-1.0) / p.tau_a;
    let v515 = -v281;
    let v516 = v515 / y[1];
    let v517 = v516 * u.voluntary;
    let v524 = slopes::softplus(v283, p.drive_softness);
    let v525 = v517 * v524;
    let v542 = if u.voluntary > 0.0 { v525 } else { 0.0 };
    let v551 = slopes::softplus(v286, p.drive_softness);
    let v552 = v542 * v551;
    let v561 = -v552;
    let v570 = slopes::softplus(v289, p.drive_softness);
    let v571 = v561 * v570;
    let v580 = -v571;
    let v589 = v580 * y[1];
    let v590 = v589 + v291;
    let v601 = v590 / p.tau_a;
    let v496 = v272 * p.gain_gamma;
    let v518 = -v496;
    let v526 = v518 * v524;
    let v534 = v496 + v526;
    let v543 = if u.voluntary > 0.0 { v534 } else { v496 };
    let v553 = v543 * v551;
    let v562 = -v553;
    let v572 = v562 * v570;
    let v581 = -v572;
    let v591 = v581 * y[1];
    let v602 = v591 / p.tau_a;
    let v465 = slopes::softplus(v216, p.heat_softness);
    let v466 = 0.3333333333333333 * v465;
    let v467 = v466 * p.heat_spindle;
    let v468 = -v467;
    let v469 = v267 * v468;
    let v486 = v469 * v271;
    let v491 = v486 * y[2];
    let v497 = v491 * p.gain_gamma;
    let v519 = -v497;
    let v527 = v519 * v524;
    let v535 = v497 + v527;
    let v544 = if u.voluntary > 0.0 { v535 } else { v497 };
    let v554 = v544 * v551;
    let v563 = -v554;
    let v573 = v563 * v570;
    let v582 = -v573;
    let v592 = v582 * y[1];
    let v603 = v592 / p.tau_a;
    let v502 = v248 * p.w_h;
    let v503 = p.w_h - v502;
    let v504 = v503 / v247;
    let v507 = v504 * v192;
    let v511 = v507 * p.alpha_adapt;
    let v513 = -v511;
    let v528 = v511 * v524;
    let v536 = v513 + v528;
    let v545 = if u.voluntary > 0.0 { v536 } else { v513 };
    let v555 = v545 * v551;
    let v564 = -v555;
    let v574 = v564 * v570;
    let v583 = -v574;
    let v593 = v583 * y[1];
    let v604 = v593 / p.tau_a;
    let v460 = -p.stretch_max;
    let v462 = v460 * v266;
    let v470 = v462 * v269;
    let v487 = v470 * v271;
    let v492 = v487 * y[2];
    let v498 = v492 * p.gain_gamma;
    let v520 = -v498;
    let v529 = v520 * v524;
    let v537 = v498 + v529;
    let v546 = if u.voluntary > 0.0 { v537 } else { v498 };
    let v556 = v546 * v551;
    let v565 = -v556;
    let v575 = v565 * v570;
    let v584 = -v575;
    let v594 = v584 * y[1];
    let v605 = v594 / p.tau_a;
    let v461 = -p.massage_max;
    let v463 = v264 * v461;
    let v471 = v463 * v269;
    let v488 = v471 * v271;
    let v493 = v488 * y[2];
    let v499 = v493 * p.gain_gamma;
    let v521 = -v499;
    let v530 = v521 * v524;
    let v538 = v499 + v530;
    let v547 = if u.voluntary > 0.0 { v538 } else { v499 };
    let v557 = v547 * v551;
    let v566 = -v557;
    let v576 = v566 * v570;
    let v585 = -v576;
    let v595 = v585 * y[1];
    let v606 = v595 / p.tau_a;
    let v472 = 1.0 / p.cbz_v;
    let v473 = v472 / p.cbz_ec50;
    let v476 = v473 * p.relax_emax;
    let v478 = v189 * v473;
    let v479 = v476 - v478;
    let v480 = v479 / v188;
    let v484 = -v480;
    let v489 = v270 * v484;
    let v494 = v489 * y[2];
    let v500 = v494 * p.gain_gamma;
    let v522 = -v500;
    let v531 = v522 * v524;
    let v539 = v500 + v531;
    let v548 = if u.voluntary > 0.0 { v539 } else { v500 };
    let v558 = v548 * v551;
    let v567 = -v558;
    let v577 = v567 * v570;
    let v586 = -v577;
    let v596 = v586 * y[1];
    let v607 = v596 / p.tau_a;
    let v474 = 1.0 / p.tiz_v;
    let v475 = v474 / p.tiz_ec50;
    let v477 = v475 * p.relax_emax;
    let v481 = v189 * v475;
    let v482 = v477 - v481;
    let v483 = v482 / v188;
    let v485 = -v483;
    let v490 = v270 * v485;
    let v495 = v490 * y[2];
    let v501 = v495 * p.gain_gamma;
    let v523 = -v501;
    let v532 = v523 * v524;
    let v540 = v501 + v532;
    let v549 = if u.voluntary > 0.0 { v540 } else { v501 };
    let v559 = v549 * v551;
    let v568 = -v559;
    let v578 = v568 * v570;
    let v587 = -v578;
    let v597 = v587 * y[1];
    let v608 = v597 / p.tau_a;
    let v505 = v192 / v190;
    let v506 = -v505;
    let v508 = v248 * v506;
    let v509 = v506 * u.exp_pain;
    let v510 = v508 + v509;
    let v512 = v510 * p.alpha_adapt;
    let v514 = -v512;
    let v533 = v512 * v524;
    let v541 = v514 + v533;
    let v550 = if u.voluntary > 0.0 { v541 } else { v514 };
    let v560 = v550 * v551;
    let v569 = -v560;
    let v579 = v569 * v570;
    let v588 = -v579;
    let v598 = v588 * y[1];
    let v609 = v598 / p.tau_a;
    let v611 = v199 / v206;
    let v614 = slopes::smoothstep(v207);
    let v615 = v611 * v614;
    let v618 = -v615;
    let v621 = v295 * v618;
    let v626 = v621 * p.recovery_rate;
    let v629 = v626 - p.fatigue_rate;
    let v622 = (-1.0) * v209;
    let v610 = u.es_activation * v199;
    let v612 = v610 / v206;
    let v616 = v612 * v614;
    let v619 = -v616;
    let v623 = v295 * v619;
    let v624 = v622 + v623;
    let v627 = v624 * p.recovery_rate;
    let v630 = v627 - v300;
    let v613 = p.k_edema / v206;
    let v617 = v613 * v614;
    let v620 = -v617;
    let v625 = v295 * v620;
    let v628 = v625 * p.recovery_rate;
    let v661 = slopes::hill(v349, p.k_gamma, p.h_gamma);
    let v665 = p.w2 * v661;
    let v671 = v665 - 1.0;
    let v672 = v671 / p.tau_gamma;
    let v640 = p.h_o - 1.0;
    let v643 = <f64 as Real<f64>>::pow(y[3], v640);
    let v644 = p.h_o * v643;
    let v645 = v234 * v644;
    let v646 = -v645;
    let v647 = v646 / v233;
    let v648 = v647 * v241;
    let v649 = v240 * v648;
    let v652 = v649 * v192;
    let v656 = v652 * v259;
    let v666 = v656 * v661;
    let v673 = v666 / p.tau_gamma;
    let v635 = slopes::hill(y[4], v239, p.h_n);
    let v650 = v635 * v243;
    let v653 = v650 * v192;
    let v657 = v653 * v259;
    let v667 = v657 * v661;
    let v674 = v667 / p.tau_gamma;
    let v631 = p.s_max - v237;
    let v632 = v631 / v236;
    let v633 = -v632;
    let v634 = v633 * p.k_n;
    let v636 = y[4] / v239;
    let v637 = v636 * v635;
    let v638 = -v637;
    let v639 = v634 * v638;
    let v651 = v639 * v243;
    let v654 = v651 * v192;
    let v658 = v654 * v259;
    let v668 = v658 * v661;
    let v675 = v668 / p.tau_gamma;
    let v659 = v245 * p.fac_injury;
    let v669 = v659 * v661;
    let v676 = v669 / p.tau_gamma;
    let v655 = v244 * v506;
    let v660 = v655 * v259;
    let v670 = v660 * v661;
    let v677 = v670 / p.tau_gamma;
    let v687 = v222 * v618;
    let v692 = v687 * v227;
    let v697 = v692 * v303;
    let v703 = v697 * p.k_supply;
    let v710 = p.d1 * y[3];
    let v712 = v710 / v307;
    let v716 = v712 * v309;
    let v719 = v703 - v716;
    let v688 = v222 * v619;
    let v693 = v688 * v227;
    let v698 = v693 * v303;
    let v704 = v698 * p.k_supply;
    let v709 = u.es_activation * p.d1;
    let v711 = v709 * y[3];
    let v713 = v711 / v307;
    let v717 = v713 * v309;
    let v720 = v704 - v717;
    let v699 = v228 * (-1.0);
    let v705 = v699 * p.k_supply;
    let v714 = v230 - v308;
    let v715 = v714 / v307;
    let v718 = v715 * v309;
    let v721 = v705 - v718;
    let v678 = y[4] + y[4];
    let v679 = v678 * p.v_max;
    let v680 = v214 * v678;
    let v681 = v679 - v680;
    let v682 = v681 / v213;
    let v685 = v682 * v221;
    let v689 = v685 * v209;
    let v694 = v689 * v227;
    let v700 = v694 * v303;
    let v706 = v700 * p.k_supply;
    let v683 = 0.3333333333333333 * v219;
    let v684 = v683 * v221;
    let v686 = v215 * v684;
    let v690 = v686 * v209;
    let v695 = v690 * v227;
    let v701 = v695 * v303;
    let v707 = v701 * p.k_supply;
    let v691 = v222 * v620;
    let v696 = v691 * v227;
    let v702 = v696 * v303;
    let v708 = v702 * p.k_supply;
    let v722 = p.d1 * v234;
    let v725 = v722 * p.beta0;
    let v729 = v725 + p.beta1;
    let v731 = v692 * y[4];
    let v737 = v731 / p.tau_w;
    let v742 = v729 - v737;
    let v723 = v709 * v234;
    let v726 = v723 * p.beta0;
    let v728 = u.es_activation * p.beta1;
    let v730 = v726 + v728;
    let v732 = v693 * y[4];
    let v738 = v732 / p.tau_w;
    let v743 = v730 - v738;
    let v724 = v230 * v647;
    let v727 = v724 * p.beta0;
    let v733 = v694 * y[4];
    let v734 = v733 + v228;
    let v739 = v734 / p.tau_w;
    let v744 = -v739;
    let v735 = v695 * y[4];
    let v740 = v735 / p.tau_w;
    let v745 = -v740;
    let v736 = v696 * y[4];
    let v741 = v736 / p.tau_w;
    let v746 = -v741;
    let v753 = v183 * p.sigma_m;
    let v756 = 1.0 / p.tau_s;
    let v757 = -v756;
    let v754 = v183 * p.sigma_h;
    let v747 = 1.0 / p.ibu_v;
    let v748 = v747 * p.cox_imax;
    let v749 = v182 * v747;
    let v750 = v748 - v749;
    let v751 = v750 / v181;
    let v752 = -v751;
    let v755 = v752 * v321;
    let v758 = -v652;
    let v764 = v758 * v252;
    let v772 = v764 * v254;
    let v779 = -v772;
    let v784 = v779 * v326;
    let v791 = v784 * p.kappa;
    let v797 = -v791;
    let v803 = v797 * v332;
    let v809 = -v803;
    let v815 = v809 * v258;
    let v821 = v815 * 10.0;
    let v827 = v821 / p.tau_p;
    let v759 = -v653;
    let v765 = v759 * v252;
    let v773 = v765 * v254;
    let v780 = -v773;
    let v785 = v780 * v326;
    let v792 = v785 * p.kappa;
    let v798 = -v792;
    let v804 = v798 * v332;
    let v810 = -v804;
    let v816 = v810 * v258;
    let v822 = v816 * 10.0;
    let v828 = v822 / p.tau_p;
    let v760 = -v654;
    let v766 = v760 * v252;
    let v774 = v766 * v254;
    let v781 = -v774;
    let v786 = v781 * v326;
    let v793 = v786 * p.kappa;
    let v799 = -v793;
    let v805 = v799 * v332;
    let v811 = -v805;
    let v817 = v811 * v258;
    let v823 = v817 * 10.0;
    let v829 = v823 / p.tau_p;
    let v830 = (-1.0) / p.tau_p;
    let v787 = v256 * p.c_z;
    let v790 = v787 + p.z_pain;
    let v794 = v790 * p.kappa;
    let v800 = -v794;
    let v806 = v800 * v332;
    let v812 = -v806;
    let v818 = v812 * v258;
    let v824 = v818 * 10.0;
    let v831 = v824 / p.tau_p;
    let v762 = -v507;
    let v767 = v251 * v762;
    let v775 = v767 * v254;
    let v782 = -v775;
    let v788 = v782 * v326;
    let v795 = v788 * p.kappa;
    let v801 = -v795;
    let v807 = v801 * v332;
    let v813 = -v807;
    let v819 = v813 * v258;
    let v825 = v819 * 10.0;
    let v832 = v825 / p.tau_p;
    let v761 = -v655;
    let v768 = v761 * v252;
    let v763 = -v508;
    let v769 = v251 * v763;
    let v770 = v768 + v769;
    let v776 = v770 * v254;
    let v771 = -v509;
    let v777 = v253 * v771;
    let v778 = v776 + v777;
    let v783 = -v778;
    let v789 = v783 * v326;
    let v796 = v789 * p.kappa;
    let v802 = -v796;
    let v808 = v802 * v332;
    let v814 = -v808;
    let v820 = v814 * v258;
    let v826 = v820 * 10.0;
    let v833 = v826 / p.tau_p;
    let v839 = v779 * v342;
    let v847 = v839 * p.k_z;
    let v840 = v780 * v342;
    let v848 = v840 * p.k_z;
    let v841 = v781 * v342;
    let v849 = v841 * p.k_z;
    let v834 = slopes::hill(y[7], p.k_zh, p.h_z);
    let v838 = v834 * p.w_z;
    let v842 = v838 * v342;
    let v843 = v341 * (-1.0);
    let v844 = v842 + v843;
    let v850 = v844 * p.k_z;
    let v853 = 1.0 / p.tau_z;
    let v854 = v850 - v853;
    let v845 = v782 * v342;
    let v851 = v845 * p.k_z;
    let v846 = v783 * v342;
    let v852 = v846 * p.k_z;
    let v858 = v692 * v384;
    let v864 = v858 * p.k_blood;
    let v859 = v693 * v384;
    let v865 = v859 * p.k_blood;
    let v860 = v694 * v384;
    let v866 = v860 * p.k_blood;
    let v855 = (-1.0) * p.k_skin;
    let v856 = (-1.0) * p.k_cond;
    let v857 = v855 + v856;
    let v861 = v695 * v384;
    let v862 = v861 + v699;
    let v867 = v862 * p.k_blood;
    let v870 = v857 + v867;
    let v868 = v861 * p.k_blood;
    let v871 = p.k_cond + v868;
    let v863 = v696 * v384;
    let v869 = v863 * p.k_blood;
    let v873 = v692 * v407;
    let v879 = v873 * p.k_blood;
    let v874 = v693 * v407;
    let v880 = v874 * p.k_blood;
    let v875 = v694 * v407;
    let v881 = v875 * p.k_blood;
    let v876 = v695 * v407;
    let v882 = v876 * p.k_blood;
    let v885 = p.k_cond + v882;
    let v872 = v856 + v856;
    let v877 = v876 + v699;
    let v883 = v877 * p.k_blood;
    let v886 = v872 + v883;
    let v878 = v696 * v407;
    let v884 = v878 * p.k_blood;
    let v889 = v692 * v381;
    let v895 = v889 * p.k_blood;
    let v890 = v693 * v381;
    let v896 = v890 * p.k_blood;
    let v891 = v694 * v381;
    let v897 = v891 * p.k_blood;
    let v892 = v695 * v381;
    let v898 = v892 * p.k_blood;
    let v901 = p.k_cond + v898;
    let v887 = (-1.0) * d[1];
    let v888 = v856 + v887;
    let v893 = v892 + v699;
    let v899 = v893 * p.k_blood;
    let v902 = v888 + v899;
    let v894 = v696 * v381;
    let v900 = v894 * p.k_blood;
    let v903 = 1.0 / p.tau_heal;
    let v904 = -v903;
    let v905 = (-1.0) * v354;
    let v906 = v905 - v357;
    let v907 = (-1.0) * v361;
    let v908 = v907 - v364;
    let v909 = -p.ibu_ka;
    let v910 = -v445;
    let v911 = -p.cbz_ka;
    let v912 = -v450;
    let v913 = -p.tiz_ka;
    let v914 = -v455;
    let v915 = 1.0 / p.la_tau;
    let v916 = -v915;
    (
        [
            v294,
            v302,
            v352,
            v311,
            v318,
            v324,
            v338,
            v346,
            v405,
            v423,
            v439,
            v442,
            v359,
            v366,
            v444,
            v447,
            v449,
            v452,
            v454,
            v457,
            v459,
        ],
        [
            v600,
            v601,
            v602,
            v603,
            v603,
            v603,
            v604,
            v605,
            v606,
            v607,
            v608,
            v609,
            v629,
            v630,
            v628,
            v672,
            v673,
            v674,
            v675,
            v676,
            v677,
            v719,
            v720,
            v721,
            v706,
            v707,
            v707,
            v707,
            v708,
            v742,
            v743,
            v727,
            v744,
            v745,
            v745,
            v745,
            v746,
            v753,
            v757,
            v754,
            v755,
            v827,
            v828,
            v829,
            v830,
            v831,
            v832,
            v833,
            v847,
            v848,
            v849,
            v854,
            v851,
            v852,
            v864,
            v865,
            v866,
            v870,
            v871,
            v868,
            v869,
            v879,
            v880,
            v881,
            v885,
            v886,
            v885,
            v884,
            v895,
            v896,
            v897,
            v898,
            v901,
            v902,
            v900,
            v904,
            v906,
            v908,
            v909,
            p.ibu_ka,
            v910,
            v911,
            p.cbz_ka,
            v912,
            v913,
            p.tiz_ka,
            v914,
            v916,
        ],
    )
}
