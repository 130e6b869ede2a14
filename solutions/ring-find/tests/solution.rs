//! The warm-up's suite on the reference `find`.

ring_find_kit::suite!(solution_ring_find::find::find);
