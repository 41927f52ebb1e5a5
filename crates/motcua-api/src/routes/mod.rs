pub mod auth;
pub mod documents;
pub mod dossiers;
pub mod me;
pub mod operations;
pub mod procedures;
