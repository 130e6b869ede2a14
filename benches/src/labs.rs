//! The labs, as `workbook labs` and `workbook hint` see them.
//!
//! Each lab registers here once: its crate, the file the reader edits, its hints, and its speed
//! bar (a measurement that says whether the reader's fix is fast enough, in the spirit of
//! perf-ninja's graded labs). Tests are run with `cargo test`; the bar is measured in-process,
//! never by a timed test.

use std::process::{Command, Stdio};

use crate::params::InputError;

/// A lab: the naive version given, the fix left to the reader.
pub struct Lab {
    /// Its name on the command line (`workbook hint <name>`).
    pub name: &'static str,
    /// The chapter it belongs to.
    pub title: &'static str,
    /// The crate holding the reader's code and the suite.
    pub crate_name: &'static str,
    /// The one file the reader edits.
    pub file: &'static str,
    /// Hints, gentlest first.
    pub hints: &'static [&'static str],
    /// The speed bar, in words.
    pub bar: &'static str,
    /// Measures the reader's code against the bar.
    pub check_bar: fn() -> Result<BarCheck, String>,
}

/// The result of measuring a lab against its bar.
pub struct BarCheck {
    /// Whether the bar was reached.
    pub reached: bool,
    /// What was measured, in a few words ("14.2× faster than naive; bar 10×").
    pub measured: String,
}

/// Every lab, in book order. Each lab's issue plugs its lab in here.
pub const LABS: &[Lab] = &[
    crate::fanout_lab::LAB,
    ring_lab::LAB,
    crate::semaphore_lab::LAB,
];

/// The lab called `name`.
pub fn find(name: &str) -> Result<&'static Lab, InputError> {
    LABS.iter().find(|lab| lab.name == name).ok_or_else(|| {
        let known: Vec<&str> = LABS.iter().map(|lab| lab.name).collect();
        let known = if known.is_empty() {
            "none yet".to_owned()
        } else {
            known.join(", ")
        };
        InputError(format!("unknown lab '{name}' (labs: {known})"))
    })
}

/// Runs the lab's suite with cargo; true when it passes.
pub fn tests_pass(lab: &Lab) -> Result<bool, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--quiet", "--release", "-p", lab.crate_name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo test for {}: {e}", lab.crate_name))?;
    Ok(status.success())
}

/// One status line for `workbook labs`.
pub fn status_line(lab: &Lab) -> String {
    let tests = match tests_pass(lab) {
        Ok(true) => "tests pass",
        Ok(false) => "tests fail",
        Err(error) => return format!("{:<12} {error}", lab.name),
    };
    let bar = if tests == "tests pass" {
        match std::panic::catch_unwind(lab.check_bar) {
            Ok(Ok(check)) if check.reached => format!("bar reached: {}", check.measured),
            Ok(Ok(check)) => format!("bar not reached: {}", check.measured),
            Ok(Err(error)) => format!("bar not measured: {error}"),
            Err(_) => "bar not measured: the measurement panicked".to_owned(),
        }
    } else {
        format!("bar not measured until the tests pass (edit {})", lab.file)
    };
    format!("{:<12} {tests:<11} {bar}", lab.name)
}

/// Lab `ring` (chapter "Fast access shared data"): the reader's FastGlobal.
mod ring_lab {
    use lab_ring::fastglobal::FastGlobal;
    use lab_ring::naive::CopyOut;
    use lab_ring::storm::Storm;
    use lab_ring::{Global, Published, Ring, RingRead};

    use super::{BarCheck, Lab};

    /// The reader's FastGlobal must be at least this many times faster than copying the ring out.
    const BAR: f64 = 20.0;

    pub(super) const LAB: Lab = Lab {
        name: "ring",
        title: "Fast access shared data",
        crate_name: "lab-ring",
        file: "labs/ring/src/fastglobal.rs",
        hints: &[
            "Start with the registry: a `static` `OnceLock<Mutex<HashMap<..>>>` from names to cells. \
             `named` locks it once, finds or inserts the cell, and returns a handle holding an `Arc` \
             of it. Store cells as `Arc<dyn Any + Send + Sync>` and get yours back with \
             `Arc::downcast`; key the map by `(TypeId::of::<T>(), name)`.",
            "The cell is an `arc_swap::ArcSwapOption<T>`, empty at first (a name never put reads \
             `None`). `put` is `store(Some(Arc::new(value)))`; `with` is `load()` and a borrow of \
             what the guard holds (`guard.as_deref().map(read)`). No lock, no copy.",
            "Reads must never touch the registry: that is what the handle is for (FastGlobal's \
             `new/1`, which saves building the module's atom on every call). Cloning a handle \
             clones the `Arc` of the cell.",
            "The cached reader keeps an `Option<Arc<T>>` and the version it loaded. Give the cell an \
             `AtomicU64` that `put` bumps *after* the store (Release); `get` loads it (Acquire) and \
             calls `load_full` only when it changed. `arc_swap::Cache` compares pointers instead.",
            "Tests pass but the bar is missed? Look for a `load_full()` (or an `Arc::clone`) on every \
             read: each one writes the same reference count, and the cores fight over its cache \
             line. `load()` borrows without touching it.",
        ],
        bar: "your FastGlobal at least 20× faster than copy_out on the prehashed reconnect storm",
        check_bar,
    };

    fn median_storm<A: RingRead>(storm: &Storm, access: &A, threads: usize) -> (f64, u64) {
        let mut runs: Vec<_> = (0..3).map(|_| storm.run(access, threads, true)).collect();
        runs.sort_by_key(|run| run.elapsed);
        (runs[1].elapsed.as_secs_f64(), runs[1].digest)
    }

    fn check_bar() -> Result<BarCheck, String> {
        let ring = lab_ring::check::production_ring();
        let storm = Storm::new(20_000, 5, 7);
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let global = FastGlobal::<Ring>::named("workbook-bar/ring");
        global.put(ring.clone());
        let (yours, your_answers) = median_storm(&storm, &Published(global), threads);
        let (copy_out, answers) = median_storm(&storm, &CopyOut::new(ring), threads);
        if your_answers != answers {
            return Err("your FastGlobal gave other owners than the ring itself".into());
        }
        let speedup = copy_out / yours;
        Ok(BarCheck {
            reached: speedup >= BAR,
            measured: format!(
                "{speedup:.1}× faster than copy_out on {} prehashed lookups; bar {BAR}×",
                storm.lookups()
            ),
        })
    }
}
