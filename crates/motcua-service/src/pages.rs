//! Lists are paged by keyset: a page starts after the (created_at, id) of the last item of
//! the one before, so a page stays right while new dossiers arrive.

pub use crate::store::dossiers::PageAfter;

/// The page in `rows`, read with one more than `limit` to tell whether another page follows:
/// at most `limit` rows, and when another page follows, `next` of the page's last row (where
/// the next page starts).
pub fn split<T, C>(
    mut rows: Vec<T>,
    limit: i64,
    next: impl FnOnce(&T) -> C,
) -> (Vec<T>, Option<C>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(next) } else { None };
    (rows, next)
}
