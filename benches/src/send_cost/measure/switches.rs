//! Context switches: how often this OS process's threads left their core, counted by the kernel.
//!
//! Why a send-cost scenario counts them: a message to a task or thread that sleeps must wake it,
//! and waking a sleeping thread is a system call on the sender's side and a context switch on the
//! receiver's, often more than the push itself. Counting the switches a batch of sends causes, and
//! dividing by the sends, says how many of them paid for a wake-up: the measurement behind "Rust
//! stays behind here because it wakes a thread".
//!
//! Linux keeps the counts per thread in `/proc/self/task/<tid>/status` (`voluntary_ctxt_switches`:
//! the thread went to sleep; `nonvoluntary_ctxt_switches`: it was preempted). [`total`] sums both
//! over every live thread of the process; elsewhere it is `None`. A thread that exits between two
//! readings takes its counts with it, so read around work whose threads all live through it.

use std::fs;

/// Context switches of every live thread of this process so far; `None` off Linux.
pub fn total() -> Option<u64> {
    let tasks = fs::read_dir("/proc/self/task").ok()?;
    let mut switches = 0;
    for task in tasks.flatten() {
        // A thread may exit while we read: skip it.
        let Ok(status) = fs::read_to_string(task.path().join("status")) else {
            continue;
        };
        switches += count(&status);
    }
    Some(switches)
}

/// The voluntary and involuntary switches in one thread's `status` file.
fn count(status: &str) -> u64 {
    status
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(key, _)| key.ends_with("voluntary_ctxt_switches"))
        .filter_map(|(_, value)| value.trim().parse::<u64>().ok())
        .sum()
}

/// Switches per operation over `ops` operations, from two readings of [`total`].
pub fn per_op(before: Option<u64>, after: Option<u64>, ops: u64) -> Option<f64> {
    let (before, after) = (before?, after?);
    Some(after.saturating_sub(before) as f64 / ops.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_of_switch_are_counted() {
        let status =
            "Name:\tworker\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
        assert_eq!(count(status), 15);
        assert_eq!(count("Name:\tworker\n"), 0);
    }

    #[test]
    fn a_thread_that_sleeps_is_counted() {
        let Some(before) = total() else { return }; // not Linux
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let after = total().unwrap();
        assert!(after >= before + 5, "{before} -> {after}");
        assert_eq!(per_op(Some(10), Some(30), 10), Some(2.0));
        assert_eq!(per_op(None, Some(30), 10), None);
    }
}
