defmodule Beam.SendCostTest do
  use ExUnit.Case

  test "measures local and remote sends (small sizes)" do
    r =
      Beam.Cluster.with_peers(1, [], fn [p] ->
        Beam.SendCost.run_on(p.node, messages: 5_000, receivers: 2_000, rounds: 2)
      end)

    assert r.per_send_ns.local > 0 and r.per_send_ns.remote > 0
    assert r.per_call_ns.local > 0
    assert r.one_by_one_30k_ns.local > 0 and r.one_by_one_30k_ns.remote > 0
    assert length(r.one_by_one_30k_rounds_ns.remote) == 2
  end

  test "a GenServer.call is timed, and the callee answers n + 1" do
    assert Beam.SendCost.per_call(1_000) > 0
    {:ok, echo} = GenServer.start(Beam.SendCost.Echo, nil)
    assert GenServer.call(echo, 41) == 42
    GenServer.stop(echo)
  end
end
