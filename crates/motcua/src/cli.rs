//! The command line.

use crate::{config::Config, dev, procedures_dir, server, telemetry};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "motcua",
    version,
    about = "Engine for Vietnamese online public services (dịch vụ công trực tuyến)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run for development: private PostgreSQL under ./var/pg, the built-in identity
    /// provider and register (motcua-sim), no configuration needed.
    Dev,
    /// Run in production: every outside service comes from the environment.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Procedure files.
    Procedures {
        #[command(subcommand)]
        command: ProceduresCommand,
    },
    /// Stored files.
    Files {
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// Fill the database (DATABASE_URL) with synthetic dossiers of the procedures of
    /// MOTCUA_PROCEDURES_DIR, in every state, across agencies and months, with their
    /// indicator facts: for report tests and benchmarks.
    Generate {
        /// How many dossiers.
        #[arg(long)]
        dossiers: u64,
        /// The year they are submitted in (the legal calendar covers 2025 to 2027).
        #[arg(long, default_value_t = 2026)]
        year: i32,
        /// The same seed gives the same dossiers.
        #[arg(long, default_value_t = 766)]
        seed: u64,
    },
    /// Personal data past its time: anonymise finished dossiers past their procedure's
    /// retention and erase their files. Uses DATABASE_URL, MOTCUA_PROCEDURES_DIR and S3_*
    /// (or the local folder under MOTCUA_DATA_DIR).
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// The facts the scored indicators are computed from.
    Facts {
        #[command(subcommand)]
        command: FactsCommand,
    },
    /// The outbox: messages owed to other systems (DVCQG). Uses DATABASE_URL.
    Outbox {
        #[command(subcommand)]
        command: crate::outbox_command::OutboxCommand,
    },
}

#[derive(Debug, Subcommand)]
enum FactsCommand {
    /// Recompute every submitted dossier's indicator facts from the dossier itself.
    /// Uses DATABASE_URL and the procedures of MOTCUA_PROCEDURES_DIR.
    Rebuild,
}

#[derive(Debug, Subcommand)]
enum RetentionCommand {
    /// Anonymise now what is past its retention; prints what was done as JSON.
    Run {
        /// Only count, per procedure, the dossiers a run would anonymise.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum FilesCommand {
    /// Remove objects no document holds (left by failed uploads), older than 10 minutes.
    /// Uses DATABASE_URL and S3_* (or the local folder under MOTCUA_DATA_DIR).
    Sweep,
}

#[derive(Debug, Subcommand)]
enum ProceduresCommand {
    /// Load every procedure file of DIR (default: MOTCUA_PROCEDURES_DIR or ./procedures)
    /// and print every problem with its file and JSON pointer.
    Check {
        dir: Option<PathBuf>,
        /// Also pull the national catalogue from DVCQG (DVCQG_*) and name every procedure
        /// whose national code it does not list; fails if there is one.
        #[arg(long)]
        national: bool,
    },
}

pub async fn run() -> ExitCode {
    // One crypto provider for every TLS client of the process (PostgreSQL, S3, the outside
    // services); an error only means one is installed already.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    let (config, mut problems) = Config::from_env();
    // `serve` names what is wrong and what is missing in one refusal, so that an operator
    // fixes the configuration in one go.
    if matches!(cli.command, Command::Serve) {
        problems.extend(config.missing_for_serve());
    }
    if !problems.is_empty() {
        eprintln!("motcua: the configuration has problems:");
        for p in problems {
            eprintln!("  - {p}");
        }
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Procedures {
            command: ProceduresCommand::Check { dir, national },
        } => {
            let dir = dir.unwrap_or(config.procedures_dir.clone());
            if national {
                return procedures_dir::national_check_command(&config, &dir).await;
            }
            return procedures_dir::check_command(&dir);
        }
        Command::Dev => {
            telemetry::init(false);
            dev::run(config).await
        }
        Command::Serve => {
            telemetry::init(true);
            server::serve_command(config).await
        }
        Command::Migrate => {
            telemetry::init(false);
            server::migrate_command(config).await
        }
        Command::Retention {
            command: RetentionCommand::Run { dry_run },
        } => {
            telemetry::init(false);
            server::retention_command(config, dry_run).await
        }
        Command::Files {
            command: FilesCommand::Sweep,
        } => {
            telemetry::init(false);
            server::sweep_command(config).await
        }
        Command::Generate {
            dossiers,
            year,
            seed,
        } => {
            telemetry::init(false);
            server::generate_command(
                config,
                crate::generate::Options {
                    dossiers,
                    year,
                    seed,
                },
            )
            .await
        }
        Command::Facts {
            command: FactsCommand::Rebuild,
        } => {
            telemetry::init(false);
            server::rebuild_facts_command(config).await
        }
        Command::Outbox { command } => {
            telemetry::init(false);
            crate::outbox_command::run(config, command).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}
