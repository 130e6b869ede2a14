defmodule Beam.ClusterTest do
  use ExUnit.Case
  alias Beam.{Cluster, Fanout}

  test "this node and its peers are distributed on loopback only, cookie off the command line" do
    assert Node.alive?()
    assert Application.get_env(:kernel, :inet_dist_use_interface) == {127, 0, 0, 1}

    Cluster.with_peers(2, [], fn peers ->
      for %{node: n} <- peers do
        assert n |> Atom.to_string() |> String.ends_with?("@127.0.0.1")
        socks = :erpc.call(n, Beam.TestSupport, :tcp_local_addresses, [])
        assert socks != []
        assert Enum.all?(socks, &(&1 == {127, 0, 0, 1})), inspect(socks)
        os_pid = :erpc.call(n, :os, :getpid, [])
        cmdline = File.read!("/proc/#{os_pid}/cmdline")
        refute cmdline =~ Atom.to_string(Node.get_cookie())
        assert :erpc.call(n, :erlang, :get_cookie, []) == Node.get_cookie()
      end
    end)
  end

  test "stopped peers are gone: no OS process, no epmd name" do
    peers = Cluster.start_peers(2)
    os_pids = for p <- peers, do: :erpc.call(p.node, :os, :getpid, [])
    names = for p <- peers, do: p.node |> Atom.to_string() |> String.split("@") |> hd()
    Cluster.stop_peers(peers)
    assert wait_until(fn -> Enum.all?(os_pids, &(not File.exists?("/proc/#{&1}"))) end)
    {:ok, registered} = :erl_epmd.names()
    registered = for {name, _} <- registered, do: List.to_string(name)
    assert Enum.all?(names, &(&1 not in registered))
  end

  test "peers die with their controller, even on kill -9" do
    ebin = Beam.Cluster |> :code.which() |> Path.dirname()

    script = """
    Application.put_env(:beam, :progress, false)
    peers = Beam.Cluster.start_peers(2)
    for p <- peers, do: IO.puts(:erpc.call(p.node, :os, :getpid, []))
    Process.sleep(:infinity)
    """

    port =
      Port.open({:spawn_executable, System.find_executable("elixir")}, [
        :binary,
        :exit_status,
        {:line, 200},
        args: ["-pa", ebin, "-e", script]
      ])

    {:os_pid, controller} = Port.info(port, :os_pid)
    peer_pids = for _ <- 1..2, do: read_line(port)
    assert Enum.all?(peer_pids, &File.exists?("/proc/#{&1}"))
    System.cmd("kill", ["-9", Integer.to_string(controller)])
    assert wait_until(fn -> Enum.all?(peer_pids, &(not File.exists?("/proc/#{&1}"))) end)
  end

  test "fanout runs on existing nodes given by name, and leaves nothing running there" do
    cookie = Atom.to_string(Node.get_cookie())
    names = for i <- 1..2, do: "hand-#{Cluster.run_id()}-#{i}@127.0.0.1"
    ports = Enum.map(names, &start_by_hand(&1, cookie))

    try do
      nodes = Enum.map(names, &String.to_atom/1)
      # Up and fully booted (Elixir's applications started).
      assert wait_until(fn -> Enum.all?(nodes, &(Node.ping(&1) == :pong)) end)

      assert wait_until(fn ->
               Enum.all?(nodes, &is_pid(:erpc.call(&1, :erlang, :whereis, [Logger])))
             end)

      before = for n <- nodes, do: :erpc.call(n, :erlang, :processes, [])

      r =
        Fanout.run(peer_names: names, members: 200, publishes: 5, isolated: 1, timeout_ms: 30_000)

      assert r.session_nodes == 2
      assert r.strategies.naive.delivered == 200 * 6
      assert r.strategies.manifold.delivered == 200 * 6
      assert r.strategies.manifold.order_violations == 0

      # Our host, partitioner, workers, watchers and members are gone from the nodes.
      assert wait_until(fn ->
               Enum.zip(nodes, before)
               |> Enum.all?(fn {n, old} ->
                 ours(n, :erpc.call(n, :erlang, :processes, []) -- old) == []
               end)
             end)

      for n <- nodes do
        assert :erpc.call(n, Process, :whereis, [Beam.Manifold.Partitioner]) == nil
      end
    after
      for port <- ports do
        {:os_pid, pid} = Port.info(port, :os_pid)
        System.cmd("kill", [Integer.to_string(pid)])
      end
    end
  end

  # The processes among `pids` on `node` that run (or were started by) a Beam module.
  defp ours(node, pids) do
    for pid <- pids,
        info =
          :erpc.call(node, Process, :info, [pid, [:initial_call, :current_function, :dictionary]]),
        info != nil,
        inspect(info) =~ "Beam.",
        do: pid
  end

  defp start_by_hand(name, cookie) do
    Port.open({:spawn_executable, System.find_executable("elixir")}, [
      :binary,
      args: [
        "--name",
        name,
        "--erl",
        "-kernel inet_dist_use_interface {127,0,0,1}",
        "--no-halt",
        "-e",
        ":ok"
      ],
      env: [{~c"ERL_AFLAGS", String.to_charlist("-setcookie #{cookie}")}]
    ])
  end

  defp read_line(port) do
    receive do
      {^port, {:data, {:eol, line}}} -> String.to_integer(String.trim(line))
    after
      20_000 -> flunk("the child controller printed no peer pid")
    end
  end

  defp wait_until(fun, tries \\ 100) do
    cond do
      fun.() ->
        true

      tries == 0 ->
        false

      true ->
        Process.sleep(50)
        wait_until(fun, tries - 1)
    end
  end
end
