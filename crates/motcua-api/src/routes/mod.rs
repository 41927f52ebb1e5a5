pub mod auth;
pub mod dossiers;
pub mod operations;
pub mod procedures;
