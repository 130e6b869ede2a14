//! The suite on the given strategies: they are slow, not wrong. These pass from the start.

use lab_ring::check;
use lab_ring::naive::{Actor, CopyOut, Locked, ReadLocked};

#[test]
fn actor_agrees_with_the_ring() {
    check::agrees_with_the_ring(|ring| Actor::start(ring, 2).expect("a cluster"));
}

#[test]
fn actor_answers_from_whole_rings() {
    check::whole_rings_while_publishing(|ring| Actor::start(ring, 2).expect("a cluster"));
}

#[test]
fn locked_agrees_with_the_ring() {
    check::agrees_with_the_ring(Locked::new);
}

#[test]
fn locked_answers_from_whole_rings() {
    check::whole_rings_while_publishing(Locked::new);
}

#[test]
fn read_locked_agrees_with_the_ring() {
    check::agrees_with_the_ring(ReadLocked::new);
}

#[test]
fn read_locked_answers_from_whole_rings() {
    check::whole_rings_while_publishing(ReadLocked::new);
}

#[test]
fn copy_out_agrees_with_the_ring() {
    check::agrees_with_the_ring(CopyOut::new);
}

#[test]
fn copy_out_answers_from_whole_rings() {
    check::whole_rings_while_publishing(CopyOut::new);
}
