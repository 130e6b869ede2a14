//! The lab's suite on the reference Maglev.

placement_kit::suite!(solution_placement::maglev::Maglev);
