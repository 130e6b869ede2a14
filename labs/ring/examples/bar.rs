//! The speed bar on your FastGlobal: `workbook labs` runs this (`cargo run --release -p lab-ring
//! --features bar --example bar`) once the suite passes. It prints what it measured, and exits 0
//! when the bar is reached.

use lab_ring::fastglobal::FastGlobal;
use ring_kit::Ring;

fn main() {
    let measured = workbook::ring::lab::bar::<FastGlobal<Ring>>();
    workbook::common::lab::BarCheck::report_and_exit(measured)
}
