defmodule Beam.SendCost do
  @moduledoc """
  What one `send/2` costs the sender, the number under the blog's "a single send/2 call could
  range from 30 us to 70 us" (theirs was under production load; here the machine is idle).

  * `per_send_ns.local` / `.remote`: `messages` sends in a tight loop to one process on this
    node / on a peer node; the sender's elapsed time divided by the count.
  * `suspensions.remote`: how many times the sender was suspended during the remote
    `per_send_ns` run because the distribution buffer towards the peer was over the dist
    buffer busy limit (`dist_buf_busy_limit`, `+zdbbl`, 1 MiB by default; reported as
    `dist_buf_busy_limit_bytes`). The VM reports each suspension to a system monitor
    (`:erlang.system_monitor/2` with `busy_dist_port`); a collector counts the sender's. Zero
    when the buffer never filled. It is a wait for the buffer, not the descheduling after a
    budget of reductions.
  * `one_by_one_30k_ns.local` / `.remote`: one send to each of `receivers` (30,000) processes
    on this node / on a peer node, the naive guild's publish; the sender's time for the whole
    loop, median of `rounds`.

  * `per_call_ns.local`: `messages` `GenServer.call`s, one after the other, from this process
    to a GenServer on this node that answers `n + 1`; the caller's elapsed time divided by the
    count (the Rust side's `per_call_ns.cluster_local`: a process calling a process on its node).

  The message is `{:event, seq, <<payload_bytes>>}`, 16 bytes of payload by default: about
  the size of the Rust side's presence update (the fanout's events carry 256). Receivers only count
  what they get (a shared `:counters`), and each measurement waits for every message to
  arrive before the next one starts.
  """

  alias Beam.{Cluster, Remote, Stats}

  def run(opts) do
    peers_spec =
      case Keyword.get(opts, :peer_names) do
        nil -> 1
        names -> Enum.take(names, 1)
      end

    Cluster.with_peers(peers_spec, opts, fn [peer] -> run_on(peer.node, opts) end)
  end

  def run_on(remote_node, opts) do
    messages = Keyword.fetch!(opts, :messages)
    receivers = Keyword.fetch!(opts, :receivers)
    rounds = Keyword.fetch!(opts, :rounds)
    payload = :crypto.strong_rand_bytes(Keyword.get(opts, :payload_bytes, 16))

    local = Remote.start(node())
    remote = Remote.start(remote_node)

    try do
      Beam.CLI.progress("send-cost: #{messages} sends to one local process")
      per_local = per_send(local, messages, payload)
      Beam.CLI.progress("send-cost: #{messages} sends to one remote process")
      {per_remote, suspended} = busy_dist_port(fn -> per_send(remote, messages, payload) end)
      Beam.CLI.progress("send-cost: #{messages} GenServer.calls to one local process")
      per_call_local = per_call(messages)
      Beam.CLI.progress("send-cost: one send to each of #{receivers} local processes x #{rounds}")
      obo_local = one_by_one(local, receivers, rounds, payload)

      Beam.CLI.progress(
        "send-cost: one send to each of #{receivers} remote processes x #{rounds}"
      )

      obo_remote = one_by_one(remote, receivers, rounds, payload)

      %{
        per_send_ns: %{local: per_local, remote: per_remote},
        per_call_ns: %{local: per_call_local},
        suspensions: %{remote: suspended},
        dist_buf_busy_limit_bytes: :erlang.system_info(:dist_buf_busy_limit),
        one_by_one_30k_ns: %{local: Stats.median(obo_local), remote: Stats.median(obo_remote)},
        one_by_one_30k_rounds_ns: %{local: obo_local, remote: obo_remote},
        messages: messages,
        receivers: receivers,
        rounds: rounds,
        payload_bytes: byte_size(payload)
      }
    after
      Remote.stop(local)
      Remote.stop(remote)
    end
  end

  @doc "ns per send, `n` sends to one receiver hosted by `host`."
  def per_send(host, n, payload) do
    [sink] = Remote.call(host, __MODULE__, :spawn_sinks, [1])
    warm = min(n, 10_000)
    send_n(sink, warm, payload)
    wait_count(host, warm)
    t0 = :erlang.monotonic_time(:nanosecond)
    send_n(sink, n, payload)
    ns = :erlang.monotonic_time(:nanosecond) - t0
    wait_count(host, warm + n)
    Remote.call(host, __MODULE__, :stop_sinks, [])
    ns / n
  end

  @doc "ns per `GenServer.call`, `n` calls one after the other to a GenServer on this node."
  def per_call(n) do
    {:ok, server} = GenServer.start(Beam.SendCost.Echo, nil)
    call_n(server, min(n, 10_000))
    t0 = :erlang.monotonic_time(:nanosecond)
    call_n(server, n)
    ns = :erlang.monotonic_time(:nanosecond) - t0
    GenServer.stop(server)
    ns / n
  end

  defp call_n(_server, 0), do: :ok

  defp call_n(server, n) do
    ^n = GenServer.call(server, n - 1)
    call_n(server, n - 1)
  end

  @doc """
  Runs `fun` in the calling process and returns `{result, suspensions}`: how many times the VM
  suspended the caller on a busy distribution port meanwhile (`busy_dist_port` events for it,
  collected by a system monitor). The previous system monitor, if any, is put back.
  """
  def busy_dist_port(fun) do
    me = self()
    collector = spawn_link(fn -> count_busy(me, 0) end)
    previous = :erlang.system_monitor(collector, [:busy_dist_port])

    result =
      try do
        fun.()
      after
        restore_monitor(previous)
      end

    send(collector, {:total, self()})

    receive do
      {:busy_dist_port, ^collector, n} -> {result, n}
    after
      10_000 -> raise "send-cost: the busy_dist_port collector did not answer"
    end
  end

  defp count_busy(sender, n) do
    receive do
      {:monitor, ^sender, :busy_dist_port, _port} -> count_busy(sender, n + 1)
      {:monitor, _other, _, _} -> count_busy(sender, n)
      {:total, to} -> send(to, {:busy_dist_port, self(), n})
    end
  end

  defp restore_monitor(:undefined), do: :erlang.system_monitor(:undefined)
  defp restore_monitor({pid, opts}), do: :erlang.system_monitor(pid, opts)

  @doc "The sender's ns for one send to each of `receivers` processes, per round."
  def one_by_one(host, receivers, rounds, payload) do
    sinks = Remote.call(host, __MODULE__, :spawn_sinks, [receivers])
    # One untimed round first.
    send_all(sinks, {:event, 0, payload})
    wait_count(host, receivers)

    times =
      for r <- 1..rounds do
        t0 = :erlang.monotonic_time(:nanosecond)
        send_all(sinks, {:event, r, payload})
        ns = :erlang.monotonic_time(:nanosecond) - t0
        wait_count(host, receivers * (r + 1))
        ns
      end

    Remote.call(host, __MODULE__, :stop_sinks, [])
    times
  end

  defp send_n(_pid, 0, _payload), do: :ok

  defp send_n(pid, n, payload) do
    send(pid, {:event, n, payload})
    send_n(pid, n - 1, payload)
  end

  defp send_all([pid | pids], msg) do
    send(pid, msg)
    send_all(pids, msg)
  end

  defp send_all([], _msg), do: :ok

  defp wait_count(host, target, deadline \\ nil) do
    deadline = deadline || :erlang.monotonic_time(:millisecond) + 120_000

    cond do
      Remote.call(host, __MODULE__, :sink_count, []) >= target ->
        :ok

      :erlang.monotonic_time(:millisecond) > deadline ->
        raise "send-cost: receivers on #{node(host)} did not get #{target} messages in 120 s"

      true ->
        Process.sleep(2)
        wait_count(host, target, deadline)
    end
  end

  # ---- inside a Beam.Remote host -----------------------------------------------------------

  @doc false
  def spawn_sinks(n) do
    counter = :counters.new(1, [:write_concurrency])
    pids = for _ <- 1..n, do: spawn_link(fn -> sink(counter) end)
    Process.put(:send_cost_sinks, {counter, pids})
    pids
  end

  defp sink(counter) do
    receive do
      _ -> :counters.add(counter, 1, 1)
    end

    sink(counter)
  end

  @doc false
  def sink_count do
    {counter, _} = Process.get(:send_cost_sinks)
    :counters.get(counter, 1)
  end

  @doc false
  def stop_sinks do
    {_, pids} = Process.delete(:send_cost_sinks)

    for pid <- pids do
      Process.unlink(pid)
      Process.exit(pid, :kill)
    end

    :ok
  end
end

defmodule Beam.SendCost.Echo do
  @moduledoc "The callee of `Beam.SendCost.per_call/1`: answers `n + 1`, as the Rust side's."
  use GenServer

  @impl true
  def init(state), do: {:ok, state}

  @impl true
  def handle_call(n, _from, state), do: {:reply, n + 1, state}
end
