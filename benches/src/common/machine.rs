//! What machine a result came from. Every results file carries this, because a number without its
//! machine is not a result.

use serde::Serialize;

/// The machine and toolchain a run measured.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// CPU model, from /proc/cpuinfo.
    pub cpu: String,
    /// Cores this process may use.
    pub cores: usize,
    /// Physical memory in GiB.
    pub memory_gib: f64,
    /// Operating system and kernel.
    pub os: String,
    /// The compiler that built the workbook.
    pub rustc: String,
}

impl Machine {
    /// Reads this machine's description.
    pub fn this() -> Self {
        Machine {
            cpu: cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_owned()),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory_gib: meminfo_kib("MemTotal:")
                .map_or(0.0, |kib| round2(kib as f64 / 1_048_576.0)),
            os: os_name(),
            rustc: env!("WORKBOOK_RUSTC_VERSION").to_owned(),
        }
    }

    /// One line for a table caption.
    pub fn summary(&self) -> String {
        format!(
            "{}, {} cores, {} GiB, {}, {}",
            self.cpu, self.cores, self.memory_gib, self.os, self.rustc
        )
    }
}

/// Memory the kernel says is available to new allocations, in bytes.
pub fn available_memory_bytes() -> Option<u64> {
    meminfo_kib("MemAvailable:").map(|kib| kib * 1024)
}

fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split(':').nth(1))
        .map(|model| model.trim().to_owned())
}

fn os_name() -> String {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let pretty = release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_owned())
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    match std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        Ok(kernel) => format!("{pretty} (Linux {})", kernel.trim()),
        Err(_) => pretty,
    }
}

fn meminfo_kib(field: &str) -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
