//! The consistent hash ring, placement-compatible with Discord's `ex_hash_ring`.
//!
//! Discord finds the node that owns a guild by hashing the guild id onto a ring of points. Every
//! node puts `replicas` points ("virtual nodes") on the ring, and a key belongs to the node of the
//! first point clockwise from the key's hash. When a node joins, it takes over only the arcs just
//! before its own points; every other key stays where it was. That is the whole reason for a
//! ring instead of `hash % nodes`, where one more node moves almost every key.
//!
//! Placement here is bit-for-bit the one of `ex_hash_ring` (its `HashRing.Utils.hash/1` and
//! `find_next_highest_item`), so a Rust service and an Elixir cluster agree on every key:
//!
//! - a key's hash is the MD5 of its bytes, digest bytes 8..16 read as a little-endian `u64`; an
//!   integer key (a guild id) is hashed as its decimal text, as `"#{key}"` does in Elixir;
//! - node `name` has points at the hashes of `"{name}0"`, `"{name}1"`, … `"{name}{replicas-1}"`;
//! - a key belongs to the first point whose hash is **strictly greater** than the key's hash,
//!   wrapping round to the smallest point.
//!
//! A [`Ring`] is an immutable-by-convention value: building one costs thousands of MD5s, reading
//! one is a binary search over a sorted vector. Each ring carries an [`id`](Ring::id), a generation
//! number bumped by every change, so a test can tell which ring an answer came from.

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

/// `ex_hash_ring`'s default number of points per node.
pub const DEFAULT_REPLICAS: u32 = 512;

// ANCHOR: hash
/// The hash of a key's bytes: MD5, digest bytes 8..16 as a little-endian `u64` (`ex_hash_ring`'s
/// `<<_::binary-size(8), value::unsigned-little-integer-size(64)>> = :erlang.md5(key)`).
pub fn hash_key(key: &[u8]) -> u64 {
    let digest = Md5::digest(key);
    let upper: [u8; 8] = digest[8..16]
        .try_into()
        .expect("an MD5 digest has 16 bytes");
    u64::from_le_bytes(upper)
}

/// The hash of an integer key, such as a guild id: the hash of its decimal text, as Elixir's
/// `hash("#{key}")`. Formatted on the stack: a lookup allocates nothing.
pub fn hash_id(id: u64) -> u64 {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = id;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    hash_key(&digits[start..])
}
// ANCHOR_END: hash

/// The generation of a ring: every change makes a new one.
pub type RingId = u64;

/// Which node owns a key, and in which ring the answer was found.
///
/// `node` indexes [`Ring::nodes`] of the ring whose id is `ring`: small, `Copy`, and cheap to send
/// back from a process, unlike a node name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Placement {
    /// The id of the ring that answered.
    pub ring: RingId,
    /// The owner's index in that ring's [`Ring::nodes`].
    pub node: u32,
}

/// A point on the ring: a hash and the index of the node that put it there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Point {
    hash: u64,
    node: u32,
}

/// Why a ring refused a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RingError {
    /// `add_node` with a name already on the ring.
    AlreadyPresent(String),
    /// `remove_node` with a name not on the ring.
    NotPresent(String),
}

impl std::fmt::Display for RingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RingError::AlreadyPresent(name) => write!(f, "node '{name}' is already on the ring"),
            RingError::NotPresent(name) => write!(f, "node '{name}' is not on the ring"),
        }
    }
}

impl std::error::Error for RingError {}

/// A consistent hash ring of named nodes, each with the same number of points.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ring {
    id: RingId,
    replicas: u32,
    nodes: Vec<String>,
    /// Sorted by hash (ties, astronomically rare with 64 bits, broken by node name).
    points: Vec<Point>,
}

impl Ring {
    /// An empty ring whose nodes will get `replicas` points each. Panics if `replicas` is 0.
    pub fn new(replicas: u32) -> Ring {
        assert!(replicas > 0, "a node needs at least one point on the ring");
        Ring {
            id: 0,
            replicas,
            nodes: Vec::new(),
            points: Vec::new(),
        }
    }

    /// A ring of `nodes` (distinct names) with `replicas` points each.
    pub fn with_nodes<S: AsRef<str>>(nodes: impl IntoIterator<Item = S>, replicas: u32) -> Ring {
        let mut ring = Ring::new(replicas);
        for name in nodes {
            ring.add_node(name.as_ref())
                .expect("with_nodes takes distinct names");
        }
        ring
    }

