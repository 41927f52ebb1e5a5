//! `motcua outbox list|retry|drop`: the operator's hands on the outbox, with DATABASE_URL
//! (`docs/OPERATIONS.md`, "The outbox"). Every message is in reach, unlike a supervisor's
//! API, which sees their agency's dossiers' only.

use crate::config::Config;
use anyhow::{bail, Result};
use clap::Subcommand;
use motcua_service::outbox::operator::{self, Decision, Filter, MessageView, Operator};
use motcua_store::PgStore;
use secrecy::ExposeSecret;
use uuid::Uuid;

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List messages, oldest first, one JSON object a line.
    List {
        /// pending, delivered, dead or dropped.
        #[arg(long)]
        state: Option<String>,
        /// A target, e.g. dvcqg.
        #[arg(long)]
        target: Option<String>,
        /// A dossier's id.
        #[arg(long)]
        dossier: Option<Uuid>,
        /// At most this many (1 to 200).
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// The id after which to start (the last id of the previous page).
        #[arg(long)]
        after: Option<i64>,
    },
    /// Make messages due now, their attempts counted from 0: the ids given (dead or
    /// backing off), or with --all-dead every dead one (of --target).
    Retry {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids")]
        all_dead: bool,
        #[arg(long, requires = "all_dead")]
        target: Option<String>,
    },
    /// Drop messages (dead or pending): never sent; their dossiers' later messages go on.
    Drop {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

fn print(message: &MessageView) -> Result<()> {
    println!("{}", serde_json::to_string(message)?);
    Ok(())
}

pub async fn run(config: Config, command: OutboxCommand) -> Result<()> {
    let Some(url) = &config.database_url else {
        bail!("set DATABASE_URL to the engine's database");
    };
    let store = PgStore::new(motcua_store::connect(url.expose_secret(), 2).await?);
    let failed = |e: motcua_service::ServiceError| anyhow::anyhow!("{}: {}", e.code, e.detail);
    match command {
        OutboxCommand::List {
            state,
            target,
            dossier,
            limit,
            after,
        } => {
            let filter = Filter {
                state,
                target,
                dossier_id: dossier,
            };
            let cursor = after.map(|a| a.to_string());
            let page = operator::list(
                &store,
                Operator::CommandLine,
                filter,
                limit,
                cursor.as_deref(),
            )
            .await
            .map_err(failed)?;
            for message in &page.items {
                print(message)?;
            }
            if let Some(next) = page.next_cursor {
                eprintln!("more: --after {next}");
            }
        }
        OutboxCommand::Retry {
            ids,
            all_dead,
            target,
        } => {
            if all_dead {
                let filter = Filter {
                    target,
                    ..Default::default()
                };
                let ids = operator::retry_dead(&store, filter).await.map_err(failed)?;
                println!("retried {} message(s)", ids.len());
            } else if ids.is_empty() {
                bail!("name the messages to retry, or --all-dead");
            } else {
                decide_each(&store, &ids, Decision::Retry).await?;
            }
        }
        OutboxCommand::Drop { ids } => decide_each(&store, &ids, Decision::Drop).await?,
    }
    Ok(())
}

/// Decides each of `ids`, printing each message as it is after; fails if any could not be.
async fn decide_each(store: &PgStore, ids: &[i64], decision: Decision) -> Result<()> {
    let mut refused = 0;
    for &id in ids {
        match operator::decide(store, Operator::CommandLine, id, decision).await {
            Ok(message) => print(&message)?,
            Err(e) => {
                refused += 1;
                eprintln!("motcua: message {id}: {}: {}", e.code, e.detail);
            }
        }
    }
    if refused > 0 {
        bail!("{refused} of {} message(s) could not be changed", ids.len());
    }
    Ok(())
}
