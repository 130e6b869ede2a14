//! The speed bar on your Manifold: `workbook labs` runs this (`cargo run --release -p lab-fanout
//! --features bar --example bar`) once the suite passes. It prints what it measured, and exits 0
//! when the bar is reached.

fn main() {
    let measured = workbook::fanout::lab::bar::<lab_fanout::manifold::Manifold>();
    workbook::common::lab::BarCheck::report_and_exit(measured)
}
