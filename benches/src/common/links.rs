//! The `transport` parameter: which kind of link the cluster's nodes are joined by, in memory or
//! over loopback TCP, or both one after the other. Any scenario that runs a cluster may declare it;
//! it is the cluster's parameter, not one bottleneck's.

use std::str::FromStr;

use cluster::Transport;

use crate::common::params::{Choice, ParamSpec};

/// What `--set transport=` chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Memory first, then loopback TCP.
    Both,
    /// One transport alone.
    Only(Transport),
}

impl Choice for Links {
    const NAMES: &'static [&'static str] = &["both", "memory", "tcp"];

    fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("both") {
            return Some(Links::Both);
        }
        Transport::from_str(name).ok().map(Links::Only)
    }
}

impl Links {
    /// The transports chosen, memory first.
    pub fn transports(self) -> Vec<Transport> {
        match self {
            Links::Both => Transport::ALL.to_vec(),
            Links::Only(transport) => vec![transport],
        }
    }
}

/// The `transport` parameter, as a scenario declares it: both at every scale.
pub const PARAM: ParamSpec = ParamSpec::choice::<Links>(
    "transport",
    "the cluster's links: both, memory or loopback tcp",
    ["both", "both", "both"],
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_a_choice_and_memory_comes_first() {
        for name in Links::NAMES {
            assert!(Links::from_name(name).is_some(), "{name}");
        }
        assert_eq!(Links::Both.transports(), Transport::ALL.to_vec());
        assert_eq!(Transport::ALL[0], Transport::Memory);
        assert_eq!(
            Links::from_name("tcp").unwrap().transports(),
            vec![Transport::Tcp]
        );
    }
}
