//! The rules of the Connecting Conversations method ("Ruimte voor Zorg"), free of I/O.
//!
//! Everything here is pure: the storage and web crates call into it, never the other way round.

pub mod access;
pub mod act;
pub mod coding;
pub mod demo_content;
pub mod export;
pub mod import;
pub mod kappa;
pub mod listen;
pub mod perspective;
pub mod plot;
pub mod pseudonymise;
pub mod report;
pub mod scores;
pub mod segment;
pub mod suggest;
pub mod suppress;
pub mod theme_form;
pub mod themes;
pub mod validate;

pub use perspective::{Perspective, Valence};
