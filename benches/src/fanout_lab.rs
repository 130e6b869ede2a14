//! The fanout lab as `workbook labs` and `workbook hint fanout` see it: its hints and its bar.

use crate::fanout_measure::{Setup, measure};
use crate::labs::{BarCheck, Lab};
use crate::stats::percentile;

/// The fanout lab.
pub const LAB: Lab = Lab {
    name: "fanout",
    title: "Fanout: Manifold, one send per node instead of one per member",
    crate_name: "lab-fanout",
    file: "labs/fanout/src/manifold.rs",
    hints: &[
        "Start with `publish`: make one Vec of members per node (index it with \
         `member.node().index()`), then send one `Batch` to each node's partitioner whose Vec is \
         not empty. The guild's own node is a node like any other.",
        "`start` runs before any publish: for every node of the cluster, spawn the workers first \
         (`node.runtime().metrics().num_workers()` of them, each running `worker`), then the \
         partitioner, moving the workers' pids into it: `node.spawn(move |inbox| \
         partitioner(inbox, workers))`. Keep the partitioners' pids in node order.",
        "Order comes from fixed routes: one partitioner per node, and `worker_for` must give the \
         same worker for the same pid every time. Hash the pid's node and local id with a fixed \
         function (a multiply by a large odd constant is enough); never use a random or \
         per-process hasher, and never pick a worker by load or round robin.",
        "In the partitioner, a batch with one member can go straight to that member's worker; \
         otherwise bucket the members with `worker_for` and send only the non-empty buckets. \
         Every message must be sent with the receiving process's own node handle \
         (`inbox.node()`), so the route is the same for every event.",
        "A worker loops on `inbox.recv().await` and sends `batch.event.clone()` to each member, \
         ignoring errors: a dead member must not stop the others. If a test hangs, a process \
         body probably returned early, or `publish` waits for something.",
    ],
    bar: "at 30,000 members on 4 session nodes: your Manifold's median time in the guild per \
          publish at least 10× below the naive strategy's, with one message between nodes per \
          node per publish (measured by `workbook labs`, 20 publishes each)",
    check_bar,
};

fn check_bar() -> Result<BarCheck, String> {
    const PUBLISHES: usize = 20;
    let setup = Setup {
        members: 30_000,
        session_nodes: 4,
        threads: 2,
    };
    let naive = measure::<lab_fanout::naive::Naive>(setup, PUBLISHES)?;
    let yours = measure::<lab_fanout::manifold::Manifold>(setup, PUBLISHES)?;
    let median = |ns: &[f64]| percentile(ns, 50.0);
    let speedup = median(&naive.in_guild_ns) / median(&yours.in_guild_ns);
    let per_node = yours.cross_node_messages;
    Ok(BarCheck {
        reached: speedup >= 10.0 && per_node <= setup.session_nodes as f64,
        measured: format!(
            "{speedup:.1}× faster in the guild than naive (bar 10×), {per_node:.1} messages \
             between nodes per publish (bar {})",
            setup.session_nodes
        ),
    })
}
