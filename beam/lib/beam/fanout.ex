defmodule Beam.Fanout do
  @moduledoc """
  Message fanout, the blog's first bottleneck, on real nodes: one guild process on the
  controlling node; its `members` session processes spread over the peer nodes (each peer
  its own OS process, distributed Erlang over loopback TCP); `publishes` events of
  `payload_bytes` published back to back, then `isolated` events one at a time. Two
  strategies:

  * `naive`: the guild does one `send/2` per member (the blog's "before").
  * `manifold`: the guild calls `Beam.Manifold.send/2`: one message per node to that node's
    partitioner, which fans out through one worker per scheduler there.

  Figures per strategy:
  * `guild_publish_p50_ns`, `guild_publish_ns`: the guild's own time per publish (median and
    mean over the run), i.e. how long the guild is busy and cannot do anything else;
  * `delivery_p50_ns`, `delivery_p99_ns`: per publish one at a time (the `isolated` ones,
    each only after the previous reached every member), from the publish's timestamp (taken
    by the guild as the publish starts) until the *last* member had the event, as the Rust
    rig times a publish: on each node the member whose receive completes that event's count
    there stamps its latency, corrected for the node's clock offset (Erlang monotonic time
    starts anywhere on every VM), and the publish's figure is the latest over the nodes;
    exact, over the publishes (nearest rank);
  * `delivery_back_to_back_p50_ns`, `delivery_back_to_back_p99_ns`: the same per publish of
    the back-to-back run. This includes the backlog: whichever side is the bottleneck (the
    guild for naive, the session nodes' workers for Manifold) queues the later events;
  * `member_delivery_back_to_back_p50_ns`, `member_delivery_back_to_back_p99_ns`,
    `delivery_max_ns` (back to back) and `delivery_isolated_p50_ns`,
    `delivery_isolated_p99_ns` (one at a time): the same latencies per member's receive rather
    than per publish, from a histogram with 16 buckets per power of two (+-2.2 %);
  * `cross_node_messages`, `cross_node_bytes`: per back-to-back publish, from the
    controller's side of the distribution connections (`:inet.getstat/2`
    `send_cnt`/`send_oct` on each `:erlang.system_info(:dist_ctrl)` port), after subtracting
    the idle rate measured just before (ticks). `send_cnt` counts writes to the connection:
    one per message, but one per 64 KiB fragment of a larger message (OTP 22+ fragments big
    distribution messages), so Manifold's per-node message, which carries that node's pid
    list, counts twice once it passes 64 KiB (about 4,300 pids). `cross_node_erlang_messages`
    is the count of Erlang messages handed to the distribution, by construction;
  * `busy_dist_port_suspensions`: how many times the guild was suspended during the
    back-to-back publishes because a distribution connection's buffer was full
    (`:erlang.system_monitor/2` `busy_dist_port`): the blog's "Erlang de-scheduling the
    calling process";
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
    isolated = Keyword.get(opts, :isolated, 5)

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
            one_strategy(
              strategy,
              nodes,
              hosts,
              offsets,
              members,
              publishes,
              isolated,
              payload,
              timeout_ms
            )

          {strategy, r}
        end

      %{
        members: members,
        session_nodes: length(nodes),
        publishes: publishes,
        isolated_publishes: isolated,
        payload_bytes: payload_bytes,
        workers_per_node: workers,
        clock_uncertainty_ns: offsets |> Enum.map(&elem(&1, 1)) |> Enum.max(),
        strategies: results
      }
    after
      Enum.each(hosts, &Remote.stop/1)
    end
  end

  defp one_strategy(
         strategy,
         nodes,
         hosts,
         offsets,
         members,
         publishes,
         isolated,
         payload,
         timeout_ms
       ) do
    guild_id = :erlang.unique_integer([:positive])
    driver = self()
    counts = split(members, length(hosts))

    per_node =
      for {{host, {offset, _}}, count} <- Enum.zip(Enum.zip(hosts, offsets), counts) do
        Remote.call(host, __MODULE__, :spawn_members, [
          count,
          guild_id,
          publishes,
          offset,
          publishes + isolated
        ])
      end

    watchers = Enum.map(per_node, &elem(&1, 0))
    # Interleave the nodes' members, as a real guild's member list would be.
    member_pids = per_node |> Enum.map(&elem(&1, 1)) |> interleave()

    try do
      guild = spawn_link(fn -> guild(strategy, member_pids, payload, guild_id) end)

      # Phase 1: `publishes` events back to back. The guild's time per publish, the
      # distribution traffic, and the delivery latency under that load.
      {ic0, io0} = Cluster.dist_sent(nodes)
      Process.sleep(100)
      {ic1, io1} = Cluster.dist_sent(nodes)
      idle_window = 100_000_000

      watch(watchers, counts, publishes)
      {c0, o0} = Cluster.dist_sent(nodes)
      # Count how often the guild is suspended because a distribution buffer is full (the
      # "de-scheduling" of the blog): the runtime tells a system monitor each time.
      old_monitor = :erlang.system_monitor(driver, [:busy_dist_port])
      t0 = :erlang.monotonic_time(:nanosecond)
      send(guild, {:publish, 1, publishes, driver})
      durations = await_guild(guild, strategy, timeout_ms)
      restore_monitor(old_monitor)
      busy = count_busy(guild, 0)
      complete = wait_nodes(length(hosts), :erlang.monotonic_time(:millisecond) + timeout_ms)
      t1 = :erlang.monotonic_time(:nanosecond)
      {c1, o1} = Cluster.dist_sent(nodes)

      window = t1 - t0
      msgs = c1 - c0 - (ic1 - ic0) * window / idle_window
      bytes = o1 - o0 - (io1 - io0) * window / idle_window

      # Phase 2: `isolated` more events, each published only once the previous one has
      # reached every member: delivery latency without a backlog.
      complete2 =
        Enum.reduce(1..isolated//1, complete, fn k, ok ->
          seq = publishes + k
          watch(watchers, counts, seq)
          send(guild, {:publish, seq, seq, driver})
          await_guild(guild, strategy, timeout_ms)
          ok and wait_nodes(length(hosts), :erlang.monotonic_time(:millisecond) + timeout_ms)
        end)

      Process.unlink(guild)
      Process.exit(guild, :kill)

      unless complete2,
        do: Beam.CLI.progress("fanout #{strategy}: WARNING: not every member got every event")

      total = publishes + isolated
      reports = Enum.map(hosts, &Remote.call(&1, __MODULE__, :collect, [total], timeout_ms))
      sum = fn key -> reports |> Enum.map(&Map.fetch!(&1, key)) |> Enum.sum() end

      merged = fn key ->
        reports |> Enum.map(&Map.fetch!(&1, key)) |> Enum.reduce(%{}, &Stats.hist_merge/2)
      end

      hist = merged.(:hist)
      hist_isolated = merged.(:hist_isolated)
      # Per publish, until its last member had it: the latest of the nodes' last members.
      {back_to_back, one_at_a_time} =
        reports
        |> Enum.map(& &1.completed)
        |> Enum.zip_with(&Enum.max/1)
        |> Enum.split(publishes)

      %{
        guild_publish_p50_ns: Stats.median(durations),
        guild_publish_ns: Stats.mean(durations),
        guild_publish_p99_ns: Stats.percentile(durations, 99),
        delivery_p50_ns: Stats.percentile(one_at_a_time, 50),
        delivery_p99_ns: Stats.percentile(one_at_a_time, 99),
        delivery_back_to_back_p50_ns: Stats.percentile(back_to_back, 50),
        delivery_back_to_back_p99_ns: Stats.percentile(back_to_back, 99),
        member_delivery_back_to_back_p50_ns: Stats.hist_percentile(hist, 50),
        member_delivery_back_to_back_p99_ns: Stats.hist_percentile(hist, 99),
        delivery_max_ns: Stats.hist_percentile(hist, 100),
        delivery_isolated_p50_ns: Stats.hist_percentile(hist_isolated, 50),
        delivery_isolated_p99_ns: Stats.hist_percentile(hist_isolated, 99),
        all_delivered_ns: window,
        cross_node_messages: max(msgs, 0) / publishes,
        cross_node_bytes: max(bytes, 0) / publishes,
        cross_node_erlang_messages: erlang_messages(strategy, member_pids),
        busy_dist_port_suspensions: busy,
        delivered: sum.(:delivered),
        expected_deliveries: members * total,
        incomplete_members: sum.(:incomplete),
        order_violations: sum.(:violations)
      }
    after
      Enum.each(hosts, &Remote.call(&1, __MODULE__, :stop_members, []))
    end
  end

  # What each strategy hands to the distribution per publish, counted by us: naive sends one
  # message per remote member, Manifold one per node.
  defp erlang_messages(:naive, pids), do: Enum.count(pids, &(node(&1) != node()))

  defp erlang_messages(:manifold, pids),
    do: pids |> Enum.map(&node/1) |> Enum.uniq() |> Enum.count(&(&1 != node()))

  defp restore_monitor(:undefined), do: :erlang.system_monitor(:undefined)
  defp restore_monitor({pid, opts}), do: :erlang.system_monitor(pid, opts)

  defp count_busy(guild, n) do
    receive do
      {:monitor, ^guild, :busy_dist_port, _} -> count_busy(guild, n + 1)
    after
      0 -> n
    end
  end

  defp await_guild(guild, strategy, timeout_ms) do
    receive do
      {:published, ^guild, d} -> d
    after
      timeout_ms -> raise "fanout #{strategy}: the guild did not finish publishing"
    end
  end

  # Asks each node's watcher to tell us when its members have received `per_member` events
  # each (counted on that node, so nothing crosses the network until it is true).
  defp watch(watchers, counts, per_member) do
    for {w, count} <- Enum.zip(watchers, counts),
        do: send(w, {:watch, count * per_member, self()})
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
    tuples = Enum.map(lists, &List.to_tuple/1)
    longest = tuples |> Enum.map(&tuple_size/1) |> Enum.max(fn -> 0 end)
    for i <- 0..(longest - 1)//1, t <- tuples, i < tuple_size(t), do: elem(t, i)
  end

  # ---- the guild ---------------------------------------------------------------------------

  @doc false
  def guild(strategy, members, payload, guild_id) do
    receive do
      {:publish, first, last, from} ->
        durations = publish(strategy, members, payload, guild_id, first, last, [])
        send(from, {:published, self(), durations})
        guild(strategy, members, payload, guild_id)
    end
  end

  defp publish(_strategy, _members, _payload, _guild_id, seq, last, acc) when seq > last,
    do: Enum.reverse(acc)

  defp publish(strategy, members, payload, guild_id, seq, last, acc) do
    t0 = :erlang.monotonic_time(:nanosecond)
    event = {:event, guild_id, seq, t0, payload}

    case strategy do
      :naive -> send_each(members, event)
      :manifold -> Beam.Manifold.send(members, event)
    end

    d = :erlang.monotonic_time(:nanosecond) - t0
    publish(strategy, members, payload, guild_id, seq + 1, last, [d | acc])
  end

  defp send_each([pid | pids], event) do
    send(pid, event)
    send_each(pids, event)
  end

  defp send_each([], _event), do: :ok

  # ---- on every session node (run inside that node's Beam.Remote host) -------------------

  @doc false
  # Members count what they receive in one node-wide counter; a watcher process polls it
  # locally and tells the driver when a target is reached. Each event (1..total) also counts
  # its receives on this node, and the member whose receive completes the count stamps its
  # latency: when the node's last member had the event.
  def spawn_members(count, guild_id, back_to_back, offset, total) do
    counter = :counters.new(1, [:write_concurrency])
    watcher = spawn_link(fn -> watcher(counter) end)
    seen = :atomics.new(max(total, 1), signed: false)
    last = :atomics.new(max(total, 1), signed: true)

    pids =
      for _ <- 1..count//1 do
        spawn_link(fn ->
          member(%{
            guild: guild_id,
            back_to_back: back_to_back,
            offset: offset,
            counter: counter,
            events: {seen, last, count, total},
            last: 0,
            count: 0,
            violations: 0,
            hist: Stats.hist_new(),
            hist_isolated: Stats.hist_new()
          })
        end)
      end

    Process.put(:fanout_members, {watcher, pids, last, total})
    {watcher, pids}
  end

  defp watcher(counter) do
    receive do
      {:watch, target, driver} -> poll(counter, target, driver)
    end

    watcher(counter)
  end

  defp poll(counter, target, driver) do
    if :counters.get(counter, 1) >= target do
      send(driver, {:fanout_node_done, node()})
    else
      receive do
      after
        1 -> poll(counter, target, driver)
      end
    end
  end

  defp member(st) do
    receive do
      {:event, guild, seq, ts, _payload} ->
        latency = :erlang.monotonic_time(:nanosecond) - st.offset - ts
        :counters.add(st.counter, 1, 1)
        stamp_if_last(st.events, seq, latency)
        ok = guild == st.guild and seq == st.last + 1

        st = %{
          st
          | last: max(seq, st.last),
            count: st.count + 1,
            violations: if(ok, do: st.violations, else: st.violations + 1)
        }

        if seq <= st.back_to_back do
          member(%{st | hist: Stats.hist_add(st.hist, latency)})
        else
          member(%{st | hist_isolated: Stats.hist_add(st.hist_isolated, latency)})
        end

      {:report, from, ref} ->
        send(from, {ref, st.count, st.violations, st.hist, st.hist_isolated})
        member(st)
    end
  end

  defp stamp_if_last({seen, last, count, total}, seq, latency)
       when seq >= 1 and seq <= total do
    if :atomics.add_get(seen, seq, 1) == count, do: :atomics.put(last, seq, latency)
  end

  defp stamp_if_last(_events, _seq, _latency), do: :ok

  @doc false
  def collect(expected) do
    {_watcher, pids, last, total} = Process.get(:fanout_members)
    ref = make_ref()
    Enum.each(pids, &send(&1, {:report, self(), ref}))
    completed = for seq <- 1..total//1, do: :atomics.get(last, seq)

    acc0 = %{
      delivered: 0,
      violations: 0,
      incomplete: 0,
      hist: %{},
      hist_isolated: %{},
      completed: completed
    }

    Enum.reduce(pids, acc0, fn _, acc ->
      receive do
        {^ref, count, violations, hist, hist_isolated} ->
          %{
            acc
            | delivered: acc.delivered + count,
            violations: acc.violations + violations,
            incomplete: acc.incomplete + if(count == expected, do: 0, else: 1),
            hist: Stats.hist_merge(acc.hist, hist),
            hist_isolated: Stats.hist_merge(acc.hist_isolated, hist_isolated)
          }
      after
        30_000 -> raise "a member did not report"
      end
    end)
  end

  @doc false
  def stop_members do
    case Process.delete(:fanout_members) do
      nil ->
        :ok

      {watcher, pids, _last, _total} ->
        for pid <- [watcher | pids] do
          Process.unlink(pid)
          Process.exit(pid, :kill)
        end

        :ok
    end
  end
end
