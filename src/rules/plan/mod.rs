//! `plan`: the plan file itself.

pub mod inline_secret;
pub mod waivers;
pub mod white_list_length;
