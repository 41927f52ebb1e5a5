//! Lists are paged by keyset: a page starts after the (created_at, id) of the last item of
//! the one before, so a page stays right while new dossiers arrive.

pub use motcua_store::dossiers::PageAfter;
