defmodule Beam.Remote do
  @moduledoc """
  One "host" process per node per run: everything a scenario spawns on a node is linked to
  it, and it monitors the controlling process. When the controller's process ends (normally,
  by a crash, or because the connection to its node is lost) the host exits and takes every
  process of the run on that node with it. That is what makes runs against existing nodes
  (`--peers a@h1,b@h2`) leave nothing behind but our loaded modules.
  """

  @doc "Starts a host on `node` owned by the calling process."
  @spec start(node) :: pid
  def start(node) do
    owner = self()
    host = Node.spawn(node, __MODULE__, :init, [owner])
    true = call(host, :erlang, :is_process_alive, [host], 10_000)
    host
  end

  @doc "Runs `apply(m, f, a)` inside the host (so what it spawn_links is owned by the host)."
  def call(host, m, f, a, timeout \\ 60_000) do
    ref = Process.monitor(host)
    send(host, {:run, self(), ref, m, f, a})

    receive do
      {^ref, {:ok, result}} ->
        Process.demonitor(ref, [:flush])
        result

      {^ref, {:error, kind, reason}} ->
        Process.demonitor(ref, [:flush])
        raise "on #{node(host)}: #{Exception.format_banner(kind, reason)}"

      {:DOWN, ^ref, :process, _, reason} ->
        raise "host on #{node(host)} went down: #{inspect(reason)}"
    after
      timeout -> raise "host on #{node(host)} did not answer in #{timeout} ms"
    end
  end

  @doc "Stops the host and everything linked to it."
  def stop(host) do
    ref = Process.monitor(host)
    send(host, :stop)

    receive do
      {:DOWN, ^ref, :process, _, _} -> :ok
    after
      5_000 -> :ok
    end
  end

  @doc """
  The offset of `host`'s node's `:erlang.monotonic_time/1` (ns) from ours, by the
  ping-pong with the smallest round trip (Cristian's algorithm). Erlang monotonic time has
  an arbitrary start on every VM, even on one machine, so timestamps taken on different
  nodes are only comparable after subtracting this. Returns `{offset_ns, uncertainty_ns}`.
  """
  def clock_offset(host, rounds \\ 40) do
    samples =
      for _ <- 1..rounds do
        t0 = :erlang.monotonic_time(:nanosecond)
        send(host, {:clock, self()})

        remote =
          receive do
            {:clock, t} -> t
          after
            5_000 -> raise "no clock answer from #{node(host)}"
          end

        t1 = :erlang.monotonic_time(:nanosecond)
        {t1 - t0, remote - div(t0 + t1, 2)}
      end

    {rtt, offset} = Enum.min(samples)
    {offset, div(rtt, 2)}
  end

  # ---- the host process --------------------------------------------------------------------

  @doc false
  def init(owner) do
    # Trap exits so that a child we stop on purpose does not take the host down; the host
    # itself exits with :shutdown, which kills every child still linked to it.
    Process.flag(:trap_exit, true)
    Process.monitor(owner)
    loop(owner)
  end

  defp loop(owner) do
    receive do
      {:DOWN, _, :process, ^owner, _} ->
        exit(:shutdown)

      :stop ->
        exit(:shutdown)

      {:clock, from} ->
        send(from, {:clock, :erlang.monotonic_time(:nanosecond)})

      {:run, from, ref, m, f, a} ->
        result =
          try do
            {:ok, apply(m, f, a)}
          catch
            kind, reason -> {:error, kind, reason}
          end

        send(from, {ref, result})

      _ ->
        :ok
    end

    loop(owner)
  end
end
