//! The server's integration tests: one binary, every test over real HTTP against the server on
//! port 0, each on a fresh database, on SQLite and on PostgreSQL (see `helpers`).

// Shared by every test file; not each file uses every helper.
#[allow(dead_code)]
mod admins;
#[allow(dead_code)]
mod directory;
#[allow(dead_code)]
mod helpers;
#[allow(dead_code)]
mod mailbox;
#[allow(dead_code)]
mod methods_support;
#[allow(dead_code)]
mod oidc_support;
#[allow(dead_code)]
mod phone_support;
#[allow(dead_code)]
mod policy_support;
#[allow(dead_code)]
mod support;

mod access;
mod admin;
mod admin_audit;
mod admin_groups;
mod admin_users;
mod api_tokens;
mod applications;
mod audit;
mod bad_input;
mod branding;
mod concurrency;
mod crash;
mod csrf;
mod development;
mod enumeration;
mod errors;
mod flows;
mod graph_policy;
mod guests;
mod health;
mod instances;
mod invitations_admin;
mod janitor;
mod lifecycle;
mod lockout;
mod logs;
mod mail;
mod mobile_phone;
mod notices;
mod oidc;
mod openapi;
mod outbox;
mod passcodes;
mod passwords;
mod phone_policy;
mod phone_providers;
mod policy_enforcement;
mod push;
mod push_policy;
mod questions_method;
mod registration;
mod reports;
mod reset;
mod reset_alternate_email;
mod reset_methods;
mod reset_phone;
mod reset_policy;
mod schema_dialects;
mod scripts;
mod security_info;
mod security_methods;
mod sessions;
mod spa;
mod throttling;
mod user_flows;
mod write_lock;
