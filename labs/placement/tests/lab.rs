//! The suite on your Maglev (`src/maglev.rs`).
//!
//! `cargo test -p lab-placement`: every check fails until your table is filled as Maglev fills
//! it. Then `cargo run --release -- labs` measures it against the bar.

placement_kit::suite!(lab_placement::maglev::Maglev);
