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
    # A count, zero when the distribution buffer never filled.
    assert is_integer(r.suspensions.remote) and r.suspensions.remote >= 0
    assert r.dist_buf_busy_limit_bytes == :erlang.system_info(:dist_buf_busy_limit)
  end

  test "counts the caller's busy_dist_port suspensions, and only the caller's" do
    me = self()
    fake_port = :erlang.list_to_port(~c"#Port<0.1>")

    {result, n} =
      Beam.SendCost.busy_dist_port(fn ->
        # What the VM sends a system monitor on each suspension; the collector is the monitor.
        {collector, _} = :erlang.system_monitor()
        for _ <- 1..3, do: send(collector, {:monitor, me, :busy_dist_port, fake_port})
        send(collector, {:monitor, spawn(fn -> :ok end), :busy_dist_port, fake_port})
        :done
      end)

    assert {result, n} == {:done, 3}
    assert :erlang.system_monitor() == :undefined
  end

  test "a GenServer.call is timed, and the callee answers n + 1" do
    assert Beam.SendCost.per_call(1_000) > 0
    {:ok, echo} = GenServer.start(Beam.SendCost.Echo, nil)
    assert GenServer.call(echo, 41) == 42
    GenServer.stop(echo)
  end
end
