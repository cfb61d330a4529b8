//! HTML for `spasm report`, as pure string work (no file access): escaping, a check
//! that lets only drawing elements of an SVG figure through, base64 for PNG data URIs,
//! and the page itself ([`Page`], [`render`]). The page is self-contained: CSS inline,
//! figures inline, no script, no font or image from anywhere else; a
//! Content-Security-Policy forbids the browser to fetch anything.
//!
//! Length: the SVG check lists every element and attribute it lets through, and its
//! tests try each way a figure could run or fetch something; they belong together.

/// Generator id written into every report's `<meta name="generator">`; a file that
/// carries it may be replaced by a new report ([`is_report`]).
pub const GENERATOR: &str = concat!("spasm report ", env!("CARGO_PKG_VERSION"));

/// The start of the generator tag, independent of the version.
const GENERATOR_TAG: &str = "<meta name=\"generator\" content=\"spasm report";

/// How far into a file [`is_report`] looks for the generator tag, bytes.
pub const GENERATOR_PROBE_BYTES: usize = 4096;

/// Whether `head` (the first [`GENERATOR_PROBE_BYTES`] of a file) is the start of a
/// report spasm wrote.
pub fn is_report(head: &[u8]) -> bool {
    let head = &head[..head.len().min(GENERATOR_PROBE_BYTES)];
    String::from_utf8_lossy(head).contains(GENERATOR_TAG)
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in element
/// content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding) of `bytes`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(base64_len(bytes.len()));
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Length of the base64 text of `n` bytes.
pub fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Prefix of a PNG data URI.
pub const PNG_DATA_URI: &str = "data:image/png;base64,";

/// The elements a figure may contain: what the plotting library draws, nothing that
/// can run code, load a resource or embed other markup (no `script`, `image`, `use`,
/// `foreignObject`, `style`, `a`).
const SVG_ELEMENTS: [&str; 13] = [
    "svg", "g", "rect", "line", "polyline", "polygon", "circle", "ellipse", "path", "text",
    "tspan", "title", "desc",
];

/// The attributes a figure's elements may carry: geometry and presentation only (no
/// event handlers, no `href`, no `style`).
const SVG_ATTRIBUTES: [&str; 34] = [
    "width",
    "height",
    "viewBox",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "dx",
    "dy",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "points",
    "d",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "fill-opacity",
    "opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "transform",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
];

/// The SVG namespace; the only value `xmlns` may have (dropped when inlined: HTML
/// does not need it).
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// Whether `c` may appear in an attribute value: enough for numbers, point lists,
/// colours, font lists and transforms; no quote, colon, semicolon or backslash, so no
/// URL scheme and no CSS.
fn value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " .,#%()-+\n\t".contains(c)
}

/// Check that `text` (element content) has no `<` and uses `&` only in entities.
fn check_text(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .ok_or("an '&' that starts no entity in text")?;
        let name = &after[..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("unknown entity '&{name};' in text"));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// One start tag, checked: its element name and attributes, `xmlns` dropped.
fn check_start_tag(tag: &str) -> Result<(String, Vec<(String, String)>), String> {
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = &tag[..name_end];
    if !SVG_ELEMENTS.contains(&name) {
        return Err(format!("element <{name}> is not allowed in a figure"));
    }
    let mut attributes = Vec::new();
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("attribute without value in <{name}>"))?;
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|q| *q == '"' || *q == '\'')
            .ok_or_else(|| format!("unquoted attribute '{key}' in <{name}>"))?;
        let close = after[1..]
            .find(quote)
            .ok_or_else(|| format!("unterminated attribute '{key}' in <{name}>"))?;
        let value = &after[1..=close];
        rest = after[close + 2..].trim_start();
        if key == "xmlns" && value == SVG_NAMESPACE {
            continue;
        }
        if !SVG_ATTRIBUTES.contains(&key) {
            return Err(format!("attribute '{key}' is not allowed in a figure"));
        }
        if let Some(c) = value.chars().find(|c| !value_char(*c)) {
            return Err(format!("character '{c}' in the value of '{key}'"));
        }
        attributes.push((key.to_string(), value.to_string()));
    }
    Ok((name.to_string(), attributes))
}

