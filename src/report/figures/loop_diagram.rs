//! The loop diagram for lectures: the spasm–ischemia cycle as the model builds it
//! (docs/model.md §1–4), drawn by the program. Boxes are states and terms of the model
//! with their symbols and units, arrows carry the sign of the effect (+: more causes
//! more, −: more causes less), and blue boxes show where each class of treatment acts.
//! 1280 × 720 px (16:9) for a projector: body text 21 px, the title 30 px (CSS px,
//! as the SVG states them).
//!
//! The layout is data (`diagram()`): boxes by centre, arrows by the boxes they join.
//! Tests check that no two boxes or labels overlap, that everything lies on the
//! canvas, that no arrow crosses a box, another arrow or a sign, that every box names
//! terms of the model, and that the cycle closes with an even number of negative signs
//! (it reinforces itself).
//!
//! Where the model is not the usual textbook story, the figure follows the model:
//! the nociceptors drive the γ motoneurons (n_met → Γ, gated by the injury: facil =
//! fac_injury·H), and pain P is an output of the nociceptors, not a step of the loop;
//! stretch, massage and relaxants act on the spindle gain s that scales the
//! fusimotor drive. Left out for legibility: warmth lowering the spindle gain
//! (`heat_spindle`), the muscle pump of activity and electrical stimulation, washout
//! of M by flow, tissue nociception n_tis (injury → pain, and pain adaptation), and
//! central sensitisation Z.
//!
//! Length: about a third is the layout table and two thirds the drawing and its
//! geometry tests; splitting them would put the rectangles the tests check in another
//! file than the code that draws them.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontStyle};

use super::{register_fonts, write_figure, DrawResult, Drawable, FAMILY};
use crate::report::OutputError;

/// Canvas size, px (16:9).
const SIZE: (u32, u32) = (1280, 720);

/// Plotters draws a font of size s with an em of s / 1.24 px (its SVG backend writes
/// `font-size` = s / 1.24), so a text of `px` CSS pixels is drawn at size 1.24 · px.
const PLOTTERS_SIZE_PER_PX: f64 = 1.24;

/// Title size, CSS px.
const TITLE_PX: f64 = 30.0;
/// Text in boxes, CSS px.
const BODY_PX: f64 = 21.0;
/// Signs on arrows and the legend, CSS px.
const LABEL_PX: f64 = 20.0;
/// Subscripts, relative to the text they belong to.
const SUBSCRIPT_SCALE: f64 = 0.75;
/// How far a subscript sits below its line's middle, relative to the line's px.
const SUBSCRIPT_DROP: f64 = 0.3;
/// Line height, relative to the font's px.
const LINE_HEIGHT: f64 = 1.25;
/// Padding inside a box, px (horizontal, vertical).
const PAD: (i32, i32) = (12, 7);
/// Radius of a box's rounded corners, px.
const CORNER_PX: i32 = 10;
/// Straight pieces per rounded corner.
const CORNER_STEPS: i32 = 12;
/// Radius of the circle around an arrow's sign, px.
const SIGN_RADIUS: i32 = 13;
/// Length and half-width of an arrow head, px.
const HEAD: (f64, f64) = (16.0, 7.0);
/// Width of an arrow's shaft, px.
const SHAFT_PX: u32 = 3;
/// Gap between an arrow's end and the box it points at, px.
const ARROW_GAP: f64 = 4.0;

/// Colour of the arrows between states (a treatment's arrows take its blue).
const ARROW: RGBColor = RGBColor(40, 40, 40);

/// What a box stands for; sets its colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A step of the vicious cycle.
    Cycle,
    /// A state or input that feeds the cycle from outside.
    Input,
    /// An output of the loop (pain).
    Output,
    /// A class of treatment.
    Treatment,
}

impl Role {
    /// (border, fill, text) colours: Okabe–Ito vermillion for the cycle, grey for
    /// inputs, reddish purple for pain, blue for treatments.
    fn colours(self) -> (RGBColor, RGBColor, RGBColor) {
        match self {
            Cycle => (
                RGBColor(213, 94, 0),
                RGBColor(253, 235, 222),
                RGBColor(0, 0, 0),
            ),
            Input => (
                RGBColor(90, 90, 90),
                RGBColor(238, 238, 238),
                RGBColor(0, 0, 0),
            ),
            Output => (
                RGBColor(204, 121, 167),
                RGBColor(248, 228, 239),
                RGBColor(0, 0, 0),
            ),
            Treatment => (
                RGBColor(0, 114, 178),
                RGBColor(222, 237, 248),
                RGBColor(0, 84, 140),
            ),
        }
    }
}

