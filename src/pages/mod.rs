//! One module per routed screen (the flows' shared screens under [`flow`]).

pub mod access;
pub mod account;
pub mod change_password;
pub mod flow;
pub mod home;
pub mod more_info;
pub mod not_found;
pub mod security_info;
pub mod sign_in;