/// `svg` rebuilt from its checked parts, ready to be placed inside an HTML page, or
/// why it cannot be: anything but drawing elements with geometry and presentation
/// attributes is refused (see `SVG_ELEMENTS`, `SVG_ATTRIBUTES`), so a figure cannot
/// run a script or fetch a resource even if the file was edited. An XML declaration
/// is dropped, and so is `xmlns` (HTML does not need it); the root `<svg>` gets
/// `class="figure"`, `role="img"` and `aria-label` = `label`.
pub fn sanitize_svg(svg: &str, label: &str) -> Result<String, String> {
    let mut rest = svg.trim_start();
    if rest.starts_with("<?xml") {
        let end = rest.find("?>").ok_or("unterminated XML declaration")?;
        rest = rest[end + 2..].trim_start();
    }
    let mut out = String::with_capacity(rest.len());
    let mut open: Vec<String> = Vec::new();
    let mut root_done = false;
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        check_text(text)?;
        if open.is_empty() && !text.trim().is_empty() {
            return Err("text outside the <svg> element".into());
        }
        out.push_str(text);
        let end = rest[i..].find('>').ok_or("unterminated tag")? + i;
        let tag = &rest[i + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            if open.pop().as_deref() != Some(name) {
                return Err(format!("unbalanced closing tag </{name}>"));
            }
            out.push_str(&format!("</{name}>"));
        } else {
            let self_closing = tag.ends_with('/');
            let (name, attributes) = check_start_tag(tag.trim_end_matches('/').trim())?;
            match (open.is_empty(), name == "svg") {
                (true, true) if !root_done => root_done = true,
                (true, _) => return Err("more than one root element".into()),
                (false, true) => return Err("nested <svg> element".into()),
                (false, false) => {}
            }
            out.push('<');
            out.push_str(&name);
            if open.is_empty() {
                out.push_str(&format!(
                    " class=\"figure\" role=\"img\" aria-label=\"{}\"",
                    escape(label)
                ));
            }
            for (k, v) in &attributes {
                out.push_str(&format!(" {k}=\"{v}\""));
            }
            if self_closing {
                out.push_str("/>");
            } else {
                out.push('>');
                open.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    if !rest.trim().is_empty() {
        return Err("text after the <svg> element".into());
    }
    if !root_done || !open.is_empty() {
        return Err("not one complete <svg> element".into());
    }
    Ok(out)
}

/// Significant digits a long number is shown with in a table (the full value is in
/// the cell's tooltip).
pub const TABLE_DIGITS: usize = 4;

/// Numbers longer than this many characters are shortened in tables.
pub const SHORT_NUMBER_CHARS: usize = 8;

/// How a table cell is shown: numbers of more than [`SHORT_NUMBER_CHARS`] characters
/// with [`TABLE_DIGITS`] significant digits (all the integer digits below 10⁶, an
/// exponent below 10⁻³ and from 10⁶ on). `None` when `cell` is not a finite number
/// (it is shown as written).
pub fn display_number(cell: &str) -> Option<String> {
    let x: f64 = cell.trim().parse().ok()?;
    if !x.is_finite() {
        return None;
    }
    if cell.len() <= SHORT_NUMBER_CHARS || x == 0.0 {
        return Some(cell.to_string());
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-3..6).contains(&magnitude) {
        return Some(format!("{x:.prec$e}", prec = TABLE_DIGITS - 1));
    }
    let decimals = (TABLE_DIGITS as i32 - 1 - magnitude).max(0) as usize;
    Some(format!("{x:.decimals$}"))
}

/// A table read from a CSV file, possibly cut short.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// The rows shown.
    pub rows: Vec<Vec<String>>,
    /// Rows in the whole file (more than `rows.len()` when cut short).
    pub total_rows: usize,
}

/// A figure embedded in the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Image {
    /// SVG markup, already checked by [`sanitize_svg`].
    Svg(String),
    /// PNG bytes, embedded as a base64 data URI.
    Png(Vec<u8>),
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of plain text.
    Text(String),
    /// Preformatted plain text (a scenario, a summary).
    Pre(String),
    /// A figure with its caption and the file it came from.
    Figure {
        /// Caption.
        caption: String,
        /// File name in the run directory.
        file: String,
        /// The image.
        image: Image,
    },
    /// A table with its caption and the file it came from.
    Table {
        /// Caption.
        caption: String,
        /// File name in the run directory.
        file: String,
        /// The table.
        table: Table,
    },
    /// Two columns of plain text: name and value.
    Pairs(Vec<(String, String)>),
    /// Preformatted text behind a summary line, closed until clicked.
    Details {
        /// The line shown.
        summary: String,
        /// The text.
        text: String,
    },
}

