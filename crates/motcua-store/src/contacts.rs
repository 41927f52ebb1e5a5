//! Citizens' contacts for notifications (`migrations/20261209100001_citizen_contact.sql`).

use crate::DbError;
pub use motcua_service::store::contacts::Contact;
use sqlx::PgConnection;

pub async fn get(conn: &mut PgConnection, citizen_pin: &str) -> Result<Option<Contact>, DbError> {
    let row: Option<(Option<String>, Option<String>, Vec<String>)> =
        sqlx::query_as("select email, phone, channels from citizen_contact where citizen_pin = $1")
            .bind(citizen_pin)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(email, phone, channels)| Contact {
        email,
        phone,
        channels,
    }))
}

pub async fn save(
    conn: &mut PgConnection,
    citizen_pin: &str,
    contact: &Contact,
) -> Result<(), DbError> {
    sqlx::query(
        "insert into citizen_contact (citizen_pin, email, phone, channels)
         values ($1, $2, $3, $4)
         on conflict (citizen_pin) do update
            set email = excluded.email, phone = excluded.phone,
                channels = excluded.channels, updated_at = now()",
    )
    .bind(citizen_pin)
    .bind(contact.email.as_deref())
    .bind(contact.phone.as_deref())
    .bind(&contact.channels)
    .execute(conn)
    .await?;
    Ok(())
}
