// `sqlx::migrate!` embeds the migrations when this crate compiles, but cargo does not know
// the macro reads that folder: without this line a new migration is left out of the next
// build (and of a benchmark that builds and starts the engine) until something else changes.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
