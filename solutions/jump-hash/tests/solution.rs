//! The warm-up's suite on the reference `jump`.

jump_hash_kit::suite!(solution_jump_hash::jump::jump);
