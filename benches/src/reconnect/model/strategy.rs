//! The combinations of fixes: one way per bottleneck, each way's key and the fix it stands for
//! stated here once, and the combinations the scenario names (every fix, every fix but one, none)
//! as named values rather than positions in [`Strategy::ALL`].

/// How sessions find a guild's node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingWay {
    /// A call to the node's ring process.
    Actor,
    /// A read of the ring in FastGlobal.
    FastGlobal,
}

/// Whether the registry calls go through a semaphore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Every call goes out.
    Unguarded,
    /// At most `limit` calls in flight per (session node, registry); over it, bail at once.
    Semaphore,
}

/// How a guild sends a presence event to its members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FanoutWay {
    /// One send per member.
    Naive,
    /// One send per node, with its receivers (Manifold).
    Manifold,
}

/// One combination of fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strategy {
    /// Ring lookups.
    pub ring: RingWay,
    /// Registry calls.
    pub guard: Guard,
    /// Presence fanout.
    pub fanout: FanoutWay,
}

impl Strategy {
    /// All eight, no fix first, every fix last: bit 2 the ring, bit 1 the guard, bit 0 the
    /// fanout.
    pub const ALL: [Strategy; 8] = {
        let mut all = [Strategy::NOTHING_FIXED; 8];
        let mut i = 0;
        while i < 8 {
            all[i] = Strategy {
                ring: if i & 4 == 0 {
                    RingWay::Actor
                } else {
                    RingWay::FastGlobal
                },
                guard: if i & 2 == 0 {
                    Guard::Unguarded
                } else {
                    Guard::Semaphore
                },
                fanout: if i & 1 == 0 {
                    FanoutWay::Naive
                } else {
                    FanoutWay::Manifold
                },
            };
            i += 1;
        }
        all
    };

    /// `actor/unguarded/naive`: the system before any fix.
    pub const NOTHING_FIXED: Strategy = Strategy {
        ring: RingWay::Actor,
        guard: Guard::Unguarded,
        fanout: FanoutWay::Naive,
    };

    /// `fastglobal/semaphore/manifold`: every fix of the post.
    pub const EVERY_FIX: Strategy = Strategy {
        ring: RingWay::FastGlobal,
        guard: Guard::Semaphore,
        fanout: FanoutWay::Manifold,
    };

    /// `actor/semaphore/manifold`: every fix but FastGlobal.
    pub const ALL_BUT_FASTGLOBAL: Strategy = Strategy {
        ring: RingWay::Actor,
        ..Strategy::EVERY_FIX
    };

    /// `fastglobal/unguarded/manifold`: every fix but the semaphore.
    pub const ALL_BUT_SEMAPHORE: Strategy = Strategy {
        guard: Guard::Unguarded,
        ..Strategy::EVERY_FIX
    };

    /// `fastglobal/semaphore/naive`: every fix but Manifold.
    pub const ALL_BUT_MANIFOLD: Strategy = Strategy {
        fanout: FanoutWay::Naive,
        ..Strategy::EVERY_FIX
    };

    /// `actor/unguarded/manifold`: Manifold alone, the ring process and unguarded calls still
    /// there (the fanout fix came first).
    pub const MANIFOLD_ONLY: Strategy = Strategy {
        fanout: FanoutWay::Manifold,
        ..Strategy::NOTHING_FIXED
    };

    /// `ring/guard/fanout`, as the results file keys it: `actor/unguarded/naive`.
    pub fn key(self) -> String {
        format!(
            "{}/{}/{}",
            self.ring.key(),
            self.guard.key(),
            self.fanout.key()
        )
    }

    /// The fixes it lacks, by the names the prose gives them: `["FastGlobal", "Manifold"]`.
    pub fn lacks(self) -> Vec<&'static str> {
        [
            (self.ring == RingWay::Actor).then_some("FastGlobal"),
            (self.guard == Guard::Unguarded).then_some("the semaphore"),
            (self.fanout == FanoutWay::Naive).then_some("Manifold"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl RingWay {
    /// Its part of a combination's key.
    pub const fn key(self) -> &'static str {
        match self {
            RingWay::Actor => "actor",
            RingWay::FastGlobal => "fastglobal",
        }
    }
}

impl Guard {
    /// Its part of a combination's key.
    pub const fn key(self) -> &'static str {
        match self {
            Guard::Unguarded => "unguarded",
            Guard::Semaphore => "semaphore",
        }
    }
}

impl FanoutWay {
    /// Its part of a combination's key.
    pub const fn key(self) -> &'static str {
        match self {
            FanoutWay::Naive => "naive",
            FanoutWay::Manifold => "manifold",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cover_every_combination_once() {
        let keys: Vec<String> = Strategy::ALL.iter().map(|s| s.key()).collect();
        assert_eq!(keys[0], "actor/unguarded/naive");
        assert_eq!(keys[7], "fastglobal/semaphore/manifold");
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 8);
    }

    #[test]
    fn the_named_combinations_are_where_the_bits_put_them() {
        assert_eq!(Strategy::ALL[0], Strategy::NOTHING_FIXED);
        assert_eq!(Strategy::ALL[1], Strategy::MANIFOLD_ONLY);
        assert_eq!(Strategy::ALL[3], Strategy::ALL_BUT_FASTGLOBAL);
        assert_eq!(Strategy::ALL[5], Strategy::ALL_BUT_SEMAPHORE);
        assert_eq!(Strategy::ALL[6], Strategy::ALL_BUT_MANIFOLD);
        assert_eq!(Strategy::ALL[7], Strategy::EVERY_FIX);
        assert_eq!(Strategy::EVERY_FIX.lacks(), Vec::<&str>::new());
        assert_eq!(Strategy::ALL_BUT_SEMAPHORE.lacks(), ["the semaphore"]);
        assert_eq!(
            Strategy::NOTHING_FIXED.lacks(),
            ["FastGlobal", "the semaphore", "Manifold"]
        );
    }
}
