//! Pages qoltanba serves to people (no external assets; kk/ru).
//!
//! - `officer`: the officers' page: applications awaiting their signature,
//!   signed through NCALayer on the officer's own machine.

pub mod officer;
