//! Protocols: what can be scheduled and how it acts. [`schedule`] holds the scheduled
//! inputs (windows of an [`Effect`] and [`Impulse`] events) and turns them into the
//! drivers of each segment; [`catalogue`] names every kind of intervention and trigger
//! a scenario file can ask for, with its keys and defaults.
//!
//! Each scheduled thing applies itself: an [`Effect`] combines itself into the drivers
//! of a segment ([`Effect::combine`]), an [`Impulse`] changes the state
//! ([`Impulse::apply`]); the model knows no schedule and no file format.

pub mod catalogue;
pub mod schedule;

pub use schedule::{Drug, Effect, Event, Impulse, Schedule, Window};