/// A box: its id, centre (px), lines of text (`_{…}` marks a subscript), role, and
/// the names of the model's states, inputs, algebraic quantities or parameters it
/// stands for (or, for a treatment, acts through), as in docs/model.md.
#[derive(Debug, Clone, Copy)]
struct Node {
    id: &'static str,
    at: (i32, i32),
    lines: &'static [&'static str],
    role: Role,
    /// Checked against the model by the tests; not drawn.
    #[cfg_attr(not(test), allow(dead_code))]
    terms: &'static [&'static str],
}

/// The sign of an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    /// More causes more.
    Up,
    /// More causes less.
    Down,
}

/// An arrow from one box to another (or, with `to` = "FROM>TO", to a point on that
/// arrow: a gate), shifted sideways by `offset` px (to the right of its direction),
/// with its sign drawn at `sign_at` (a fraction of its length).
#[derive(Debug, Clone, Copy)]
struct Edge {
    from: &'static str,
    to: &'static str,
    sign: Sign,
    offset: i32,
    sign_at: f64,
}

const fn edge(from: &'static str, to: &'static str, sign: Sign) -> Edge {
    Edge {
        from,
        to,
        sign,
        offset: 0,
        sign_at: 0.5,
    }
}

/// Where on the arrow it gates an arrow ends, as a fraction of that arrow's length.
const GATE_AT: f64 = 0.62;

/// The title and its top-left corner, px.
const TITLE: (&str, (i32, i32)) = ("The spasm–ischemia cycle as modelled", (24, 12));

