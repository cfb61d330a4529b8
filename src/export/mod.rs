//! Exporting the model to exchange formats (SBML Level 3 Version 2).
