//! The warm-up's suite on the reference `BoundedCounter`.

bounded_counter_kit::suite!(solution_bounded_counter::counter::BoundedCounter);
