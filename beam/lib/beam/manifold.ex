defmodule Beam.Manifold do
  @moduledoc """
  Discord's Manifold, rebuilt in Elixir after its source (`manifold.ex`, `partitioner.ex`,
  `worker.ex`, `utils.ex`), without the later options (sharded partitioners, offload mode,
  binary packing):

  * `send(pids, msg)`: the caller groups the receivers by node and makes one send per node,
    a cast to that node's `Beam.Manifold.Partitioner` carrying the node's receivers and the
    message once. The caller's sends are bounded by the number of nodes.
  * The partitioner buckets its receivers by `:erlang.phash2(pid, workers)` (one worker per
    scheduler of that node) and casts each non-empty bucket to its worker.
  * Each worker does the plain local `send/2` to each receiver.

  Order: for one sender and one receiver every hop is fixed (same partitioner, same worker)
  and FIFO, so the per-pair order of plain `send/2` is kept.
  """

  alias Beam.Manifold.Partitioner

  @spec send([pid | nil] | pid | nil, term) :: :ok
  def send(nil, _message), do: :ok
  def send([pid], message), do: __MODULE__.send(pid, message)

  def send(pids, message) when is_list(pids) do
    pids
    |> group_by_node(%{})
    |> Enum.each(fn {node, node_pids} ->
      Partitioner.send({Partitioner, node}, node_pids, message)
    end)
  end

  def send(pid, message) when is_pid(pid) do
    Partitioner.send({Partitioner, node(pid)}, [pid], message)
  end

  # Manifold.Utils.group_by: a faster Enum.group_by without the bells and whistles.
  defp group_by_node([nil | pids], groups), do: group_by_node(pids, groups)

  defp group_by_node([pid | pids], groups) do
    key = node(pid)

    case groups do
      %{^key => group} -> group_by_node(pids, %{groups | key => [pid | group]})
      _ -> group_by_node(pids, Map.put(groups, key, [pid]))
    end
  end

  defp group_by_node([], groups), do: groups

  @doc "Starts this node's partitioner (linked to the caller), one worker per scheduler."
  def start_partitioner(workers \\ System.schedulers_online()) do
    GenServer.start_link(Partitioner, workers, name: Partitioner)
  end
end

defmodule Beam.Manifold.Partitioner do
  @moduledoc "Per node: buckets receivers by `phash2(pid, workers)` onto a fixed worker each."
  use GenServer
  alias Beam.Manifold.Worker

  def send(partitioner, pids, message), do: GenServer.cast(partitioner, {:send, pids, message})

  @impl true
  def init(workers) do
    Process.flag(:message_queue_data, :off_heap)
    pids = for _ <- 1..workers, do: elem(Worker.start_link(), 1)
    {:ok, List.to_tuple(pids)}
  end

  @impl true
  def handle_cast({:send, [pid], message}, workers) do
    Worker.send(elem(workers, :erlang.phash2(pid, tuple_size(workers))), [pid], message)
    {:noreply, workers}
  end

  def handle_cast({:send, pids, message}, workers) do
    n = tuple_size(workers)
    buckets = partition(pids, n, Tuple.duplicate([], n))
    do_send(message, buckets, workers, 0, n)
    {:noreply, workers}
  end

  defp partition([pid | pids], n, acc) do
    i = :erlang.phash2(pid, n)
    partition(pids, n, put_elem(acc, i, [pid | elem(acc, i)]))
  end

  defp partition([], _n, acc), do: acc

  defp do_send(_message, _buckets, _workers, n, n), do: :ok

  defp do_send(message, buckets, workers, i, n) do
    case elem(buckets, i) do
      [] -> :ok
      pids -> Worker.send(elem(workers, i), pids, message)
    end

    do_send(message, buckets, workers, i + 1, n)
  end
end

defmodule Beam.Manifold.Worker do
  @moduledoc "Does the plain local sends for the receivers routed to it."
  use GenServer

  def start_link, do: GenServer.start_link(__MODULE__, nil)
  def send(worker, pids, message), do: GenServer.cast(worker, {:send, pids, message})

  @impl true
  def init(nil), do: {:ok, nil}

  @impl true
  def handle_cast({:send, pids, message}, nil) do
    send_all(pids, message)
    {:noreply, nil}
  end

  defp send_all([pid | pids], message) do
    Kernel.send(pid, message)
    send_all(pids, message)
  end

  defp send_all([], _message), do: :ok
end
