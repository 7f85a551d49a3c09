//! The verdict stage: facts from the signature, minutes and audit-trail stages weighed by a
//! policy into findings and a status (verdict.md). Each rule is a small function in
//! [`rules`]; [`identity`] says who is who; [`calendar`] counts days as Swedish law does.

pub mod calendar;
pub mod identity;
pub mod policy;
pub mod rules;
