//! The reference answer to the placement lab: Maglev's lookup table.
//!
//! Each node's preference list is a permutation of the slots, `offset + j·skip mod M`, from the two
//! halves of its name's MD5; M is prime, so any skip in `1..M` visits every slot. The fill goes
//! round the nodes, each taking the first slot of its list not yet taken, until the table is full:
//! shares differ by one slot at most. A lookup is one `%` and one array read.

pub mod maglev;

pub use crate::maglev::Maglev;
