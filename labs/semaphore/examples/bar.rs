//! The speed bar on your guarded client: `workbook labs` runs this (`cargo run --release -p
//! lab-semaphore --features bar --example bar`) once the suite passes. It prints what it measured,
//! and exits 0 when the bar is reached.

use lab_semaphore::semaphore::{Guarded, Semaphore};

fn main() {
    let measured = workbook::semaphore::lab::bar(|config| {
        Guarded::<Semaphore>::new(config.nodes(), config.registries, config.limit)
    });
    workbook::common::lab::BarCheck::report_and_exit(measured)
}
