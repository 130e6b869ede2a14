//! The post's figures, each once, beside the sentence of the post it comes from.
//!
//! Discord's "How Discord Scaled Elixir to 5,000,000 Concurrent Users" (in `shared/seed/`) gives a
//! handful of numbers. The scenarios set them beside this machine's, the tables print them, the
//! plots draw them and the results files record them (CI reads them there): all from here, so a
//! figure quoted twice can never disagree with itself.

use serde_json::{Value, json};

/// "the wall clock time of a single send/2 call could range from 30μs to 70us due to Erlang
/// de-scheduling the calling process", in µs: 30–70 µs. Measured "during peak hours", of the
/// guild's sends.
pub const PER_SEND_US: [f64; 2] = [30.0, 70.0];

/// "publishing an event from a large guild could take anywhere from 900ms to 2.1s!", in seconds:
/// 0.9–2.1 s.
pub const PUBLISH_S: [f64; 2] = [0.9, 2.1];

/// The guild behind [`PUBLISH_S`]: "many Discord servers like /r/Overwatch with up to 30,000
/// concurrent users" (and 30 µs × 30,000 = 0.9 s).
pub const LARGE_GUILD_MEMBERS: u64 = 30_000;

/// "The cost of communicating with another Erlang process using request/reply is about 12μs."
pub const REQUEST_REPLY_US: f64 = 12.0;

/// "ETS reads were about 7μs"
pub const ETS_READ_US: f64 = 7.0;

/// "the lookup cost decreases to 0.3us"
pub const FASTGLOBAL_READ_US: f64 = 0.3;

/// "it would take about 30 seconds just for the cost of lookups on the ring" (the ring process);
/// "we were still spending 17.5 seconds on looking up" (ETS); "bringing the total time down to
/// 750ms" (FastGlobal). In seconds, for 500,000 sessions × 5 guilds.
pub const RING_TOTAL_S: [(&str, f64); 3] = [("actor", 30.0), ("ets", 17.5), ("fastglobal", 0.75)];

/// The same lookups, per lookup in µs: the ring process ([`REQUEST_REPLY_US`]), ETS
/// ([`ETS_READ_US`]), FastGlobal ([`FASTGLOBAL_READ_US`]).
pub const RING_PER_LOOKUP_US: [(&str, f64); 3] = [
    ("actor", REQUEST_REPLY_US),
    ("ets", ETS_READ_US),
    ("fastglobal", FASTGLOBAL_READ_US),
];

/// "An Erlang VM responsible for sessions can have up to 500,000 live sessions on it."
pub const SESSIONS_PER_NODE: u64 = 500_000;

/// "A user can be in any number of guilds, but an average user is in 5."
pub const GUILDS_PER_USER: u64 = 5;

/// "nearly five million concurrent users"; "nearly 5,000,000 session processes were trying to
/// stampede ten of these processes (one on each guild node)".
pub const USERS: u64 = 5_000_000;

/// "ten of these processes (one on each guild node)": the guild registries.
pub const REGISTRIES: u64 = 10;

/// The call's timeout: `GenServer.call/2`'s default of five seconds (the post says the call
/// "would timeout", not after how long).
pub const CALL_TIMEOUT_S: u64 = 5;

/// "we converted the code to pure Elixir": ex_hash_ring, whose ring the post's sessions read
/// (512 points a node, MD5; the post gives no figure for the ring's balance or build).
pub const RING_LIBRARY: &str = "ex_hash_ring";

/// The ring's structure the post names, as the placement results record it.
pub fn ring_structure() -> Value {
    json!({
        "library": RING_LIBRARY,
        "lookups_per_reconnect": SESSIONS_PER_NODE * GUILDS_PER_USER,
        "note": "the post gives the ring's lookup cost, not its balance or how many keys a change moves",
    })
}

/// The send figures, as the send-cost and fanout results record them.
pub fn sends() -> Value {
    json!({ "per_send_us": PER_SEND_US, "publish_30k_s": PUBLISH_S })
}

/// The ring figures, as the ring results record them.
pub fn ring() -> Value {
    let by = |figures: &[(&str, f64)]| -> Value {
        figures
            .iter()
            .map(|(key, value)| ((*key).to_owned(), json!(value)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    json!({ "total_s": by(&RING_TOTAL_S), "per_lookup_us": by(&RING_PER_LOOKUP_US) })
}

/// The stampede's figures and what the post says happened, as the stampede results record them.
pub fn stampede() -> Value {
    json!({
        "sessions": USERS,
        "registries": REGISTRIES,
        "call_timeout_s": CALL_TIMEOUT_S,
        "naive": "requests pile up, mailboxes balloon, the VM runs out of memory: cascading outages",
        "semaphore": "a later presence-service crash: sessions did not budge, presences rebuilt within minutes",
    })
}

/// Every figure the reconnect storm's blog profile rests on.
pub fn reconnect() -> Value {
    json!({
        "users": USERS,
        "sessions_per_session_node": SESSIONS_PER_NODE,
        "guilds_per_user": GUILDS_PER_USER,
        "registries": REGISTRIES,
        "ring_process_lookups_one_node_s": RING_TOTAL_S[0].1,
        "fastglobal_lookups_one_node_s": RING_TOTAL_S[2].1,
        "request_reply_us": REQUEST_REPLY_US,
        "fastglobal_lookup_us": FASTGLOBAL_READ_US,
        "send_us": PER_SEND_US,
        "largest_guild_members": LARGE_GUILD_MEMBERS,
        "call_timeout_s": CALL_TIMEOUT_S,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_agree_with_each_other() {
        // 30 µs × 30,000 = 0.9 s; 12 µs × 2,500,000 = 30 s; 0.3 µs × 2,500,000 = 0.75 s.
        let lookups = (SESSIONS_PER_NODE * GUILDS_PER_USER) as f64;
        assert!((PER_SEND_US[0] * LARGE_GUILD_MEMBERS as f64 / 1e6 - PUBLISH_S[0]).abs() < 1e-9);
        assert!((REQUEST_REPLY_US * lookups / 1e6 - RING_TOTAL_S[0].1).abs() < 1e-9);
        assert!((FASTGLOBAL_READ_US * lookups / 1e6 - RING_TOTAL_S[2].1).abs() < 1e-9);
    }
}
