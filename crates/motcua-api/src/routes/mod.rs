pub mod auth;
pub mod dossiers;
pub mod me;
pub mod operations;
pub mod procedures;