/// The whole diagram as data.
#[derive(Debug, Clone)]
struct Diagram {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

use Role::{Cycle, Input, Output, Treatment};
use Sign::{Down, Up};

/// The diagram: the eight steps of the cycle clockwise from the reflex drive, what
/// feeds it, pain, and the treatments. Every box names a state, input or term of
/// docs/model.md; every sign is the sign of the partial derivative there.
#[rustfmt::skip]
fn diagram() -> Diagram {
    // Rows and columns, px.
    const TOP_BAND: i32 = 100;
    const TOP: i32 = 232;
    const MID: i32 = 385;
    const BOTTOM: i32 = 532;
    const BOTTOM_BAND: i32 = 664;
    let nodes = vec![
        // The cycle.
        Node { id: "u", at: (345, TOP), lines: &["Reflex drive", "u (MVC)"], role: Cycle, terms: &["reflex"] },
        Node { id: "a", at: (610, TOP), lines: &["Contraction", "a (%MVC)"], role: Cycle, terms: &["a"] },
        Node { id: "p", at: (915, TOP), lines: &["Intramuscular pressure", "p_{im} (mmHg)"], role: Cycle, terms: &["p_im"] },
        Node { id: "q", at: (1120, MID), lines: &["Blood flow Q", "perfusion g"], role: Cycle, terms: &["Q", "g"] },
        Node { id: "o", at: (915, BOTTOM), lines: &["Oxygenation O", "deficit Φ"], role: Cycle, terms: &["O", "phi"] },
        Node { id: "m", at: (610, BOTTOM), lines: &["Metabolites M", "K⁺, H⁺ (mM)"], role: Cycle, terms: &["M"] },
        Node { id: "n", at: (345, BOTTOM), lines: &["Nociceptors", "n_{met} (0–1)"], role: Cycle, terms: &["n_met"] },
        Node { id: "g", at: (140, MID), lines: &["γ bias Γ", "(fusimotor)"], role: Cycle, terms: &["gamma"] },
        // What feeds it.
        Node { id: "s", at: (110, TOP), lines: &["Spindle", "gain s"], role: Input, terms: &["spindle"] },
        Node { id: "h", at: (615, MID - 58), lines: &["Injury H (0–1)", "oedema, facilitation"], role: Input, terms: &["H", "facil"] },
        Node { id: "disc", at: (900, MID + 25), lines: &["Disc herniation", "h_{disc} (1/d)"], role: Input, terms: &["h_disc"] },
        Node { id: "stress", at: (395, TOP_BAND), lines: &["Emotional", "stress drive"], role: Input, terms: &["stress_drive"] },
        Node { id: "cap", at: (610, TOP_BAND), lines: &["Capacity cap", "(fatigue)"], role: Input, terms: &["cap"] },
        Node { id: "t", at: (1155, TOP), lines: &["Temperature", "T_{1–3} (°C)"], role: Input, terms: &["T1", "T2", "T3"] },
        Node { id: "sens", at: (470, MID + 42), lines: &["Sensitisers S"], role: Input, terms: &["S"] },
        // Pain.
        Node { id: "pain", at: (140, BOTTOM_BAND), lines: &["Pain P (NRS 0–10)"], role: Output, terms: &["P"] },
        // Treatments.
        Node { id: "stretch", at: (72, TOP_BAND), lines: &["Stretch,", "massage"], role: Treatment, terms: &["X", "Y"] },
        Node { id: "relax", at: (215, TOP_BAND), lines: &["Relaxants"], role: Treatment, terms: &["relax"] },
        Node { id: "es", at: (875, TOP_BAND), lines: &["Electrical", "stimulation"], role: Treatment, terms: &["es_activation"] },
        Node { id: "heat", at: (1055, TOP_BAND), lines: &["Heat"], role: Treatment, terms: &["skin_heat"] },
        Node { id: "us", at: (1190, TOP_BAND), lines: &["Ultrasound"], role: Treatment, terms: &["us_intensity"] },
        Node { id: "nsaid", at: (705, MID + 42), lines: &["NSAID"], role: Treatment, terms: &["cox"] },
        Node { id: "lido", at: (345, BOTTOM_BAND), lines: &["Lidocaine"], role: Treatment, terms: &["block"] },
        Node { id: "tens", at: (140, BOTTOM - 20), lines: &["TENS"], role: Treatment, terms: &["gate"] },
    ];
    let edges = vec![
        edge("u", "a", Up),
        edge("a", "p", Up),
        edge("p", "q", Down),
        edge("q", "o", Up),
        edge("o", "m", Down),
        edge("m", "n", Up),
        Edge { sign_at: 0.3, ..edge("n", "g", Up) },
        edge("g", "u", Up),
        edge("s", "u", Up),
        edge("stress", "u", Up),
        Edge { offset: -18, ..edge("cap", "a", Up) },
        Edge { offset: -18, ..edge("a", "cap", Down) },
        edge("h", "p", Up),
        Edge { sign_at: 0.3, ..edge("h", "n>g", Up) },
        edge("disc", "h", Up),
        edge("h", "sens", Up),
        edge("m", "sens", Up),
        edge("sens", "n", Up),
        edge("n", "pain", Up),
        edge("t", "q", Up),
        edge("stretch", "s", Down),
        edge("relax", "s", Down),
        edge("heat", "t", Up),
        edge("us", "t", Up),
        edge("es", "cap", Down),
        edge("nsaid", "sens", Down),
        edge("lido", "n", Down),
        edge("tens", "pain", Down),
    ];
    Diagram { nodes, edges }
}

/// Text split into runs: (text, subscript?).
fn runs(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("_{") {
        if i > 0 {
            out.push((rest[..i].to_string(), false));
        }
        let after = &rest[i + 2..];
        let end = after.find('}').unwrap_or(after.len());
        out.push((after[..end].to_string(), true));
        rest = after.get(end + 1..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push((rest.to_string(), false));
    }
    out
}

fn font(px: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    (FAMILY, px * PLOTTERS_SIZE_PER_PX, style).into_font()
}

/// The size of a run of a line of `px`: smaller for a subscript.
fn run_px(px: f64, subscript: bool) -> f64 {
    if subscript {
        px * SUBSCRIPT_SCALE
    } else {
        px
    }
}

/// Width of `text` in the regular font of `px`, px.
fn text_width(text: &str, px: f64) -> i32 {
    font(px, false).box_size(text).map_or(0, |(w, _)| w as i32)
}

/// Width of one line, px.
fn line_width(line: &str, px: f64) -> i32 {
    runs(line)
        .iter()
        .map(|(t, sub)| text_width(t, run_px(px, *sub)))
        .sum()
}

/// A box's rectangle: (left, top, right, bottom), px.
type Rect = (i32, i32, i32, i32);

fn node_rect(n: &Node) -> Rect {
    let w = n
        .lines
        .iter()
        .map(|l| line_width(l, BODY_PX))
        .max()
        .unwrap_or(0)
        + 2 * PAD.0;
    let h = (n.lines.len() as f64 * BODY_PX * LINE_HEIGHT).round() as i32 + 2 * PAD.1;
    (
        n.at.0 - w / 2,
        n.at.1 - h / 2,
        n.at.0 + w - w / 2,
        n.at.1 + h - h / 2,
    )
}

/// Where the ray from `from` (inside `r`) in direction `dir` leaves `r`.
fn exit_point(r: Rect, from: (f64, f64), dir: (f64, f64)) -> (f64, f64) {
    let side = |lo: i32, hi: i32, p: f64, d: f64| {
        if d > 0.0 {
            (f64::from(hi) - p) / d
        } else if d < 0.0 {
            (f64::from(lo) - p) / d
        } else {
            f64::INFINITY
        }
    };
    let t = side(r.0, r.2, from.0, dir.0).min(side(r.1, r.3, from.1, dir.1));
    (from.0 + t * dir.0, from.1 + t * dir.1)
}

fn centre(r: Rect) -> (f64, f64) {
    (f64::from(r.0 + r.2) / 2.0, f64::from(r.1 + r.3) / 2.0)
}

fn find<'a>(d: &'a Diagram, id: &str) -> &'a Node {
    d.nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no box '{id}' in the loop diagram"))
}