    /// This ring's generation number.
    pub fn id(&self) -> RingId {
        self.id
    }

    /// The same ring under another id.
    pub fn with_id(mut self, id: RingId) -> Ring {
        self.id = id;
        self
    }

    /// Points per node.
    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    /// The nodes, in the order they joined; a [`Placement`]'s `node` indexes this.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// How many points the ring has (nodes × replicas).
    pub fn points(&self) -> usize {
        self.points.len()
    }

    // ANCHOR: add_node
    /// Adds a node and its points; the ring's id goes up by one.
    ///
    /// Only the new node's points are hashed; the rest are already sorted, so this is `replicas`
    /// MD5s and one sort, the "build a new ring" half of an update.
    pub fn add_node(&mut self, name: &str) -> Result<(), RingError> {
        if self.nodes.iter().any(|n| n == name) {
            return Err(RingError::AlreadyPresent(name.to_owned()));
        }
        let node = u32::try_from(self.nodes.len()).expect("fewer than 2^32 nodes");
        self.nodes.push(name.to_owned());
        let mut text = String::with_capacity(name.len() + 10);
        for replica in 0..self.replicas {
            text.clear();
            text.push_str(name);
            text.push_str(&replica.to_string());
            let hash = hash_key(text.as_bytes());
            self.points.push(Point { hash, node });
        }
        self.sort_points();
        self.id += 1;
        Ok(())
    }
    // ANCHOR_END: add_node

    /// Removes a node and its points; the ring's id goes up by one.
    pub fn remove_node(&mut self, name: &str) -> Result<(), RingError> {
        let gone = self
            .nodes
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| RingError::NotPresent(name.to_owned()))?;
        self.nodes.remove(gone);
        let gone = gone as u32;
        self.points.retain(|p| p.node != gone);
        for point in &mut self.points {
            if point.node > gone {
                point.node -= 1;
            }
        }
        self.id += 1;
        Ok(())
    }

    fn sort_points(&mut self) {
        let nodes = &self.nodes;
        self.points.sort_unstable_by(|a, b| {
            (a.hash, &nodes[a.node as usize]).cmp(&(b.hash, &nodes[b.node as usize]))
        });
    }

    // ANCHOR: find
    /// The index of the first point strictly greater than `hash`, wrapping to the first point.
    fn next_point(&self, hash: u64) -> Option<usize> {
        if self.points.is_empty() {
            return None;
        }
        let after = self.points.partition_point(|p| p.hash <= hash);
        Some(if after == self.points.len() { 0 } else { after })
    }

    /// The owner of a key whose hash is `hash`, or `None` on an empty ring.
    pub fn placement(&self, hash: u64) -> Option<Placement> {
        let point = self.points[self.next_point(hash)?];
        Some(Placement {
            ring: self.id,
            node: point.node,
        })
    }
    // ANCHOR_END: find

    /// The name of the node a placement from this ring points at.
    pub fn node_name(&self, placement: Placement) -> &str {
        &self.nodes[placement.node as usize]
    }

    /// The node that owns `key` (text, bytes or an integer id), or `None` on an empty ring.
    pub fn find_node<K: RingKey + ?Sized>(&self, key: &K) -> Option<&str> {
        self.placement(key.ring_hash())
            .map(|placement| self.node_name(placement))
    }

    /// Up to `n` distinct nodes for `key`, clockwise from its owner: the owner first, then the
    /// replicas a write would also go to. Fewer when the ring has fewer nodes.
    pub fn find_nodes<K: RingKey + ?Sized>(&self, key: &K, n: usize) -> Vec<&str> {
        let wanted = n.min(self.nodes.len());
        let mut found: Vec<u32> = Vec::with_capacity(wanted);
        let Some(mut at) = self.next_point(key.ring_hash()) else {
            return Vec::new();
        };
        // `ex_hash_ring` walks from point to point; each step is "strictly greater than the
        // current point", which is the next index.
        while found.len() < wanted {
            let node = self.points[at].node;
            if !found.contains(&node) {
                found.push(node);
            }
            at = (at + 1) % self.points.len();
        }
        found
            .into_iter()
            .map(|node| self.nodes[node as usize].as_str())
            .collect()
    }
}

