//! What the `send-cost` scenario writes: its figures (the JSON the book, CI and the reconnect
//! model read), its table (each rig beside the blog's figure and the BEAM's) and its plot.
//!
//! Why apart from the measuring: a results key is a promise to the book and to CI, so every key
//! is written here, once, from what [`measure`](crate::send_cost::measure) returned; the table and
//! the plot say in words what those same numbers mean and where each comes from (this run, the
//! BEAM here, or the blog).

use cluster::LinkBound;
use serde_json::{Map, Value, json};

use crate::common::beam::{self as beam_column, BeamRun};
use crate::common::blog;
use crate::common::plot::{Dot, Panel, dot_plot};
use crate::common::report::captioned_table;
use crate::common::units::{group_digits, human_ns, tick_ns};
use crate::send_cost::beam;
use crate::send_cost::measure::rigs::{Via, Waits, bound_words};
use crate::send_cost::measure::{Measured, ONE_BY_ONE, PER_SEND, Publish, Spread};

/// The figures: per send (median, min, max) and per publish (in the sender, until delivered),
/// by rig key, and the ratios of a remote send to a local one and of the blog's figures to ours.
pub fn figures(measured: &Measured) -> Map<String, Value> {
    let pick = |f: fn(&Spread) -> f64| -> Value {
        let by_rig = measured.per_send.iter();
        let map: Map<_, _> = by_rig
            .map(|s| (s.via.facts().key.to_owned(), json!(f(&s.spread))))
            .collect();
        map.into()
    };
    let publish = |f: fn(&Publish) -> f64| -> Value {
        let map: Map<_, _> = measured
            .publishes
            .iter()
            .map(|p| (p.via.facts().key.to_owned(), json!(f(p))))
            .collect();
        map.into()
    };
    let mut figures = Map::new();
    figures.insert(PER_SEND.into(), pick(|s| s.median));
    figures.insert(format!("{PER_SEND}_min"), pick(|s| s.min));
    figures.insert(format!("{PER_SEND}_max"), pick(|s| s.max));
    figures.insert(ONE_BY_ONE.into(), publish(|p| p.in_sender.median));
    figures.insert(
        "one_by_one_30k_delivered_ns".into(),
        publish(|p| p.delivered.median),
    );
    figures.insert("ratios".into(), Value::Object(ratios(measured)));
    for (name, pick) in [
        (
            "suspensions",
            (|w: &Waits| w.suspensions) as fn(&Waits) -> u64,
        ),
        ("suspended_ns", |w: &Waits| w.suspended_ns),
    ] {
        let by_rig: Map<_, _> = measured
            .link_waits()
            .map(|(via, waits)| (via.facts().key.to_owned(), json!(pick(&waits))))
            .collect();
        figures.insert(name.into(), by_rig.into());
    }
    figures
}

/// A remote send ÷ a local one, per transport; the blog's low figures ÷ ours.
fn ratios(measured: &Measured) -> Map<String, Value> {
    let local_key = Via::ClusterLocal.facts().key;
    let local = measured.send_median(Via::ClusterLocal);
    let mut ratios = Map::new();
    for (remote, _) in measured.remote_sends() {
        let key = remote.via.facts().key;
        // `cluster_remote_tcp` ÷ `cluster_local` is `remote_tcp_over_local_send`.
        let name = key.replacen("cluster_", "", 1);
        let ns = remote.spread.median;
        ratios.insert(format!("{name}_over_local_send"), json!(ns / local));
        ratios.insert(
            format!("blog_send_low_over_{key}"),
            json!(blog::PER_SEND_US[0] * 1e3 / ns),
        );
    }
    let (tcp, bounded) = (Via::ClusterRemoteTcp, Via::ClusterRemoteTcpBounded);
    let bounded_over_tcp = measured.send_median(bounded) / measured.send_median(tcp);
    if bounded_over_tcp.is_finite() {
        ratios.insert(
            "remote_tcp_bounded_over_remote_tcp".into(),
            json!(bounded_over_tcp),
        );
    }
    ratios.insert(
        format!("blog_send_low_over_{local_key}"),
        json!(blog::PER_SEND_US[0] * 1e3 / local),
    );
    let local_publish = measured
        .publishes
        .iter()
        .find(|p| p.via == Via::ClusterLocal)
        .map_or(f64::NAN, |p| p.in_sender.median);
    ratios.insert(
        format!("blog_publish_low_over_{local_key}"),
        json!(blog::PUBLISH_S[0] * 1e9 / local_publish),
    );
    ratios
}