/// The drawn line of an edge: from the border of its source to `ARROW_GAP` before
/// the border of its target (or before the point it gates).
fn edge_path(d: &Diagram, e: &Edge) -> [(f64, f64); 2] {
    let rf = node_rect(find(d, e.from));
    if let Some((from, to)) = e.to.split_once('>') {
        let gated = d
            .edges
            .iter()
            .find(|g| g.from == from && g.to == to)
            .unwrap_or_else(|| panic!("no arrow '{from}>{to}' in the loop diagram"));
        let target = point_along(edge_path(d, gated), GATE_AT);
        let c = centre(rf);
        let dir = (target.0 - c.0, target.1 - c.1);
        return [exit_point(rf, c, dir), back_off(target, dir, ARROW_GAP)];
    }
    let rt = node_rect(find(d, e.to));
    let (cf, ct) = (centre(rf), centre(rt));
    let dir = (ct.0 - cf.0, ct.1 - cf.1);
    // Moving back against (dy, −dx) is moving to the right of the direction.
    let shift = |p: (f64, f64)| back_off(p, (dir.1, -dir.0), f64::from(e.offset));
    let end = exit_point(rt, shift(ct), (-dir.0, -dir.1));
    [
        exit_point(rf, shift(cf), dir),
        back_off(end, dir, ARROW_GAP),
    ]
}

/// The point at fraction `f` of the way along `segment`.
fn point_along(segment: [(f64, f64); 2], f: f64) -> (f64, f64) {
    let [a, b] = segment;
    (a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1))
}

/// `p` moved back by `by` px against the direction `dir`.
fn back_off(p: (f64, f64), dir: (f64, f64), by: f64) -> (f64, f64) {
    let len = dir.0.hypot(dir.1).max(1e-9);
    (p.0 - by * dir.0 / len, p.1 - by * dir.1 / len)
}

/// The shaft of an arrow: its path up to the base of the head.
fn shaft(path: [(f64, f64); 2]) -> [(f64, f64); 2] {
    let [start, tip] = path;
    [
        start,
        back_off(tip, (tip.0 - start.0, tip.1 - start.1), HEAD.0),
    ]
}

/// Where an arrow's sign is drawn: at `sign_at` along its shaft.
fn sign_centre(d: &Diagram, e: &Edge) -> (i32, i32) {
    px(point_along(shaft(edge_path(d, e)), e.sign_at))
}

/// A point rounded to whole pixels.
fn px(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

/// A filled arrow head from `base` to `tip`, `HEAD.1` px wide on each side.
fn draw_head<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    base: (f64, f64),
    tip: (f64, f64),
    colour: RGBColor,
) -> DrawResult<DB> {
    let (dx, dy) = (tip.0 - base.0, tip.1 - base.1);
    let len = dx.hypot(dy).max(1e-9);
    let (nx, ny) = (-dy / len * HEAD.1, dx / len * HEAD.1);
    let head = vec![
        px(tip),
        px((base.0 + nx, base.1 + ny)),
        px((base.0 - nx, base.1 - ny)),
    ];
    root.draw(&Polygon::new(head, colour.filled()))
}

/// A box with rounded corners, filled and outlined in the colours of `role`.
fn draw_box<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: Rect,
    radius: i32,
    role: Role,
) -> DrawResult<DB> {
    let (border, fill, _) = role.colours();
    let outline = rounded(r, radius);
    root.draw(&Polygon::new(outline.clone(), fill.filled()))?;
    let mut closed = outline;
    closed.push(closed[0]);
    root.draw(&PathElement::new(closed, border.stroke_width(2)))
}

