//! Presentational components shared by the pages. They style themselves only through the design
//! tokens in `style/tokens.css`.

pub mod alert;
pub mod boot;
pub mod branding;
pub mod crash_screen;
pub mod form;
pub mod health_status;
pub mod language_switcher;
pub mod layout;
pub mod password_policy;
pub mod qr;
