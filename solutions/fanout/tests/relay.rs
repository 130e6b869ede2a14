//! The relay's own promise beyond the suite: registered once, then kept up to date by joins and
//! leaves, with each change ordered against the events around it.

use std::time::Duration;

use cluster::Cluster;
use cluster::watchdog::within;
use fanout_kit::sessions::Sessions;
use fanout_kit::{Event, Fanout, Members};
use solution_fanout::relay::Relay;

#[test]
fn joins_and_leaves_take_effect_between_events() {
    within(
        Duration::from_secs(10),
        "relay joins and leaves did not settle in 10 s",
        || {
            let cluster = Cluster::builder()
                .nodes(3)
                .threads_per_node(2)
                .build()
                .unwrap();
            let sessions = Sessions::spawn(&cluster, &[0, 50, 50]);
            let (guild, node) = (7, cluster.node(0));
            let relay = Relay::start(&cluster);
            let (leaver, joiner) = (sessions.pids[0], sessions.pids[99]);
            sessions.tally.expect_total(198); // before anything is sent
            let first: Members = sessions.pids[..99].into();
            relay.register(&node, guild, &first);
            relay.send(&node, Event::presence(guild, 1)); // 99 members
            let second: Members = sessions.pids[1..].into();
            relay.leave(&node, guild, leaver, &second);
            relay.join(&node, guild, joiner, &second);
            relay.send(&node, Event::presence(guild, 2)); // 99 members, a different 99
            assert!(sessions.tally.wait(Duration::from_secs(8)).is_some());
            std::thread::sleep(Duration::from_millis(50)); // nothing more should arrive
            assert_eq!(sessions.tally.delivered(), 198);
            assert_eq!(sessions.tally.violations(), 0);
            assert_eq!(
                sessions.tally.received(0),
                1,
                "the leaver got the event after it left"
            );
            assert_eq!(
                sessions.tally.received(99),
                1,
                "the joiner missed the event after it joined"
            );
            assert_eq!(sessions.tally.received(50), 2);
            // The publishes after registration carried the event only: one message per node.
            let before = cluster.stats();
            sessions.tally.expect_total(297);
            relay.send(&node, Event::presence(guild, 3));
            assert!(sessions.tally.wait(Duration::from_secs(8)).is_some());
            assert_eq!(cluster.stats().since(&before).cross_node_messages(), 2);
        },
    );
}