/// Rounded rectangle as a polygon.
fn rounded(r: Rect, radius: i32) -> Vec<(i32, i32)> {
    let corners = [
        (r.2 - radius, r.1 + radius, -90.0),
        (r.2 - radius, r.3 - radius, 0.0),
        (r.0 + radius, r.3 - radius, 90.0),
        (r.0 + radius, r.1 + radius, 180.0),
    ];
    let mut pts = Vec::new();
    for (cx, cy, start) in corners {
        for k in 0..=CORNER_STEPS {
            let a = (start + 90.0 * f64::from(k) / f64::from(CORNER_STEPS)).to_radians();
            pts.push((
                cx + (f64::from(radius) * a.cos()).round() as i32,
                cy + (f64::from(radius) * a.sin()).round() as i32,
            ));
        }
    }
    pts
}

fn draw_line_of_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    line: &str,
    centre: (i32, i32),
    px: f64,
    colour: RGBColor,
) -> DrawResult<DB> {
    let mut x = centre.0 - line_width(line, px) / 2;
    for (text, sub) in runs(line) {
        let size = run_px(px, sub);
        let y = if sub {
            centre.1 + (SUBSCRIPT_DROP * px).round() as i32
        } else {
            centre.1
        };
        let style = font(size, false)
            .color(&colour)
            .pos(Pos::new(HPos::Left, VPos::Center));
        // Leading spaces become an offset: SVG viewers drop them.
        let drawn = text.trim_start();
        let lead = text_width(&text[..text.len() - drawn.len()], size);
        root.draw(&Text::new(drawn.to_string(), (x + lead, y), style))?;
        x += text_width(&text, size);
    }
    Ok(())
}

/// The loop diagram as a figure.
#[derive(Debug, Clone)]
struct LoopDiagram {
    diagram: Diagram,
}

impl Default for LoopDiagram {
    fn default() -> Self {
        Self { diagram: diagram() }
    }
}

impl Drawable for LoopDiagram {
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        register_fonts();
        let d = &self.diagram;
        root.fill(&WHITE)?;
        let style = font(TITLE_PX, true)
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(TITLE.0, TITLE.1, style))?;
        // Arrows under the boxes.
        for e in &d.edges {
            let treatment = d
                .nodes
                .iter()
                .any(|n| n.id == e.from && n.role == Treatment);
            let colour = if treatment {
                Treatment.colours().0
            } else {
                ARROW
            };
            let path = edge_path(d, e);
            let [start, base] = shaft(path);
            root.draw(&PathElement::new(
                vec![px(start), px(base)],
                colour.stroke_width(SHAFT_PX),
            ))?;
            draw_head(root, base, path[1], colour)?;
            draw_sign(root, sign_centre(d, e), e.sign, colour)?;
        }
        for n in &d.nodes {
            draw_box(root, node_rect(n), CORNER_PX, n.role)?;
            let text = n.role.colours().2;
            let line_h = BODY_PX * LINE_HEIGHT;
            let top = f64::from(n.at.1) - line_h * n.lines.len() as f64 / 2.0;
            for (k, line) in n.lines.iter().enumerate() {
                let y = (top + line_h * (k as f64 + 0.5)).round() as i32;
                draw_line_of_text(root, line, (n.at.0, y), BODY_PX, text)?;
            }
        }
        draw_loop_mark(root)?;
        draw_legend(root)
    }
}

/// Centre of the mark of the reinforcing loop (a clockwise circular arrow around a
/// "+"), px, and its radius.
const LOOP_MARK: ((i32, i32), i32) = ((335, 318), 27);
/// Width of the mark's arc, px, and the straight pieces it is drawn with.
const LOOP_WIDTH_PX: f64 = 3.5;
const LOOP_STEPS: i32 = 90;
/// Length of the mark's arrow head, px.
const LOOP_HEAD_PX: f64 = 13.0;
/// Gap between the mark and its caption, px.
const LOOP_CAPTION_GAP: i32 = 6;
/// The mark's caption, below it.
const LOOP_CAPTION: &str = "vicious cycle";
/// Where the mark's arc starts and ends, degrees clockwise from the positive x axis.
const LOOP_ARC_DEG: (f64, f64) = (-40.0, 235.0);

