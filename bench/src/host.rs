//! What `/proc` says about the server process and the machine: memory, and CPU time.
//!
//! CPU figures explain throughput: on a 2-core machine that the load generator shares with the
//! server (and, on PostgreSQL, with the database), "how many cores did the server use, and how
//! much CPU did one request cost" says whether a rate is bounded by the CPU or by waiting.

/// Clock ticks per second of `/proc` CPU times (`USER_HZ`, 100 on every mainstream Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// A `VmRSS`/`VmHWM`-style figure of process `pid`, in bytes.
pub fn memory(pid: u32, field: &str) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    status_kb(&status, field)
        .map(|kb| kb * 1024)
        .ok_or_else(|| format!("no {field} in {path}"))
}

fn status_kb(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
}

/// CPU time used so far: by one process, and by the whole machine (busy and total).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    process_ticks: u64,
    database_ticks: u64,
    busy_ticks: u64,
    total_ticks: u64,
    at: Option<std::time::Instant>,
}

/// CPU use between two samples.
#[derive(Debug, Clone, Copy)]
pub struct CpuUse {
    /// Cores' worth of CPU the process used (1.0 = one core all the time).
    pub process_cores: f64,
    /// CPU seconds the process used.
    pub process_secs: f64,
    /// Cores' worth of CPU every PostgreSQL process of the machine used together (0 without
    /// PostgreSQL).
    pub database_cores: f64,
    /// Share of the machine's CPU time that was busy, 0 to 1.
    pub machine_busy: f64,
}

impl Cpu {
    /// Now, for process `pid` (zeros where `/proc` cannot be read).
    pub fn sample(pid: u32) -> Cpu {
        let process_ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| process_ticks(&stat))
            .unwrap_or(0);
        let (busy_ticks, total_ticks) = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|stat| machine_ticks(&stat))
            .unwrap_or((0, 0));
        Cpu {
            process_ticks,
            database_ticks: named_ticks("postgres"),
            busy_ticks,
            total_ticks,
            at: Some(std::time::Instant::now()),
        }
    }

    /// What was used from `self` to `later`.
    pub fn until(&self, later: &Cpu) -> CpuUse {
        let wall = match (self.at, later.at) {
            (Some(a), Some(b)) => b.duration_since(a).as_secs_f64(),
            _ => 0.0,
        };
        let process_secs =
            later.process_ticks.saturating_sub(self.process_ticks) as f64 / TICKS_PER_SEC;
        let database_secs =
            later.database_ticks.saturating_sub(self.database_ticks) as f64 / TICKS_PER_SEC;
        let total = later.total_ticks.saturating_sub(self.total_ticks) as f64;
        let busy = later.busy_ticks.saturating_sub(self.busy_ticks) as f64;
        CpuUse {
            process_cores: if wall > 0.0 { process_secs / wall } else { 0.0 },
            process_secs,
            database_cores: if wall > 0.0 {
                database_secs / wall
            } else {
                0.0
            },
            machine_busy: if total > 0.0 { busy / total } else { 0.0 },
        }
    }
}

/// CPU ticks used so far by every process named `command` (its server processes come and go
/// with their connections; the pooled ones stay for the whole run).
fn named_ticks(command: &str) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let marker = format!("({command})");
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| stat.contains(&marker))
        .filter_map(|stat| process_ticks(&stat))
        .sum()
}

/// `utime + stime` from a `/proc/<pid>/stat` line (fields 14 and 15, counted after the
/// parenthesised command name, which may itself hold spaces).
fn process_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// (busy, total) ticks from the `cpu` line of `/proc/stat`; idle and iowait are not busy.
fn machine_ticks(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().sum();
    let idle = values.get(3)? + values.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_figures_are_read_from_proc_status() {
        let status = "Name:\tsspr-server\nVmHWM:\t   81234 kB\nVmRSS:\t   12345 kB\n";
        assert_eq!(status_kb(status, "VmRSS"), Some(12345));
        assert_eq!(status_kb(status, "VmHWM"), Some(81234));
        assert_eq!(status_kb(status, "VmSwap"), None);
        let own = memory(std::process::id(), "VmRSS").expect("this process");
        assert!(own > 0);
    }

    #[test]
    fn cpu_times_are_read_from_proc_stat() {
        let stat = "4242 (sspr server) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 4 0";
        assert_eq!(process_ticks(stat), Some(325));
        let machine = "cpu  100 5 50 800 45 0 0 0 0 0\ncpu0 50 2 25 400 20 0 0 0 0 0\n";
        assert_eq!(machine_ticks(machine), Some((155, 1000)));
    }

    #[test]
    fn use_between_samples_is_the_difference() {
        let before = Cpu {
            process_ticks: 100,
            database_ticks: 0,
            busy_ticks: 1000,
            total_ticks: 4000,
            at: None,
        };
        let after = Cpu {
            process_ticks: 250,
            database_ticks: 0,
            busy_ticks: 1300,
            total_ticks: 4400,
            at: None,
        };
        let used = before.until(&after);
        assert!((used.process_secs - 1.5).abs() < 1e-9);
        assert!((used.machine_busy - 0.75).abs() < 1e-9);
        assert!(
            used.process_cores.abs() < f64::EPSILON,
            "no wall time known"
        );
    }
}
