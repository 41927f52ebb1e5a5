//! The pure domain of motcua: no I/O, no async.
//!
//! Procedure specifications and their checks, form validation, the workflow state machine,
//! the working-day calendar and legal clock, personal identification numbers and dossier codes.

pub mod access;
pub mod agencies;
pub mod calendar;
pub mod dossier;
pub mod dossier_code;
pub mod fees;
pub mod file_name;
#[cfg(test)]
mod fixtures;
pub mod indicators;
pub mod legal_clock;
pub mod media;
pub mod merge_patch;
pub mod notification;
pub mod pin;
pub mod principal;
pub mod procedure;
pub mod rules;
pub mod satisfaction;
pub mod scorecard;
pub mod transition;