/// A section of the page, listed in its table of contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor id (ASCII, no spaces).
    pub id: &'static str,
    /// Heading.
    pub heading: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// A whole report page. Every text is plain text: [`render`] escapes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Title (`<title>` and the heading).
    pub title: String,
    /// Lines under the title.
    pub subtitle: Vec<String>,
    /// Warnings shown in a box above everything else.
    pub warnings: Vec<String>,
    /// The sections.
    pub sections: Vec<Section>,
    /// The last line of the page.
    pub footer: String,
}

/// The page's style sheet: system fonts only, figures scaled to the page width,
/// wide tables scrolled sideways.
const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:1em 2em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.8em;margin:.2em 0}h2{border-bottom:2px solid #0072b2;padding-bottom:.15em;margin-top:1.6em}h3{font-size:1.05em;margin:1.2em 0 .3em}
.sub{color:#444;margin:.1em 0}nav{margin:1em 0;font-size:.95em}nav a{margin-right:1.2em;color:#0072b2}
.warn{border:2px solid #d55e00;background:#fff3ea;padding:.5em 1em;margin:1em 0}
pre{background:#f5f5f5;border:1px solid #ddd;padding:.7em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
figure{margin:1em 0}svg.figure,img.figure{max-width:100%;height:auto;border:1px solid #ddd}figcaption{color:#444;font-size:.9em}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.85em;margin:.3em 0}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top;white-space:nowrap}th{background:#eef4f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}.note{color:#555;font-size:.85em}
table.pairs td:first-child{font-weight:bold}table.pairs td+td{white-space:normal;word-break:break-all}details{margin:.5em 0}summary{cursor:pointer}
footer{margin-top:2em;color:#666;font-size:.8em}";

/// What the browser may load: nothing but the page's own inline style and data-URI
/// images.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

fn render_table(out: &mut String, caption: &str, file: &str, t: &Table) {
    let shown = t.rows.len();
    let cut = shown < t.total_rows;
    if cut {
        out.push_str(&format!(
            "<details><summary><strong>{}</strong>: the first {shown} of {} rows</summary>\n",
            escape(caption),
            t.total_rows
        ));
    } else {
        out.push_str(&format!("<h3>{}</h3>\n", escape(caption)));
    }
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for h in &t.header {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let mut shortened = false;
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            match display_number(cell) {
                Some(short) if short != *cell => {
                    shortened = true;
                    out.push_str(&format!(
                        "<td class=\"num\" title=\"{}\">{}</td>",
                        escape(cell),
                        escape(&short)
                    ));
                }
                Some(_) => out.push_str(&format!("<td class=\"num\">{}</td>", escape(cell))),
                None => out.push_str(&format!("<td>{}</td>", escape(cell))),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    let mut note = if cut {
        format!(
            "The first {shown} of {} rows; the whole table is {file} in the run directory.",
            t.total_rows
        )
    } else {
        format!("From {file}.")
    };
    if shortened {
        note.push_str(&format!(" Numbers of more than {SHORT_NUMBER_CHARS} characters are shown with {TABLE_DIGITS} significant digits (the full value in the tooltip)."));
    }
    out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&note)));
    if cut {
        out.push_str("</details>\n");
    }
}

fn render_block(out: &mut String, block: &Block) {
    match block {
        Block::Text(t) => out.push_str(&format!("<p>{}</p>\n", escape(t))),
        Block::Pre(t) => out.push_str(&format!("<pre>{}</pre>\n", escape(t))),
        Block::Figure {
            caption,
            file,
            image,
        } => {
            out.push_str("<figure>\n");
            match image {
                Image::Svg(svg) => out.push_str(svg),
                Image::Png(bytes) => out.push_str(&format!(
                    "<img class=\"figure\" alt=\"{}\" src=\"{PNG_DATA_URI}{}\">",
                    escape(caption),
                    base64(bytes)
                )),
            }
            out.push_str(&format!(
                "\n<figcaption>{} ({})</figcaption>\n</figure>\n",
                escape(caption),
                escape(file)
            ));
        }
        Block::Table {
            caption,
            file,
            table,
        } => render_table(out, caption, file, table),
        Block::Pairs(pairs) => {
            out.push_str("<div class=\"scroll\"><table class=\"pairs\">\n");
            for (k, v) in pairs {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td></tr>\n",
                    escape(k),
                    escape(v)
                ));
            }
            out.push_str("</table></div>\n");
        }
        Block::Details { summary, text } => out.push_str(&format!(
            "<details><summary>{}</summary>\n<pre>{}</pre></details>\n",
            escape(summary),
            escape(text)
        )),
    }
}

/// The page as one HTML document. All text is escaped here; SVG figures are inserted
/// as checked by [`sanitize_svg`].
pub fn render(page: &Page) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{GENERATOR_TAG} {}\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n",
        escape(env!("CARGO_PKG_VERSION")),
        escape(&page.title)
    ));
    out.push_str(&format!("<h1>{}</h1>\n", escape(&page.title)));
    for line in &page.subtitle {
        out.push_str(&format!("<p class=\"sub\">{}</p>\n", escape(line)));
    }
    if !page.warnings.is_empty() {
        out.push_str(
            "<div class=\"warn\"><strong>Check before you trust this report:</strong><ul>\n",
        );
        for w in &page.warnings {
            out.push_str(&format!("<li>{}</li>\n", escape(w)));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("<nav>");
    for s in &page.sections {
        out.push_str(&format!(
            "<a href=\"#{}\">{}</a>",
            escape(s.id),
            escape(&s.heading)
        ));
    }
    out.push_str("</nav>\n");
    for s in &page.sections {
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            escape(s.id),
            escape(&s.heading)
        ));
        for b in &s.blocks {
            render_block(&mut out, b);
        }
        out.push_str("</section>\n");
    }
    out.push_str(&format!(
        "<footer>{}</footer>\n</body>\n</html>\n",
        escape(&page.footer)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            escape(r#"<script>alert('x')</script> & "co""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
            assert_eq!(base64_len(plain.len()), coded.len());
        }
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }

    const FIGURE: &str = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" fill=\"#FFFFFF\"/>\n<text x=\"1\" y=\"2\" font-family=\"DejaVu Sans, sans-serif\" transform=\"rotate(-90, 1, 2)\">\nA &amp; &lt;b&gt; &#955;\n</text>\n</svg>\n";

    #[test]
    fn a_plotted_figure_passes_without_its_namespace() {
        let s = sanitize_svg(FIGURE, "a \"figure\"").unwrap();
        assert!(s.starts_with(
            "<svg class=\"figure\" role=\"img\" aria-label=\"a &quot;figure&quot;\" width=\"10\""
        ));
        assert!(!s.contains("http"), "{s}");
        assert!(s.contains("A &amp; &lt;b&gt; &#955;"), "{s}");
        assert!(s.contains("<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" fill=\"#FFFFFF\"/>"));
        let declared = format!("<?xml version=\"1.0\"?>\n{FIGURE}");
        assert_eq!(sanitize_svg(&declared, "a \"figure\"").unwrap(), s);
    }

    #[test]
    fn anything_that_could_run_or_fetch_is_refused() {
        let cases = [
            ("<script>alert(1)</script>", "element <script>"),
            ("<rect onload=\"alert(1)\"/>", "attribute 'onload'"),
            (
                "<image href=\"https://example.org/x.png\"/>",
                "element <image>",
            ),
            ("<a href=\"x\"><text>x</text></a>", "element <a>"),
            ("<foreignObject></foreignObject>", "element <foreignObject>"),
            ("<rect style=\"fill:url(https://x)\"/>", "attribute 'style'"),
            ("<rect fill=\"url(javascript:x)\"/>", "character ':'"),
            ("<rect fill='a\"b'/>", "character '\"'"),
            ("<text>&foo;</text>", "unknown entity '&foo;'"),
            ("<text>a & b</text>", "an '&' that starts no entity"),
            ("<svg></svg>", "nested <svg>"),
            ("<!-- c -->", "element <!--"),
        ];
        for (inner, why) in cases {
            let svg = format!("<svg width=\"1\" height=\"1\">{inner}</svg>");
            let e = sanitize_svg(&svg, "x").unwrap_err();
            assert!(e.contains(why), "{inner}: {e}");
        }
        for (svg, why) in [
            ("<svg></svg><svg></svg>", "more than one root"),
            ("<svg><g></svg>", "unbalanced"),
            ("<svg><g>", "not one complete"),
            ("x<svg></svg>", "outside"),
            ("<svg></svg>x", "after"),
            ("<svg width=1></svg>", "unquoted"),
        ] {
            let e = sanitize_svg(svg, "x").unwrap_err();
            assert!(e.contains(why), "{svg}: {e}");
        }
    }

    #[test]
    fn long_numbers_are_shortened_short_ones_and_words_kept() {
        assert_eq!(display_number("5.2241005292092275").unwrap(), "5.224");
        assert_eq!(display_number("352.2846680554037").unwrap(), "352.3");
        assert_eq!(display_number("0.16666666666666666").unwrap(), "0.1667");
        assert_eq!(display_number("123456.78901").unwrap(), "123457");
        assert_eq!(display_number("1234567.8901").unwrap(), "1.235e6");
        assert_eq!(display_number("0.000012345678").unwrap(), "1.235e-5");
        assert_eq!(display_number("6.0").unwrap(), "6.0");
        assert_eq!(display_number("0.0000000000").unwrap(), "0.0000000000");
        assert_eq!(display_number("inf"), None);
        assert_eq!(display_number("no treatment"), None);
    }

    #[test]
    fn the_page_escapes_user_text_and_loads_nothing() {
        let evil = "<script>alert(1)</script>";
        let page = Page {
            title: evil.into(),
            subtitle: vec![evil.into()],
            warnings: vec![evil.into()],
            sections: vec![Section {
                id: "s",
                heading: evil.into(),
                blocks: vec![
                    Block::Text(evil.into()),
                    Block::Pre(evil.into()),
                    Block::Pairs(vec![(evil.into(), evil.into())]),
                    Block::Details {
                        summary: evil.into(),
                        text: evil.into(),
                    },
                    Block::Table {
                        caption: evil.into(),
                        file: "t.csv".into(),
                        table: Table {
                            header: vec![evil.into()],
                            rows: vec![vec![evil.into()], vec!["1.23456789012".into()]],
                            total_rows: 10,
                        },
                    },
                    Block::Figure {
                        caption: evil.into(),
                        file: "f.png".into(),
                        image: Image::Png(vec![1, 2, 3]),
                    },
                ],
            }],
            footer: evil.into(),
        };
        let html = render(&page);
        assert!(!html.contains("<script"), "{html}");
        assert_eq!(html.matches("&lt;script&gt;").count(), 18, "{html}");
        assert!(html.contains("<details><summary><strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>: the first 2 of 10 rows</summary>"));
        assert!(html.contains("src=\"data:image/png;base64,AQID\""));
        assert!(html.contains("title=\"1.23456789012\">1.235</td>"));
        assert!(html.contains("The first 2 of 10 rows; the whole table is t.csv"));
        assert!(is_report(html.as_bytes()));
        assert!(!is_report(
            b"<html><head><meta name=\"generator\" content=\"other\">"
        ));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }
}
