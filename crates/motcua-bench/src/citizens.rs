//! Synthetic citizens for the benchmarks, with access tokens minted by the code the login
//! uses after a checked VNeID login (`motcua_auth::AccessTokens::issue`), signed with the
//! test engines' secret. Logging in is not what the benchmarks measure.

use motcua_auth::{AccessTokens, Principal};
use motcua_tests::TEST_TOKEN_SECRET;
use sqlx::PgPool;

pub struct Citizens {
    tokens: AccessTokens,
}

impl Default for Citizens {
    fn default() -> Self {
        Citizens::new()
    }
}

impl Citizens {
    pub fn new() -> Citizens {
        Citizens {
            // An hour: longer than any run, so no token expires mid-run.
            tokens: AccessTokens::new(TEST_TOKEN_SECRET.as_bytes(), 3600)
                .expect("the test secret is long enough"),
        }
    }

    /// An access token of the citizen with this PIN, at assurance level 2 (VNeID level 2).
    pub fn token(&self, pin: &str) -> String {
        self.tokens
            .issue(&Principal::Citizen {
                pin: motcua_core::pin::Pin::parse(pin).expect("the benchmark's PINs are valid"),
                name: "Thí sinh".to_owned(),
                assurance_level: 2,
            })
            .expect("an HS256 token can always be signed")
    }
}

/// Birth-province codes the synthetic PINs use (real ones: the engine checks them).
const PROVINCES: [&str; 10] = [
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015",
];

/// The `n`th synthetic PIN (n below ten million): a birth province of [`PROVINCES`] per
/// million, 3 (a woman born in the 2000s), birth year 07, and `n`'s last six digits.
/// Distinct for distinct `n`.
pub fn synthetic_pin(n: u64) -> String {
    let province =
        PROVINCES[usize::try_from(n / 1_000_000).unwrap_or(usize::MAX) % PROVINCES.len()];
    format!("{province}307{:06}", n % 1_000_000)
}

/// Defines `bench_pin(n)` in the benchmark's database: [`synthetic_pin`] in SQL, for the
/// rows the benchmarks copy there (the load generator computes the same numbers itself).
pub async fn define_synthetic_pin(pool: &PgPool) {
    let provinces = PROVINCES
        .iter()
        .map(|p| format!("'{p}'"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!(
        "create function bench_pin(n bigint) returns text language sql immutable as $$
             select (array[{provinces}])[1 + (n / 1000000) % {}]
                    || '307' || lpad((n % 1000000)::text, 6, '0')
         $$",
        PROVINCES.len()
    ))
    .execute(pool)
    .await
    .expect("defining bench_pin");
}
