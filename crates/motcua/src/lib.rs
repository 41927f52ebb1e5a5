//! The motcua binary's library part: configuration, wiring and the commands.
//!
//! `serve` runs against configured outside services; `dev` starts the stand-ins (a private
//! PostgreSQL cluster, motcua-sim) first and then does what `serve` does.

pub mod cli;
pub mod config;
pub mod connections;
pub mod dev;
pub mod generate;
pub mod jobs;
pub mod notify_config;
pub mod outbox_command;
pub mod outbox_config;
pub mod paygov_config;
pub mod postgres_local;
pub mod procedures_dir;
pub mod server;
pub mod staff_directory;
pub mod telemetry;
