defmodule Beam.Semaphore do
  @moduledoc """
  Limited concurrency: the cost of entering and leaving a counting gate, three ways.

  * `ets_update_counter`: Discord's Semaphore, as in its source: one shared ETS counter per
    name in a `write_concurrency` table; acquire is one atomic
    `:ets.update_counter(table, name, [{2, 0}, {2, 1, max, max}], {name, 0})` that fails when
    the count was already at max; release is `{2, -1, 0, 0}` (decrement, floored at 0).
    It never blocks and never queues.
  * `atomics`: the same with `:atomics.add_get/3`: increment, and undo and refuse when the
    result is over max; release is a compare-and-swap loop that floors at 0.
  * `genserver`: a process owns the count; acquire is a call (with the default 5 s timeout,
    as the Rust cluster's calls always have one), release a cast (the "coordinating process"
    the Semaphore's authors rejected as a bottleneck).

  Who calls: a process on the VM, on the gate's node, never anything else. Alone, the calling
  process itself; contended, one process per scheduler, released together. The Rust process
  gate is timed in the same shape (`gate_caller: "process"`).

  `gate_ns.alone.<name>`: ns per acquire+release by one process.
  `gate_ns.contended.<name>`: ns per acquire+release as seen by each of `contenders` processes
  (default one per scheduler) hammering the same gate at once (the mean over the processes
  of their elapsed time / their operations; max is high enough that every acquire succeeds).
  """

  @names ~w(ets_update_counter atomics genserver)a
  # GenServer.call's default, as every Rust cluster call has a timeout.
  @call_timeout 5_000
  def names, do: @names

  # ---- the gates ---------------------------------------------------------------------------

  @doc "Makes a gate of kind `name`; returns an opaque handle."
  def new(:ets_update_counter) do
    owner = spawn(fn -> receive(do: (:stop -> :ok)) end)
    t = :ets.new(:beam_semaphore, [:set, :public, write_concurrency: true])
    :ets.give_away(t, owner, nil)
    {:ets_update_counter, t, owner}
  end

  def new(:atomics), do: {:atomics, :atomics.new(1, signed: true)}

  def new(:genserver) do
    {:ok, pid} = GenServer.start(Beam.Semaphore.Server, 0)
    {:genserver, pid}
  end

  def close({:ets_update_counter, t, owner}) do
    :ets.delete(t)
    send(owner, :stop)
    :ok
  end

  def close({:atomics, _}), do: :ok
  def close({:genserver, pid}), do: GenServer.stop(pid)

  @doc "Tries to enter; true on success, false when `max` are already inside."
  def acquire({:ets_update_counter, t, _}, name, max) do
    case :ets.update_counter(t, name, [{2, 0}, {2, 1, max, max}], {name, 0}) do
      [^max, _] -> false
      _ -> true
    end
  end

  def acquire({:atomics, ref}, _name, max) do
    if :atomics.add_get(ref, 1, 1) > max do
      :atomics.sub(ref, 1, 1)
      false
    else
      true
    end
  end

  def acquire({:genserver, pid}, name, max),
    do: GenServer.call(pid, {:acquire, name, max}, @call_timeout)

  @doc "Leaves."
  def release({:ets_update_counter, t, _}, name) do
    :ets.update_counter(t, name, {2, -1, 0, 0})
    :ok
  end

  # Floored at 0 like the ETS version's {2, -1, 0, 0}: a compare-and-swap loop.
  def release({:atomics, ref}, _name), do: release_atomic(ref, :atomics.get(ref, 1))

  def release({:genserver, pid}, name), do: GenServer.cast(pid, {:release, name})

  defp release_atomic(_ref, v) when v <= 0, do: :ok

  defp release_atomic(ref, v) do
    case :atomics.compare_exchange(ref, 1, v, v - 1) do
      :ok -> :ok
      now -> release_atomic(ref, now)
    end
  end

  @doc "The count now (for tests)."
  def count({:ets_update_counter, t, _}, name) do
    case :ets.lookup(t, name) do
      [{_, c}] -> c
      [] -> 0
    end
  end

  def count({:atomics, ref}, _name), do: :atomics.get(ref, 1)
  def count({:genserver, pid}, name), do: GenServer.call(pid, {:count, name})

  # ---- measurement -------------------------------------------------------------------------

  @doc "ns per acquire+release by one process doing `ops` of them."
  def alone(name, ops, max) do
    gate = new(name)

    try do
      loop(gate, :gate, max, 10_000)
      t0 = :erlang.monotonic_time(:nanosecond)
      ok = loop(gate, :gate, max, ops)
      ns = :erlang.monotonic_time(:nanosecond) - t0
      if ok != ops, do: raise("#{name}: #{ops - ok} of #{ops} acquires refused while alone")
      ns / ops
    after
      close(gate)
    end
  end

  @doc """
  `contenders` processes each do `ops` acquire+release on one gate, all released together.
  Returns `{mean ns per op per process, acquires refused}`.
  """
  def contended(name, ops, max, contenders) do
    gate = new(name)

    try do
      parent = self()

      pids =
        for _ <- 1..contenders do
          spawn_link(fn ->
            receive(do: (:go -> :ok))
            t0 = :erlang.monotonic_time(:nanosecond)
            ok = loop(gate, :gate, max, ops)
            send(parent, {:done, self(), :erlang.monotonic_time(:nanosecond) - t0, ops - ok})
          end)
        end

      Enum.each(pids, &send(&1, :go))

      results =
        for pid <- pids do
          receive do
            {:done, ^pid, ns, refused} -> {ns / ops, refused}
          end
        end

      {Beam.Stats.mean(Enum.map(results, &elem(&1, 0))),
       results |> Enum.map(&elem(&1, 1)) |> Enum.sum()}
    after
      close(gate)
    end
  end

  defp loop(gate, name, max, n), do: loop(gate, name, max, n, 0)
  defp loop(_gate, _name, _max, 0, ok), do: ok

  defp loop(gate, name, max, n, ok) do
    if acquire(gate, name, max) do
      release(gate, name)
      loop(gate, name, max, n - 1, ok + 1)
    else
      loop(gate, name, max, n - 1, ok)
    end
  end

  @doc """
  The scenario the CLI runs. Each figure is the median of `trials` (5) runs of a fifth of the
  operations each, because on a shared machine one run can be several times slower than the
  next (the contended ETS counter especially: a scheduler thread preempted by the OS while it
  holds the counter's lock stalls the other).
  """
  def run(opts) do
    ops = Keyword.fetch!(opts, :ops)
    gen_ops = Keyword.fetch!(opts, :genserver_ops)
    max = Keyword.fetch!(opts, :max)
    contenders = Keyword.fetch!(opts, :contenders)
    trials = Keyword.get(opts, :trials, 5)

    results =
      for name <- @names do
        n = max(div(if(name == :genserver, do: gen_ops, else: ops), trials), 1)

        Beam.CLI.progress(
          "semaphore: #{name}, #{trials} x #{n} ops alone, then with #{contenders} contenders"
        )

        alone = for _ <- 1..trials, do: alone(name, n, max)
        contended = for _ <- 1..trials, do: contended(name, n, max, contenders)

        {name, alone, Enum.map(contended, &elem(&1, 0)),
         contended |> Enum.map(&elem(&1, 1)) |> Enum.sum()}
      end

    %{
      gate_ns: %{
        alone: Map.new(results, fn {n, a, _, _} -> {n, Beam.Stats.median(a)} end),
        contended: Map.new(results, fn {n, _, c, _} -> {n, Beam.Stats.median(c)} end)
      },
      gate_ns_trials: %{
        alone: Map.new(results, fn {n, a, _, _} -> {n, a} end),
        contended: Map.new(results, fn {n, _, c, _} -> {n, c} end)
      },
      refused_contended: Map.new(results, fn {n, _, _, r} -> {n, r} end),
      gate_caller: "process",
      call_timeout_ms: @call_timeout,
      ops: ops,
      genserver_ops: gen_ops,
      trials: trials,
      max: max,
      contenders: contenders
    }
  end
end

defmodule Beam.Semaphore.Server do
  @moduledoc "A GenServer that owns the counts: the coordinating-process semaphore."
  use GenServer

  @impl true
  def init(_), do: {:ok, %{}}

  @impl true
  def handle_call({:acquire, name, max}, _from, counts) do
    c = Map.get(counts, name, 0)
    if c >= max, do: {:reply, false, counts}, else: {:reply, true, Map.put(counts, name, c + 1)}
  end

  def handle_call({:count, name}, _from, counts), do: {:reply, Map.get(counts, name, 0), counts}

  @impl true
  def handle_cast({:release, name}, counts),
    do: {:noreply, Map.update(counts, name, 0, &max(&1 - 1, 0))}
end
