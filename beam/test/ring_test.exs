defmodule Beam.RingTest do
  use ExUnit.Case
  alias Beam.{FastGlobal, HashRing, Ring}

  @ring HashRing.new(Ring.node_names(10), 512)

  for strategy <- Ring.strategies(), prehashed <- [false, true] do
    test "#{strategy}: a #{if prehashed, do: "prehashed", else: "hashing"} storm gets the pure ring's owners for every lookup" do
      sessions = if unquote(strategy) == :ets, do: 20, else: 300

      r =
        Ring.storm(unquote(strategy),
          sessions: sessions,
          lookups: 5,
          ring: @ring,
          collect: true,
          prehashed: unquote(prehashed)
        )

      assert r.lookups == sessions * 5
      assert length(r.answers) == sessions

      for {s, owners} <- r.answers do
        expected = for j <- 0..4, do: HashRing.find_node(@ring, Ring.guild_id(s, j, 5))
        assert owners == expected
      end

      assert r.total_ns > 0 and r.update_ns >= 0
    end
  end

  test "every strategy is cleaned up after a storm" do
    for strategy <- Ring.strategies(), do: Ring.storm(strategy, sessions: 2, ring: @ring)
    assert Process.whereis(Beam.Ring.Server) == nil
    assert :ets.whereis(:beam_ring) == :undefined
    assert :persistent_term.get({Beam.Ring, :ring}, :gone) == :gone
    assert FastGlobal.get(:beam_ring, :gone) == :gone
  end

  test "find_hashed through every strategy answers as find_node" do
    for strategy <- Ring.strategies() do
      Ring.install(strategy, @ring)

      try do
        for s <- 0..49 do
          id = Ring.guild_id(s, 0, 1)
          owner = HashRing.find_node(@ring, id)
          assert Ring.find_node(strategy, id) == owner
          assert Ring.find_hashed(strategy, HashRing.hash(id)) == owner
        end
      after
        Ring.uninstall(strategy)
      end
    end
  end

  test "FastGlobal: put, get through a handle, replace, delete" do
    h = FastGlobal.new(:beam_test_key)
    assert FastGlobal.get(h) == nil
    :ok = FastGlobal.put(h, %{a: [1, 2, {3}]})
    assert FastGlobal.get(h) == %{a: [1, 2, {3}]}
    assert FastGlobal.get(:beam_test_key) == %{a: [1, 2, {3}]}
    :ok = FastGlobal.put(:beam_test_key, @ring)
    assert HashRing.find_node(FastGlobal.get(h), 0) == "node-4"
    :ok = FastGlobal.delete(h)
    assert FastGlobal.get(h, :missing) == :missing
  end

  test "the scenario's JSON-ready map has every strategy" do
    r =
      Ring.run(
        sessions: 100,
        lookups: 5,
        nodes: 10,
        replicas: 512,
        ets_sessions: 10,
        single_lookups: 200,
        alone_lookups: 2_000,
        strategies: Ring.strategies()
      )

    assert r.sessions == 100

    for storm <- [r.storm, r.storm_hashing] do
      assert Map.keys(storm) |> Enum.sort() == Enum.sort(Ring.strategies())
      assert storm.ets.sessions == 10 and storm.ets.projected_total_ns > 0
      assert storm.genserver.sessions == 100
      for {_, f} <- storm, do: assert(f.ns_per_lookup > 0 and f.update_ns >= 0)
    end

    assert Map.keys(r.alone) |> Enum.sort() == Enum.sort(Ring.strategies())
    assert r.alone.genserver.lookups_per_reader == 2_000 and r.alone.ets.lookups_per_reader == 20
    for {_, f} <- r.alone, do: assert(f.ns_per_lookup > 0 and f.readers >= 1)

    for single <- [r.single_process_ns_per_lookup, r.single_process_hashing_ns_per_lookup] do
      assert Map.keys(single) |> Enum.sort() == Enum.sort(Ring.strategies())
      for {_, ns} <- single, do: assert(ns > 0)
    end
  end

  test "alone: one reader per scheduler, each making every lookup" do
    for strategy <- Ring.strategies() do
      r = Ring.alone(strategy, @ring, 50)
      assert r.readers == :erlang.system_info(:schedulers_online)
      assert r.lookups_per_reader == 50
      assert r.ns_per_lookup == r.total_ns / 50 and r.total_ns > 0
    end

    r = Ring.alone(:persistent_term, @ring, 10, 3)
    assert r.readers == 3
    assert :persistent_term.get({Beam.Ring, :ring}, :gone) == :gone
  end
end
