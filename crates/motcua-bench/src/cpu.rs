//! Where the machine's CPU went during a phase of a run, per operation: the engine, PostgreSQL
//! (every process of the private cluster), the load generator (this process, with the
//! simulator in it) and pgbench. On two shared cores this is what explains a ratio to the
//! ceiling: the engine's requests cost PostgreSQL about what pgbench's transactions cost it,
//! and everything else the engine spends comes out of the same two cores.
//!
//! Times are read from `/proc/{pid}/stat` (user + system, in clock ticks): a process's own
//! time, plus, for the PostgreSQL postmaster and this process, the time of children that
//! ended (backends that closed, pgbench once it has exited).

use std::time::Duration;

/// CPU time used so far by each party of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuTimes {
    pub engine: Duration,
    pub postgres: Duration,
    /// This process's own threads: the load generator and the in-process simulator.
    pub load_generator: Duration,
    /// Children of this process that ended: pgbench's runs.
    pub pgbench: Duration,
    /// Wall-clock instant, to say how busy the machine was.
    at: Option<std::time::Instant>,
}

/// The fields of `/proc/{pid}/stat` after the command's name: utime, stime, cutime, cstime
/// (fields 14–17 of proc(5)), in clock ticks.
fn ticks(stat: &str) -> Option<(u64, u64)> {
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // `after_name` starts at field 3 (state); utime is field 14.
    let own = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let children = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some((own, children))
}

fn command_name(stat: &str) -> Option<&str> {
    Some(&stat[stat.find('(')? + 1..stat.rfind(')')?])
}

/// Clock ticks a second (`getconf CLK_TCK`; 100 on Linux in practice).
fn ticks_per_second() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(100)
}

impl CpuTimes {
    /// The times now. PostgreSQL is every process named `postgres` (the benchmark's cluster
    /// is its own; no other runs beside it).
    pub fn now(engine_pid: u32) -> CpuTimes {
        let per_second = ticks_per_second();
        let as_duration = |t: u64| Duration::from_millis(t * 1000 / per_second);
        let mut postgres = 0;
        let mut engine = 0;
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                    continue;
                };
                let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                    continue;
                };
                let Some((own, children)) = ticks(&stat) else {
                    continue;
                };
                if pid == engine_pid {
                    engine = own;
                } else if command_name(&stat) == Some("postgres") {
                    postgres += own + children;
                }
            }
        }
        let (own, children) = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| ticks(&s))
            .unwrap_or_default();
        CpuTimes {
            engine: as_duration(engine),
            postgres: as_duration(postgres),
            load_generator: as_duration(own),
            pgbench: as_duration(children),
            at: Some(std::time::Instant::now()),
        }
    }

    /// What each party used between `self` (earlier) and `later`, per operation.
    pub fn per_operation(&self, later: &CpuTimes, operations: u64) -> String {
        let used = [
            later.engine.saturating_sub(self.engine),
            later.postgres.saturating_sub(self.postgres),
            later.load_generator.saturating_sub(self.load_generator),
            later.pgbench.saturating_sub(self.pgbench),
        ];
        let per = |used: Duration| {
            format!(
                "{:.0} µs",
                used.as_secs_f64() * 1e6 / operations.max(1) as f64
            )
        };
        let wall = match (self.at, later.at) {
            (Some(a), Some(b)) => b.duration_since(a).as_secs_f64(),
            _ => 0.0,
        };
        let total: f64 = used.iter().map(Duration::as_secs_f64).sum();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        format!(
            "engine {}, PostgreSQL {}, load generator {}, pgbench {} per operation; \
             {:.0} % of {cores} cores busy",
            per(used[0]),
            per(used[1]),
            per(used[2]),
            per(used[3]),
            if wall > 0.0 {
                100.0 * total / (wall * cores as f64)
            } else {
                0.0
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_and_children_times_after_a_name_with_spaces_and_parentheses() {
        // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
        // cmajflt utime stime cutime cstime …
        let stat = "42 (tokio rt (1)) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 4";
        assert_eq!(ticks(stat), Some((300, 10)));
        assert_eq!(command_name(stat), Some("tokio rt (1)"));
    }
}