fn draw_loop_mark<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let ((cx, cy), r) = LOOP_MARK;
    let colour = Cycle.colours().0;
    let at = |deg: f64| {
        let t = deg.to_radians();
        (
            f64::from(cx) + f64::from(r) * t.cos(),
            f64::from(cy) + f64::from(r) * t.sin(),
        )
    };
    let (from, to) = LOOP_ARC_DEG;
    // The arc as a thin filled ring sector: smoother than a thick polyline in PNG.
    let ring = |radius: f64, k: i32| {
        let t = (from + (to - from) * f64::from(k) / f64::from(LOOP_STEPS)).to_radians();
        px((
            f64::from(cx) + radius * t.cos(),
            f64::from(cy) + radius * t.sin(),
        ))
    };
    let (outer, inner) = (
        f64::from(r) + LOOP_WIDTH_PX / 2.0,
        f64::from(r) - LOOP_WIDTH_PX / 2.0,
    );
    let sector: Vec<(i32, i32)> = (0..=LOOP_STEPS)
        .map(|k| ring(outer, k))
        .chain((0..=LOOP_STEPS).rev().map(|k| ring(inner, k)))
        .collect();
    root.draw(&Polygon::new(sector, colour.filled()))?;
    // The head continues the arc along its clockwise tangent.
    let base = at(to);
    let t = to.to_radians();
    let tip = (
        base.0 - LOOP_HEAD_PX * t.sin(),
        base.1 + LOOP_HEAD_PX * t.cos(),
    );
    draw_head(root, base, tip, colour)?;
    let style = font(BODY_PX, true)
        .color(&colour)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new("+", (cx, cy + 1), style))?;
    let style = font(LABEL_PX, false)
        .color(&colour)
        .pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(
        LOOP_CAPTION,
        (cx, cy + r + LOOP_CAPTION_GAP),
        style,
    ))
}

/// Top-left corner of the legend, px.
const LEGEND_AT: (i32, i32) = (720, 628);
/// Height of a legend row, px.
const LEGEND_ROW: i32 = 40;
/// Size of a legend colour swatch, px.
const SWATCH: i32 = 22;

/// The legend: what the signs mean (first row) and what the colours mean (second).
/// Each entry: (mark, text); a mark is a sign or a role.
const LEGEND: [&[(Legend, &str)]; 2] = [
    &[
        (Legend::Sign(Up), "more causes more"),
        (Legend::Sign(Down), "more causes less"),
    ],
    &[
        (Legend::Role(Cycle), "cycle"),
        (Legend::Role(Input), "input"),
        (Legend::Role(Output), "pain"),
        (Legend::Role(Treatment), "treatment"),
    ],
];

/// A legend entry's mark.
#[derive(Debug, Clone, Copy)]
enum Legend {
    Sign(Sign),
    Role(Role),
}

/// Gap between a legend mark and its text, and between entries, px.
const LEGEND_GAP: (i32, i32) = (10, 26);

/// The legend's entries with their rectangles (mark and text together).
fn legend_layout() -> Vec<(Legend, &'static str, Rect)> {
    let mut out = Vec::new();
    for (row, entries) in LEGEND.iter().enumerate() {
        let y = LEGEND_AT.1 + LEGEND_ROW * row as i32;
        let mut x = LEGEND_AT.0;
        for &(mark, text) in *entries {
            let w = 2 * SIGN_RADIUS + LEGEND_GAP.0 + line_width(text, LABEL_PX);
            out.push((mark, text, (x, y, x + w, y + 2 * SIGN_RADIUS)));
            x += w + LEGEND_GAP.1;
        }
    }
    out
}

fn draw_sign<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: (i32, i32),
    sign: Sign,
    colour: RGBColor,
) -> DrawResult<DB> {
    root.draw(&Circle::new(c, SIGN_RADIUS, WHITE.filled()))?;
    root.draw(&Circle::new(c, SIGN_RADIUS, colour.stroke_width(2)))?;
    let label = match sign {
        Up => "+",
        Down => "−",
    };
    let style = font(LABEL_PX, true)
        .color(&colour)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(label, (c.0, c.1 + 1), style))
}

fn draw_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    for (mark, text, r) in legend_layout() {
        let mid = (r.1 + r.3) / 2;
        match mark {
            Legend::Sign(sign) => draw_sign(root, (r.0 + SIGN_RADIUS, mid), sign, BLACK)?,
            Legend::Role(role) => {
                let x0 = r.0 + SIGN_RADIUS - SWATCH / 2;
                let square = (x0, mid - SWATCH / 2, x0 + SWATCH, mid + SWATCH / 2);
                draw_box(root, square, SWATCH / 5, role)?;
            }
        }
        let x = r.0 + 2 * SIGN_RADIUS + LEGEND_GAP.0;
        let style = font(LABEL_PX, false)
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(text, (x, mid), style))?;
    }
    Ok(())
}

