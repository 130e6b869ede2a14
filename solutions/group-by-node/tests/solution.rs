//! The warm-up's suite on the reference `group_by_node`.

group_by_node_kit::suite!(solution_group_by_node::group::group_by_node);
