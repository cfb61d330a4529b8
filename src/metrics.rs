//! Endpoints computed from a trajectory.