/// The chapter's table: one row per rig, two per publish, the BEAM's column and the blog's.
pub fn table(measured: &Measured, rounds: usize, members: usize, beam: Option<&BeamRun>) -> String {
    let mut beam_cells = Vec::new();
    let blog_send = format!(
        "{}–{} µs (`send/2` in a busy guild)",
        blog::PER_SEND_US[0],
        blog::PER_SEND_US[1]
    );
    let mut rows: Vec<Vec<String>> = Vec::new();
    for s in &measured.per_send {
        let facts = s.via.facts();
        let blog = if facts.beside_blog {
            blog_send.clone()
        } else {
            "—".into()
        };
        beam_cells.push(beam::cell(beam, PER_SEND, s.via));
        rows.push(vec![
            format!("one send: {}", facts.label),
            human_ns(s.spread.median),
            range(&s.spread),
            blog,
        ]);
    }
    for publish in &measured.publishes {
        beam_cells.push(beam::cell(beam, ONE_BY_ONE, publish.via));
        beam_cells.push(None);
        rows.extend(publish_rows(publish, members));
    }
    let mut header: Vec<String> = vec![
        "what".into(),
        format!("this machine (median of {rounds})"),
        "min – max".into(),
        "BEAM, from the blog".into(),
    ];
    beam_column::add_column(beam, &mut header, &mut rows, 3, beam_cells);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let caption = format!(
        "one send through each channel, and one event sent one by one to {} processes, beside \
         the BEAM's figures and the blog's.",
        group_digits(members as u64)
    );
    captioned_table(&caption, &header, &rows)
}

/// The table of waits, when a link crossed by TCP ran (last under the results, with its caption):
/// how often and how long the sender of each remote rig waited for its link, beside the BEAM's
/// `busy_dist_port` suspensions.
pub fn waits_table(measured: &Measured, rounds: usize, beam: Option<&BeamRun>) -> Option<String> {
    let bounded = Via::ClusterRemoteTcpBounded;
    measured.link_waits().find(|(via, _)| *via == bounded)?;
    let mut rows: Vec<Vec<String>> = measured
        .link_waits()
        .map(|(via, waits)| {
            let bound = match via.facts().bound {
                LinkBound::Unbounded => "none".to_owned(),
                LinkBound::Bytes(bytes) => bound_words(bytes),
            };
            vec![
                format!("Rust: {}", via.facts().label),
                bound,
                group_digits(waits.suspensions),
                human_ns(waits.suspended_ns as f64),
                human_ns(measured.send_median(via)),
            ]
        })
        .collect();
    if let Some(run) = beam {
        rows.push(beam::waits_row(run));
    }
    let header = [
        "sender",
        "link bound",
        "suspensions",
        "time suspended, in all",
        "one send (median)",
    ];
    let caption = format!(
        "Waiting for a full link: each remote sender's suspensions because its link held more \
         than its bound, over the {rounds} timed batches (Rust, counted by the link) or the \
         remote `send/2` run (the BEAM, `busy_dist_port` events from `erlang:system_monitor/2`; \
         the VM does not report their length)."
    );
    Some(captioned_table(&caption, &header, &rows))
}

/// A publish's two rows: the time in the sender beside the blog's publish, then until delivered.
fn publish_rows(publish: &Publish, members: usize) -> [Vec<String>; 2] {
    let members = group_digits(members as u64);
    let blog_publish = format!(
        "{}–{} s ({} sessions)",
        blog::PUBLISH_S[0],
        blog::PUBLISH_S[1],
        group_digits(blog::LARGE_GUILD_MEMBERS)
    );
    [
        vec![
            format!(
                "one event to {members} processes, one by one, {}: time in the sender",
                place_words(publish.via)
            ),
            human_ns(publish.in_sender.median),
            range(&publish.in_sender),
            blog_publish,
        ],
        vec![
            format!("the same, until the last of the {members} has it"),
            human_ns(publish.delivered.median),
            range(&publish.delivered),
            "—".into(),
        ],
    ]
}

/// Where a one-by-one publish's members are, in words.
fn place_words(via: Via) -> &'static str {
    via.facts().place.map_or("?", |place| place.words())
}

fn range(spread: &Spread) -> String {
    format!("{} – {}", human_ns(spread.min), human_ns(spread.max))
}

/// Two dot plots on a log scale, one under the other: one send per rig, and the one-by-one
/// publishes; the BEAM's figures and the blog's ranges beside ours.
pub fn plot(measured: &Measured, members: usize, beam: Option<&BeamRun>) -> Result<String, String> {
    let mut sends: Vec<Dot> = measured
        .per_send
        .iter()
        .map(|s| Dot::measured(s.via.facts().label, s.spread.median))
        .collect();
    sends.extend(beam::dots(beam, PER_SEND, "send/2"));
    sends.push(Dot::blog(
        "BEAM send/2",
        blog::PER_SEND_US[0] * 1e3,
        blog::PER_SEND_US[1] * 1e3,
    ));
    let mut publish: Vec<Dot> = Vec::new();
    for p in &measured.publishes {
        let place = place_words(p.via);
        publish.push(Dot::measured(
            format!("{place}, in the sender"),
            p.in_sender.median,
        ));
        publish.push(Dot::measured(
            format!("{place}, until all have it"),
            p.delivered.median,
        ));
    }
    publish.extend(beam::dots(beam, ONE_BY_ONE, "in the sender"));
    publish.push(Dot::blog(
        "BEAM guild publish",
        blog::PUBLISH_S[0] * 1e9,
        blog::PUBLISH_S[1] * 1e9,
    ));
    dot_plot(&[
        Panel {
            title: "One send".into(),
            axis: "time per send (log scale)".into(),
            dots: sends,
            format: human_ns,
            tick: tick_ns,
        },
        Panel {
            title: format!(
                "One event to {} processes, one by one",
                group_digits(members as u64)
            ),
            axis: "time per publish (log scale)".into(),
            dots: publish,
            format: human_ns,
            tick: tick_ns,
        },
    ])
}