/// A key the ring can place: bytes and text by their bytes, integers by their decimal text.
pub trait RingKey {
    /// The key's position on the ring.
    fn ring_hash(&self) -> u64;
}

impl RingKey for [u8] {
    fn ring_hash(&self) -> u64 {
        hash_key(self)
    }
}

impl RingKey for str {
    fn ring_hash(&self) -> u64 {
        hash_key(self.as_bytes())
    }
}

impl RingKey for String {
    fn ring_hash(&self) -> u64 {
        hash_key(self.as_bytes())
    }
}

impl RingKey for u64 {
    fn ring_hash(&self) -> u64 {
        hash_id(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    // The expected values in the known-answer tests below were computed independently of this
    // file, from the spec alone, with Python's `hashlib`:
    //   h = lambda k: struct.unpack('<Q', hashlib.md5(k).digest()[8:16])[0]
    //   items = sorted((h(f"{n}{i}".encode()), n) for n in nodes for i in range(replicas))
    //   owner = items[bisect.bisect_right([x[0] for x in items], h(key)) % len(items)][1]
    // Reading the digest big-endian, or taking bytes 0..8, or ">=" instead of ">" fails them.

    #[test]
    fn key_hashes_match_python_hashlib() {
        // md5("") = d41d8cd98f00b204e9800998ecf8427e; bytes 8..16 = e9800998ecf8427e, little-endian.
        assert_eq!(hash_key(b""), 9_098_107_892_288_553_193);
        assert_eq!(hash_key(b"guild"), 16_728_686_602_172_812_075);
        assert_eq!(hash_key(b"1234567890"), 11_502_536_941_704_360_091);
        assert_eq!(hash_id(1_234_567_890), 11_502_536_941_704_360_091);
        assert_eq!(hash_id(0), hash_key(b"0"));
        assert_eq!(hash_id(u64::MAX), hash_key(u64::MAX.to_string().as_bytes()));
    }

    fn greek() -> Ring {
        Ring::with_nodes(["alpha", "beta", "gamma"], 4)
    }

    #[test]
    fn owners_match_python_on_a_small_ring() {
        let ring = greek();
        assert_eq!(ring.points(), 12);
        assert_eq!(ring.find_node("1"), Some("beta"));
        assert_eq!(ring.find_node(&42u64), Some("beta"));
        assert_eq!(ring.find_node("hello world"), Some("gamma"));
        assert_eq!(ring.find_node(&80_351_110_224_678_912u64), Some("alpha"));
    }

    #[test]
    fn a_key_past_the_last_point_wraps_to_the_first() {
        // h("guild") is above every point of the ring: it wraps to alpha0, the smallest.
        assert_eq!(greek().find_node("guild"), Some("alpha"));
        // "beta1" hashes exactly onto the largest point: strictly greater means wrap.
        assert_eq!(greek().find_node("beta1"), Some("alpha"));
    }

    #[test]
    fn a_key_on_a_point_belongs_to_the_next_point() {
        // "alpha2" hashes exactly onto alpha's point 7103561467853498899; the next point is
        // beta0 (8732829521500342182). With ">=" it would stay with alpha.
        assert_eq!(greek().find_node("alpha2"), Some("beta"));
    }

    #[test]
    fn find_nodes_walks_clockwise_over_distinct_nodes() {
        let ring = greek();
        assert_eq!(ring.find_nodes("1", 2), ["beta", "alpha"]);
        assert_eq!(ring.find_nodes("guild", 5), ["alpha", "gamma", "beta"]);
        assert_eq!(
            ring.find_nodes("hello world", 3),
            ["gamma", "beta", "alpha"]
        );
        assert!(ring.find_nodes("1", 0).is_empty());
    }

    #[test]
    fn the_production_sized_ring_matches_python() {
        let names: Vec<String> = (0..10).map(|i| format!("node-{i}")).collect();
        let ring = Ring::with_nodes(&names, DEFAULT_REPLICAS);
        assert_eq!(ring.points(), 5_120);
        assert_eq!(ring.find_node(&80_351_110_224_678_912u64), Some("node-1"));
        assert_eq!(ring.find_node(&41_771_983_423_143_937u64), Some("node-8"));
        assert_eq!(ring.find_node(&0u64), Some("node-4"));
    }

    #[test]
    fn an_empty_ring_has_no_owner_and_changes_are_checked() {
        let mut ring = Ring::new(8);
        assert_eq!(ring.find_node("x"), None);
        assert!(ring.find_nodes("x", 3).is_empty());
        ring.add_node("a").unwrap();
        assert_eq!(ring.id(), 1);
        assert_eq!(
            ring.add_node("a"),
            Err(RingError::AlreadyPresent("a".into()))
        );
        assert_eq!(
            ring.remove_node("b"),
            Err(RingError::NotPresent("b".into()))
        );
        ring.remove_node("a").unwrap();
        assert_eq!(
            (ring.id(), ring.points(), ring.find_node("x")),
            (2, 0, None)
        );
    }

    fn random_ring(rng: &mut SmallRng) -> Ring {
        let nodes = rng.random_range(2..=8);
        let replicas = rng.random_range(128..=512);
        let names: Vec<String> = (0..nodes)
            .map(|i| format!("n{i}-{:x}", rng.random::<u32>()))
            .collect();
        Ring::with_nodes(&names, replicas)
    }

    /// The share of the hash space each node owns, from the arcs between points.
    fn arc_shares(ring: &Ring) -> Vec<f64> {
        let mut shares = vec![0.0; ring.nodes().len()];
        let n = ring.points.len();
        for i in 0..n {
            // Point i owns the arc from the previous point (exclusive) up to itself.
            let previous = ring.points[(i + n - 1) % n].hash;
            let arc = ring.points[i].hash.wrapping_sub(previous);
            shares[ring.points[i].node as usize] += arc as f64 / 2f64.powi(64);
        }
        shares
    }

    #[test]
    fn every_node_gets_about_its_share_of_replicas() {
        for seed in 0..12 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let ring = random_ring(&mut rng);
            let nodes = ring.nodes().len();
            let keys = 40_000;
            let mut counts = vec![0usize; nodes];
            for _ in 0..keys {
                let placement = ring.placement(rng.random()).unwrap();
                counts[placement.node as usize] += 1;
            }
            for (node, share) in arc_shares(&ring).into_iter().enumerate() {
                let fair = 1.0 / nodes as f64;
                // With r points a node's arc share is a sum of r gaps: within ~3/sqrt(r) of fair.
                let spread = 3.0 / f64::from(ring.replicas()).sqrt();
                assert!(
                    (share - fair).abs() <= fair * spread,
                    "seed {seed}: node {node} owns {share:.4} of the ring, fair is {fair:.4}"
                );
                // Random keys land on it in proportion to its arcs (binomial noise, 4 sigma).
                let seen = counts[node] as f64 / keys as f64;
                let sigma = (share * (1.0 - share) / keys as f64).sqrt();
                assert!(
                    (seen - share).abs() <= 4.0 * sigma,
                    "seed {seed}: node {node} got {seen:.4} of the keys for {share:.4} of the ring"
                );
            }
        }
    }

    #[test]
    fn adding_a_node_only_moves_keys_to_it_and_removing_it_moves_them_back() {
        for seed in 100..110 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let before = random_ring(&mut rng);
            let mut after = before.clone();
            after.add_node("newcomer").unwrap();
            let mut moved = 0;
            for _ in 0..20_000 {
                let key: u64 = rng.random();
                let old = before.find_node(&key).unwrap();
                let new = after.find_node(&key).unwrap();
                if old != new {
                    assert_eq!(
                        new, "newcomer",
                        "seed {seed}: key {key} moved from {old} to {new}"
                    );
                    moved += 1;
                }
            }
            assert!(moved > 0, "seed {seed}: the new node took no keys");
            after.remove_node("newcomer").unwrap();
            for _ in 0..2_000 {
                let key: u64 = rng.random();
                assert_eq!(before.find_node(&key), after.find_node(&key));
            }
        }
    }

    #[test]
    fn find_nodes_starts_at_the_owner_and_never_repeats() {
        let mut rng = SmallRng::seed_from_u64(7);
        let ring = random_ring(&mut rng);
        for _ in 0..2_000 {
            let key: u64 = rng.random();
            let n = rng.random_range(1..=10);
            let found = ring.find_nodes(&key, n);
            assert_eq!(found.len(), n.min(ring.nodes().len()));
            assert_eq!(Some(found[0]), ring.find_node(&key));
            let mut distinct = found.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), found.len());
        }
    }
}
