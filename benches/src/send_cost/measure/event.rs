//! The event every send-cost rig sends: a presence update, the most common event in Discord's
//! fanout.

use serde::{Deserialize, Serialize};

/// A user's status, as a guild would publish it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Connected and active.
    Online,
    /// Connected, away from the keyboard.
    Idle,
    /// Do not disturb.
    DoNotDisturb,
    /// Gone.
    Offline,
}

/// "User `user_id` is now `status`": the `seq`-th event of its publisher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// Who changed.
    pub user_id: u64,
    /// The publisher's sequence number, so receivers can check order.
    pub seq: u64,
    /// The new status.
    pub status: Status,
}

impl Presence {
    /// The `seq`-th presence update of a publisher, for a made-up user.
    pub fn numbered(seq: u64) -> Self {
        Presence {
            user_id: 80_351_110_224_678_912 + seq,
            seq,
            status: Status::Online,
        }
    }
}
