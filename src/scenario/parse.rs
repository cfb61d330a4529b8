//! Scenario file format (TOML): see docs/scenarios.md.
