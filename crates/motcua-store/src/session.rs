//! The use cases' storage ([`Store`], [`Session`]) over a PostgreSQL pool. Each kind of
//! record is implemented beside its SQL, in the module of its table.

use crate::{dossiers, procedures, DbError, StoreError};
use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_service::store::{Connections, Session, Store};
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::ops::RangeInclusive;

/// The storage of a pool: what the binary hands to the use cases.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        PgStore { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A connection of the pool, in a transaction ([`Store::begin`]) or not
/// ([`Store::session`]).
pub struct PgSession {
    held: Held,
}

enum Held {
    Transaction(Transaction<'static, Postgres>),
    Connection(PoolConnection<Postgres>),
}

impl PgSession {
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        match &mut self.held {
            Held::Transaction(tx) => tx,
            Held::Connection(conn) => conn,
        }
    }
}

#[async_trait]
impl Store for PgStore {
    async fn begin(&self) -> Result<Box<dyn Session>, StoreError> {
        let tx = self.pool.begin().await.map_err(DbError::from)?;
        Ok(Box::new(PgSession {
            held: Held::Transaction(tx),
        }))
    }

    async fn session(&self) -> Result<Box<dyn Session>, StoreError> {
        let conn = self.pool.acquire().await.map_err(DbError::from)?;
        Ok(Box::new(PgSession {
            held: Held::Connection(conn),
        }))
    }

    async fn ping(&self) -> bool {
        crate::ping(&self.pool).await
    }

    fn connections(&self) -> Connections {
        Connections {
            open: self.pool.size(),
            idle: self.pool.num_idle(),
        }
    }

    async fn reserve_code_numbers(
        &self,
        agency_id: &str,
        day: NaiveDate,
        count: u32,
    ) -> Result<RangeInclusive<u32>, StoreError> {
        Ok(dossiers::reserve_code_numbers(&self.pool, agency_id, day, count).await?)
    }

    async fn procedure_versions(&self) -> Result<Vec<(String, i32, Value)>, StoreError> {
        Ok(procedures::all_versions(&self.pool).await?)
    }
}

#[async_trait]
impl Session for PgSession {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        match self.held {
            Held::Transaction(tx) => Ok(tx.commit().await.map_err(DbError::from)?),
            Held::Connection(_) => Ok(()),
        }
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        match self.held {
            Held::Transaction(tx) => Ok(tx.rollback().await.map_err(DbError::from)?),
            Held::Connection(_) => Ok(()),
        }
    }
}
