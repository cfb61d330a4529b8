//! Exporting the model: SBML Level 3 Version 2, a COMBINE/OMEX archive of a scenario
//! (SBML per arm + SED-ML + manifest, [`to_omex`]), a Python right-hand side for the
//! SciPy peer harness, and the equation table of docs/model.md.
//!
//! All three are derived from one source, the generic equations of `src/model/`
//! evaluated with symbols ([`SymbolicModel`]): [`equations()`] turns that graph into
//! expression trees for SBML ([`to_sbml`]), [`python_module`] and [`markdown_table`]
//! write it as text.

mod equations;
mod math;
mod omex;
mod sbml;
mod sedml;
mod straight_line;
mod symbolic_model;

pub use equations::{driver_values, equations, Definition, Equations, DRIVER_NAMES};
pub use omex::{
    omex_files, to_omex, OmexError, ARCHIVE_RTOL_CEILING, MANIFEST_FILE, MAX_STEPS_PER_INTERVAL,
    METADATA_FILE, SEDML_FILE,
};
pub use sbml::{derived_constant_values, parameter_values, plan, to_sbml, ExportError, Plan, Step};
pub use sedml::{
    KISAO_ABSOLUTE_TOLERANCE, KISAO_CVODE, KISAO_MAXIMUM_NUMBER_OF_STEPS, KISAO_MAXIMUM_STEP_SIZE,
    KISAO_RELATIVE_TOLERANCE,
};
pub use straight_line::rust_module;
pub use symbolic_model::{markdown_table, python_module, Style, SymbolicModel};
