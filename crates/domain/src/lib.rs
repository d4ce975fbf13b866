//! The rules of safegrid as pure Rust.
//!
//! Nothing here does IO: no database, no network, no clock. Types have validating constructors so
//! that a value that exists is a value that is valid (a [`Uscc`] cannot hold a bad check digit), and
//! every rule taken from `shared/domain/rules.md` is tested at its boundaries.

pub mod access;
pub mod alarm;
pub mod audit;
pub mod campaign;
pub mod cap_import;
pub mod cards;
pub mod delivery;
pub mod disaster;
pub mod duty;
pub mod enforcement;
pub mod enterprise;
pub mod error;
pub mod evidence;
pub mod hazard;
pub mod incident;
pub mod industry;
pub mod inspection;
pub mod investigation;
pub mod local_time;
pub mod mobile;
pub mod monitoring;
pub mod patrol;
pub mod plan;
pub mod project;
pub mod rating;
pub mod region;
pub mod registry;
pub mod risk;
pub mod risk_list;
pub mod stock;
pub mod target;
pub mod team;
pub mod telemetry;
pub mod tipoff;
pub mod training;
pub mod uscc;
pub mod warning;
pub mod workplan;

pub use error::{FieldError, Invalid};
pub use mobile::Mobile;
pub use uscc::Uscc;
