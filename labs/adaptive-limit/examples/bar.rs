//! The bar on your AIMD limiter: `workbook labs` runs this (`cargo run --release -p
//! lab-adaptive-limit --features bar --example bar`) once the suite passes. It prints what it
//! measured, and exits 0 when the bar is reached.

use lab_adaptive_limit::aimd::Aimd;

fn main() {
    let measured = workbook::admission::lab::bar::<Aimd>();
    workbook::common::lab::BarCheck::report_and_exit(measured)
}
