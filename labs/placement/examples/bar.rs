//! The speed bar on your Maglev: `workbook labs` runs this (`cargo run --release -p lab-placement
//! --features bar --example bar`) once the suite passes. It prints what it measured, and exits 0
//! when the bar is reached.

fn main() {
    let measured = workbook::placement::lab::bar::<lab_placement::maglev::Maglev>();
    workbook::common::lab::BarCheck::report_and_exit(measured)
}