/// Draw the loop diagram as `<dir>/<stem>.png` and `<dir>/<stem>.svg`; returns the
/// two paths.
pub fn write_loop_diagram(dir: &Path, stem: &str) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, stem, &LoopDiagram::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Space kept free between any two boxes or labels, px.
    const MARGIN: i32 = 4;

    fn overlap(a: Rect, b: Rect) -> bool {
        a.0 < b.2 + MARGIN && b.0 < a.2 + MARGIN && a.1 < b.3 + MARGIN && b.1 < a.3 + MARGIN
    }

    /// The rectangle the loop mark and its caption take.
    fn loop_mark_rect() -> Rect {
        let ((x, y), r) = LOOP_MARK;
        let w = line_width(LOOP_CAPTION, LABEL_PX).max(2 * r);
        let caption_bottom = y + r + LOOP_CAPTION_GAP + (LABEL_PX * LINE_HEIGHT).round() as i32;
        (x - w / 2, y - r, x + w - w / 2, caption_bottom)
    }

    /// Everything with an extent: boxes, signs, the title, the loop mark, the legend.
    fn items(d: &Diagram) -> Vec<(String, Rect)> {
        let mut out: Vec<(String, Rect)> = d
            .nodes
            .iter()
            .map(|n| (format!("box {}", n.id), node_rect(n)))
            .collect();
        for e in &d.edges {
            let (x, y) = sign_centre(d, e);
            let r = SIGN_RADIUS;
            out.push((
                format!("sign of {}>{}", e.from, e.to),
                (x - r, y - r, x + r, y + r),
            ));
        }
        let (text, (x, y)) = TITLE;
        let (w, _) = font(TITLE_PX, true).box_size(text).unwrap();
        let h = (TITLE_PX * LINE_HEIGHT).round() as i32;
        out.push(("text of the title".into(), (x, y, x + w as i32, y + h)));
        out.push(("loop mark".into(), loop_mark_rect()));
        for (_, text, r) in legend_layout() {
            out.push((format!("legend '{text}'"), r));
        }
        out
    }

    #[test]
    fn it_draws_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let [png, svg] = write_loop_diagram(dir.path(), "loop").unwrap();
        let png = std::fs::read(png).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(png.len() > 10_000, "{} bytes", png.len());
        let svg = std::fs::read_to_string(svg).unwrap();
        assert!(
            svg.starts_with("<svg width=\"1280\" height=\"720\""),
            "{}",
            &svg[..80]
        );
        for text in [
            "Contraction",
            "Intramuscular pressure",
            "Nociceptors",
            "NSAID",
            "TENS",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
    }

    #[test]
    fn nothing_overlaps_and_everything_is_on_the_canvas() {
        register_fonts();
        let d = diagram();
        let items = items(&d);
        let mut faults = Vec::new();
        for (i, (a, ra)) in items.iter().enumerate() {
            if ra.0 < 0 || ra.1 < 0 || ra.2 > SIZE.0 as i32 || ra.3 > SIZE.1 as i32 {
                faults.push(format!("{a} {ra:?} leaves the canvas"));
            }
            for (b, rb) in &items[i + 1..] {
                if overlap(*ra, *rb) {
                    faults.push(format!("{a} {ra:?} overlaps {b} {rb:?}"));
                }
            }
        }
        assert!(faults.is_empty(), "{}", faults.join("\n"));
    }

    /// Whether segments p–q and r–s cross.
    fn cross(p: (f64, f64), q: (f64, f64), r: (f64, f64), s: (f64, f64)) -> bool {
        let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
            (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
        };
        side(p, q, r) * side(p, q, s) < 0.0 && side(r, s, p) * side(r, s, q) < 0.0
    }

    /// Distance from `c` to the segment p–q.
    fn distance(c: (f64, f64), p: (f64, f64), q: (f64, f64)) -> f64 {
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let t = (((c.0 - p.0) * dx + (c.1 - p.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        (c.0 - p.0 - t * dx).hypot(c.1 - p.1 - t * dy)
    }

    fn crosses_rect(p: (f64, f64), q: (f64, f64), r: Rect) -> bool {
        let (x0, y0, x1, y1) = (
            f64::from(r.0),
            f64::from(r.1),
            f64::from(r.2),
            f64::from(r.3),
        );
        let inside = |a: (f64, f64)| a.0 >= x0 && a.0 <= x1 && a.1 >= y0 && a.1 <= y1;
        inside(p)
            || inside(q)
            || [
                ((x0, y0), (x1, y0)),
                ((x1, y0), (x1, y1)),
                ((x1, y1), (x0, y1)),
                ((x0, y1), (x0, y0)),
            ]
            .iter()
            .any(|&(a, b)| cross(p, q, a, b))
    }

    #[test]
    fn arrows_cross_no_box_no_arrow_and_no_sign() {
        register_fonts();
        let d = diagram();
        let paths: Vec<(String, [(f64, f64); 2])> = d
            .edges
            .iter()
            .map(|e| (format!("{}>{}", e.from, e.to), edge_path(&d, e)))
            .collect();
        let mut faults = Vec::new();
        for (e, (name, [p, q])) in d.edges.iter().zip(&paths) {
            let len = (q.0 - p.0).hypot(q.1 - p.1);
            if len < 2.0 * f64::from(SIGN_RADIUS) + 2.0 * HEAD.0 {
                faults.push(format!(
                    "{name} is {len:.0} px long: too short for its sign and head"
                ));
            }
            for n in d.nodes.iter().filter(|n| n.id != e.from && n.id != e.to) {
                if crosses_rect(*p, *q, node_rect(n)) {
                    faults.push(format!("{name} crosses box {}", n.id));
                }
            }
            for (what, r) in items(&d) {
                let label = what.starts_with("text") || what.starts_with("legend");
                if (label || what == "loop mark") && crosses_rect(*p, *q, r) {
                    faults.push(format!("{name} crosses the {what}"));
                }
            }
            for (other, [r, s]) in &paths {
                if cross(*p, *q, *r, *s) {
                    faults.push(format!("{name} crosses {other}"));
                }
            }
            for (f, other) in d.edges.iter().zip(&paths) {
                if std::ptr::eq(f, e) {
                    continue;
                }
                let c = sign_centre(&d, f);
                let gap = distance((f64::from(c.0), f64::from(c.1)), *p, *q);
                if gap <= f64::from(SIGN_RADIUS) + 2.0 {
                    faults.push(format!(
                        "{name} passes {gap:.0} px from the sign of {}",
                        other.0
                    ));
                }
            }
        }
        assert!(faults.is_empty(), "{}", faults.join("\n"));
    }

    #[test]
    fn every_box_names_terms_of_the_model() {
        use crate::model::inputs::Inputs;
        use crate::model::params::Params;
        use crate::model::{Algebraic, STATE_NAMES};
        let known: Vec<&str> = STATE_NAMES
            .iter()
            .map(|(n, _)| *n)
            .chain(Algebraic::<f64>::NAMES.iter().map(|(n, _, _)| *n))
            .chain(Inputs::<f64>::NAMES.iter().map(|(n, _, _)| *n))
            .chain(Params::NAMES.iter().map(|(n, _)| *n))
            .collect();
        let d = diagram();
        for n in &d.nodes {
            assert!(!n.terms.is_empty(), "box {} names no model term", n.id);
            for t in n.terms {
                assert!(
                    known.contains(t),
                    "box {}: '{t}' is not a term of the model",
                    n.id
                );
            }
        }
        // The cycle closes: following the cycle's arrows from the reflex drive returns
        // to it through all eight steps, with an even number of negative signs (a
        // reinforcing loop).
        let mut at = "u";
        let mut negatives = 0;
        for _ in 0..8 {
            let e = d
                .edges
                .iter()
                .find(|e| e.from == at && d.nodes.iter().any(|n| n.id == e.to && n.role == Cycle))
                .unwrap_or_else(|| panic!("the cycle stops at {at}"));
            negatives += usize::from(e.sign == Down);
            at = e.to;
        }
        assert_eq!(at, "u");
        assert_eq!(negatives % 2, 0, "the cycle must reinforce itself");
    }

    #[test]
    fn text_is_readable_on_a_projector() {
        let svg = super::super::svg_text(&LoopDiagram::default(), Path::new("loop.svg")).unwrap();
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        assert!(!sizes.is_empty());
        let subscript = BODY_PX * SUBSCRIPT_SCALE;
        for s in &sizes {
            assert!(
                *s >= 20.0 - 1e-9 || (s - subscript).abs() < 1e-9,
                "text of {s} px"
            );
        }
        let largest = sizes.iter().copied().fold(0.0, f64::max);
        assert!(largest >= 28.0, "title of {largest} px");
    }
}
