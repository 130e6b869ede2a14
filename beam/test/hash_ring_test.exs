defmodule Beam.HashRingTest do
  @moduledoc """
  Known answers copied from the Rust ring's tests (labs/ring/src/ring.rs), which were
  computed from the spec alone with Python's hashlib: the two sides place every key alike.
  """
  use ExUnit.Case, async: true
  alias Beam.HashRing

  test "key hashes match the Rust ring's (and Python hashlib's)" do
    assert HashRing.hash("") == 9_098_107_892_288_553_193
    assert HashRing.hash("guild") == 16_728_686_602_172_812_075
    assert HashRing.hash("1234567890") == 11_502_536_941_704_360_091
    assert HashRing.hash(1_234_567_890) == 11_502_536_941_704_360_091
    assert HashRing.hash(0) == HashRing.hash("0")
  end

  defp greek, do: HashRing.new(["alpha", "beta", "gamma"], 4)

  test "owners on a small ring match" do
    ring = greek()
    assert HashRing.points(ring) == 12
    assert HashRing.find_node(ring, "1") == "beta"
    assert HashRing.find_node(ring, 42) == "beta"
    assert HashRing.find_node(ring, "hello world") == "gamma"
    assert HashRing.find_node(ring, 80_351_110_224_678_912) == "alpha"
  end

  test "a key past the last point wraps to the first, and a key on a point goes to the next" do
    assert HashRing.find_node(greek(), "guild") == "alpha"
    assert HashRing.find_node(greek(), "beta1") == "alpha"
    assert HashRing.find_node(greek(), "alpha2") == "beta"
  end

  test "find_nodes walks clockwise over distinct nodes" do
    ring = greek()
    assert HashRing.find_nodes(ring, "1", 2) == ["beta", "alpha"]
    assert HashRing.find_nodes(ring, "guild", 5) == ["alpha", "gamma", "beta"]
    assert HashRing.find_nodes(ring, "hello world", 3) == ["gamma", "beta", "alpha"]
    assert HashRing.find_nodes(ring, "1", 0) == []
  end

  test "the production-sized ring (10 nodes x 512) matches" do
    ring = HashRing.new(Beam.Ring.node_names(10), 512)
    assert HashRing.points(ring) == 5_120
    assert HashRing.find_node(ring, 80_351_110_224_678_912) == "node-1"
    assert HashRing.find_node(ring, 41_771_983_423_143_937) == "node-8"
    assert HashRing.find_node(ring, 0) == "node-4"
  end

  test "find_hashed on a key's hash answers as find_node on the key" do
    ring = HashRing.new(Beam.Ring.node_names(10), 512)
    assert HashRing.find_hashed(ring, HashRing.hash(80_351_110_224_678_912)) == "node-1"

    for key <- [0, 42, "guild", "beta1"] ++ Enum.map(0..499, &Beam.Ring.guild_id(&1, 0, 1)) do
      assert HashRing.find_hashed(ring, HashRing.hash(key)) == HashRing.find_node(ring, key)
    end

    assert HashRing.find_hashed(HashRing.new([], 8), 7) == nil
  end

  test "an empty ring has no owner" do
    ring = HashRing.new([], 8)
    assert HashRing.find_node(ring, "x") == nil
    assert HashRing.find_nodes(ring, "x", 3) == []
  end
end
