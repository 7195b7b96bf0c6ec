//! `plan`: the plan file itself.

pub mod inline_secret;
pub mod waivers;
