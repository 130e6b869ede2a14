defmodule Beam.Fanout do
  @moduledoc """
  Message fanout, the blog's first bottleneck, on real nodes: one guild process on the
  controlling node; its `members` session processes spread over the peer nodes (each peer
  its own OS process, distributed Erlang over loopback TCP); `publishes` events of
  `payload_bytes` published back to back. Two strategies:

  * `naive`: the guild does one `send/2` per member (the blog's "before").
  * `manifold`: the guild calls `Beam.Manifold.send/2`: one message per node to that node's
    partitioner, which fans out through one worker per scheduler there.

  Figures per strategy:
  * `guild_publish_p50_ns`, `guild_publish_ns`: the guild's own time per publish (median and
    mean over the run), i.e. how long the guild is busy and cannot do anything else;
  * `delivery_p50_ns`, `delivery_p99_ns`: from the publish's timestamp (taken by the guild
    as the publish starts) to a member's receive, corrected for each node's clock offset
    (Erlang monotonic time starts anywhere on every VM); from a histogram with 16 buckets per
    power of two (+-2.2 %);
  * `cross_node_messages`, `cross_node_bytes`: per publish, from the controller's side of the
    distribution connections (`:inet.getstat/2` `send_cnt`/`send_oct` on each
    `:erlang.system_info(:dist_ctrl)` port), after subtracting the idle rate measured just
    before (ticks);
  * `delivered`, `order_violations`: every member checks that each guild's sequence numbers
    arrive as 1, 2, 3, ... (a gap, repeat or reorder is a violation) and reports at the end.
  """

  alias Beam.{Cluster, Remote, Stats}

  @strategies ~w(naive manifold)a
  def strategies, do: @strategies

  # ---- the scenario ------------------------------------------------------------------------

  @doc """
  Runs the fanout scenario. Options: `:members`, `:publishes`, `:payload_bytes`,
  `:strategies`, `:timeout_ms`, and either `:peers` (a count to start) or `:peer_names`.
  Cluster options (`:interface`, `:name_domain`, `:host`) go to `Beam.Cluster`.
  """
  def run(opts) do
    peers_spec = Keyword.get(opts, :peer_names) || Keyword.fetch!(opts, :peers)

    Cluster.with_peers(peers_spec, opts, fn peers ->
      run_on(Enum.map(peers, & &1.node), opts)
    end)
  end

  @doc "Runs the strategies with members on `nodes` (already connected, code loaded)."
  def run_on(nodes, opts) do
    members = Keyword.fetch!(opts, :members)
    publishes = Keyword.fetch!(opts, :publishes)
    payload_bytes = Keyword.get(opts, :payload_bytes, 256)
    strategies = Keyword.get(opts, :strategies, @strategies)
    timeout_ms = Keyword.get(opts, :timeout_ms, 120_000)

    hosts = Enum.map(nodes, &Remote.start/1)

    try do
      offsets = Enum.map(hosts, &Remote.clock_offset/1)

      workers =
        for host <- hosts do
          {:ok, _} = Remote.call(host, Beam.Manifold, :start_partitioner, [])
          Remote.call(host, System, :schedulers_online, [])
        end

      payload = :crypto.strong_rand_bytes(payload_bytes)

      results =
        for strategy <- strategies, into: %{} do
          Beam.CLI.progress(
            "fanout: #{strategy}, #{members} members on #{length(nodes)} nodes, #{publishes} publishes"
          )

          r =
            one_strategy(strategy, nodes, hosts, offsets, members, publishes, payload, timeout_ms)

          {strategy, r}
        end

      %{
        members: members,
        session_nodes: length(nodes),
        publishes: publishes,
        payload_bytes: payload_bytes,
        workers_per_node: workers,
        clock_uncertainty_ns: offsets |> Enum.map(&elem(&1, 1)) |> Enum.max(),
        strategies: results
      }
    after
      Enum.each(hosts, &Remote.stop/1)
    end
  end

  defp one_strategy(strategy, nodes, hosts, offsets, members, publishes, payload, timeout_ms) do
    guild_id = :erlang.unique_integer([:positive])
    driver = self()
    counts = split(members, length(hosts))

    per_node =
      for {{host, {offset, _}}, count} <- Enum.zip(Enum.zip(hosts, offsets), counts) do
        Remote.call(host, __MODULE__, :spawn_members, [count, guild_id, publishes, offset, driver])
      end

    # Interleave the nodes' members, as a real guild's member list would be.
    member_pids = interleave(per_node)

    try do
      guild = spawn_link(fn -> guild(strategy, member_pids, payload, guild_id) end)

      # Idle rate of the distribution connections (ticks and the like), to subtract.
      {ic0, io0} = Cluster.dist_sent(nodes)
      Process.sleep(100)
      {ic1, io1} = Cluster.dist_sent(nodes)
      idle_window = 100_000_000

      {c0, o0} = Cluster.dist_sent(nodes)
      t0 = :erlang.monotonic_time(:nanosecond)
      send(guild, {:publish, publishes, driver})

      durations =
        receive do
          {:published, ^guild, d} -> d
        after
          timeout_ms -> raise "fanout #{strategy}: the guild did not finish publishing"
        end

      complete = wait_nodes(length(hosts), :erlang.monotonic_time(:millisecond) + timeout_ms)
      t1 = :erlang.monotonic_time(:nanosecond)
      {c1, o1} = Cluster.dist_sent(nodes)
      Process.unlink(guild)
      Process.exit(guild, :kill)

      window = t1 - t0
      msgs = c1 - c0 - (ic1 - ic0) * window / idle_window
      bytes = o1 - o0 - (io1 - io0) * window / idle_window

      unless complete,
        do: Beam.CLI.progress("fanout #{strategy}: WARNING: not every member got every event")

      reports = Enum.map(hosts, &Remote.call(&1, __MODULE__, :collect, [], timeout_ms))
      delivered = reports |> Enum.map(& &1.delivered) |> Enum.sum()
      violations = reports |> Enum.map(& &1.violations) |> Enum.sum()
      incomplete = reports |> Enum.map(& &1.incomplete) |> Enum.sum()
      hist = reports |> Enum.map(& &1.hist) |> Enum.reduce(%{}, &Stats.hist_merge/2)

      %{
        guild_publish_p50_ns: Stats.median(durations),
        guild_publish_ns: Stats.mean(durations),
        guild_publish_p99_ns: Stats.percentile(durations, 99),
        delivery_p50_ns: Stats.hist_percentile(hist, 50),
        delivery_p99_ns: Stats.hist_percentile(hist, 99),
        delivery_max_ns: Stats.hist_percentile(hist, 100),
        all_delivered_ns: window,
        cross_node_messages: max(msgs, 0) / publishes,
        cross_node_bytes: max(bytes, 0) / publishes,
        delivered: delivered,
        expected_deliveries: members * publishes,
        incomplete_members: incomplete,
        order_violations: violations
      }
    after
      Enum.each(hosts, &Remote.call(&1, __MODULE__, :stop_members, []))
    end
  end

  defp wait_nodes(0, _deadline), do: true

  defp wait_nodes(n, deadline) do
    left = max(deadline - :erlang.monotonic_time(:millisecond), 0)

    receive do
      {:fanout_node_done, _node} -> wait_nodes(n - 1, deadline)
    after
      left -> false
    end
  end

  @doc false
  def split(total, parts) do
    base = div(total, parts)
    extra = rem(total, parts)
    for i <- 1..parts, do: base + if(i <= extra, do: 1, else: 0)
  end

  defp interleave(lists) do
    lists
    |> Enum.map(&List.to_tuple/1)
    |> then(fn tuples ->
      longest = tuples |> Enum.map(&tuple_size/1) |> Enum.max(fn -> 0 end)

      for i <- 0..(longest - 1)//1, t <- tuples, i < tuple_size(t), do: elem(t, i)
    end)
  end

  # ---- the guild ---------------------------------------------------------------------------

  @doc false
  def guild(strategy, members, payload, guild_id) do
    receive do
      {:publish, n, from} ->
        durations = publish(strategy, members, payload, guild_id, 1, n, [])
        send(from, {:published, self(), durations})
        guild(strategy, members, payload, guild_id)
    end
  end

  defp publish(_strategy, _members, _payload, _guild_id, seq, n, acc) when seq > n,
    do: Enum.reverse(acc)

  defp publish(strategy, members, payload, guild_id, seq, n, acc) do
    t0 = :erlang.monotonic_time(:nanosecond)
    event = {:event, guild_id, seq, t0, payload}

    case strategy do
      :naive -> send_each(members, event)
      :manifold -> Beam.Manifold.send(members, event)
    end

    d = :erlang.monotonic_time(:nanosecond) - t0
    publish(strategy, members, payload, guild_id, seq + 1, n, [d | acc])
  end

  defp send_each([pid | pids], event) do
    send(pid, event)
    send_each(pids, event)
  end

  defp send_each([], _event), do: :ok

  # ---- on every session node (run inside that node's Beam.Remote host) -------------------

  @doc false
  def spawn_members(count, guild_id, expected, offset, driver) do
    collector = spawn_link(fn -> collector(count, driver) end)

    pids =
      for _ <- 1..count//1 do
        spawn_link(fn ->
          member(%{
            guild: guild_id,
            expected: expected,
            offset: offset,
            collector: collector,
            last: 0,
            count: 0,
            violations: 0,
            hist: Stats.hist_new()
          })
        end)
      end

    Process.put(:fanout_members, {collector, pids})
    Process.put(:fanout_expected, expected)
    pids
  end

  defp collector(0, driver) do
    send(driver, {:fanout_node_done, node()})
    receive(do: (:never -> :ok))
  end

  defp collector(n, driver) do
    receive do
      :member_done -> collector(n - 1, driver)
    end
  end

  defp member(st) do
    receive do
      {:event, guild, seq, ts, _payload} ->
        latency = :erlang.monotonic_time(:nanosecond) - st.offset - ts
        ok = guild == st.guild and seq == st.last + 1
        count = st.count + 1
        if count == st.expected, do: send(st.collector, :member_done)

        member(%{
          st
          | last: max(seq, st.last),
            count: count,
            violations: if(ok, do: st.violations, else: st.violations + 1),
            hist: Stats.hist_add(st.hist, latency)
        })

      {:report, from, ref} ->
        send(from, {ref, st.count, st.violations, st.hist})
        member(st)
    end
  end

  @doc false
  def collect do
    {_collector, pids} = Process.get(:fanout_members)
    ref = make_ref()
    Enum.each(pids, &send(&1, {:report, self(), ref}))

    Enum.reduce(pids, %{delivered: 0, violations: 0, incomplete: 0, hist: %{}}, fn _, acc ->
      receive do
        {^ref, count, violations, hist} ->
          %{
            acc
            | delivered: acc.delivered + count,
              violations: acc.violations + violations,
              incomplete: acc.incomplete + if(count == expected_of(), do: 0, else: 1),
              hist: Stats.hist_merge(acc.hist, hist)
          }
      after
        30_000 -> raise "a member did not report"
      end
    end)
  end

  defp expected_of, do: Process.get(:fanout_expected)

  @doc false
  def stop_members do
    case Process.get(:fanout_members) do
      nil ->
        :ok

      {collector, pids} ->
        for pid <- [collector | pids] do
          Process.unlink(pid)
          Process.exit(pid, :kill)
        end

        Process.delete(:fanout_members)
        :ok
    end
  end
end
