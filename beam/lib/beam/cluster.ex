defmodule Beam.Cluster do
  @moduledoc """
  Distribution, safe by default, and the peer nodes the scenarios run on.

  * The controlling node becomes distributed at run time (`:net_kernel.start/2`) under a
    unique name, as a *hidden* node, listening on the loopback interface only, with a fresh
    random cookie per run (or `BEAM_COOKIE` when it must join nodes started by hand).
  * Peers are started with `:peer`: each is its own OS process (`erl`), distributed Erlang
    over loopback TCP. The control connection is the peer's standard input/output, so a peer
    halts by itself when its controller goes away for any reason, `kill -9` included. A peer
    boots without distribution; its distribution is started and its cookie set over that
    pipe, so the cookie is in no command line or environment (`ps` does not show it).
  * Or the caller names existing nodes (`--peers a@host1,b@host2`): we connect to them and
    ship our modules to them; everything we spawn there hangs off one "host" process per node
    that dies when our controlling process does (see `Beam.Remote`).
  """

  require Logger

  @type peer :: %{node: node, pid: pid | nil, started: boolean}

  # ---- the controlling node -----------------------------------------------------------------

  @doc """
  Makes this node distributed unless it already is. Options:
  `:interface` (IP string the distribution listens on, default "127.0.0.1"),
  `:name_domain` (`:longnames` | `:shortnames`, default `:longnames`),
  `:host` (host part of our node name; default the interface for longnames, the short
  hostname for shortnames).
  """
  def ensure_distributed(opts \\ []) do
    if Node.alive?() do
      set_run_cookie()
      :ok
    else
      interface = Keyword.get(opts, :interface, "127.0.0.1")
      domain = Keyword.get(opts, :name_domain, :longnames)
      ip = parse_ip!(interface)
      Application.put_env(:kernel, :inet_dist_use_interface, ip)
      ensure_epmd!(interface)

      host =
        Keyword.get(opts, :host) ||
          case domain do
            :longnames -> if interface in ["0.0.0.0", "::"], do: hostname(), else: interface
            :shortnames -> hostname() |> String.split(".") |> hd()
          end

      name = :"beam-ctl-#{run_id()}@#{host}"

      case :net_kernel.start(name, %{name_domain: domain, hidden: true}) do
        {:ok, _} -> :ok
        {:error, reason} -> raise "could not start distribution as #{name}: #{inspect(reason)}"
      end

      set_run_cookie()
      :ok
    end
  end

  defp set_run_cookie do
    Node.set_cookie(cookie())
  end

  @doc "This run's cookie: `BEAM_COOKIE` if set, else a random one made once per VM."
  def cookie do
    case System.get_env("BEAM_COOKIE") do
      c when is_binary(c) and c != "" ->
        String.to_atom(c)

      _ ->
        case :persistent_term.get({__MODULE__, :cookie}, nil) do
          nil ->
            c = :"#{Base.encode32(:crypto.strong_rand_bytes(20), padding: false)}"
            :persistent_term.put({__MODULE__, :cookie}, c)
            c

          c ->
            c
        end
    end
  end

  @doc "A short random id for this VM, used in node names."
  def run_id do
    case :persistent_term.get({__MODULE__, :run_id}, nil) do
      nil ->
        id = :crypto.strong_rand_bytes(5) |> Base.encode32(case: :lower, padding: false)
        :persistent_term.put({__MODULE__, :run_id}, id)
        id

      id ->
        id
    end
  end

  defp hostname do
    {:ok, h} = :inet.gethostname()
    List.to_string(h)
  end

  defp parse_ip!(s) do
    case :inet.parse_address(String.to_charlist(s)) do
      {:ok, ip} -> ip
      _ -> raise "--dist-interface must be an IP address, got #{inspect(s)}"
    end
  end

  # Runtime `:net_kernel.start` needs an epmd already running (the `erl -name` launcher would
  # start one). We start it bound to the same interface as the distribution.
  defp ensure_epmd!(interface) do
    case :erl_epmd.names() do
      {:ok, _} ->
        :ok

      {:error, _} ->
        epmd = System.find_executable("epmd") || raise "epmd not found on PATH"

        args =
          if interface in ["0.0.0.0", "::"],
            do: ["-daemon"],
            else: ["-daemon", "-address", interface]

        {_, 0} = System.cmd(epmd, args, stderr_to_stdout: true)
        wait_epmd(50)
    end
  end

  defp wait_epmd(0), do: raise("epmd did not come up")

  defp wait_epmd(n) do
    case :erl_epmd.names() do
      {:ok, _} ->
        :ok

      _ ->
        Process.sleep(20)
        wait_epmd(n - 1)
    end
  end

  # ---- peers -------------------------------------------------------------------------------

  @doc """
  Starts `count` peer nodes in parallel (or, with `names`, connects to those existing nodes),
  loads this project's modules on them, and returns the peers. Options as for
  `ensure_distributed/1`, plus `:extra_args` (charlists for `erl`).
  """
  @spec start_peers(pos_integer | [String.t()], keyword) :: [peer]
  def start_peers(count_or_names, opts \\ [])

  def start_peers(names, opts) when is_list(names) do
    ensure_distributed(opts)

    peers =
      for name <- names do
        node = String.to_atom(name)

        case Node.connect(node) do
          true ->
            %{node: node, pid: nil, started: false}

          other ->
            raise "could not connect to #{name} (#{inspect(other)}): is it running, with the " <>
                    "cookie in BEAM_COOKIE, and the same name domain (host with a dot means -name)?"
        end
      end

    Enum.each(peers, &prepare!/1)
    peers
  end

  def start_peers(count, opts) when is_integer(count) and count > 0 do
    ensure_distributed(opts)
    interface = Keyword.get(opts, :interface, "127.0.0.1")
    ip = parse_ip!(interface)
    [_, host] = node() |> Atom.to_string() |> String.split("@", parts: 2)
    longnames = :net_kernel.longnames()
    cookie = Node.get_cookie()
    elixir_paths = for app <- [:elixir, :logger], do: :code.lib_dir(app, :ebin)

    args =
      [~c"-kernel", ~c"inet_dist_use_interface", ~c"#{inspect(ip)}"] ++
        [~c"-connect_all", ~c"false", ~c"-hidden"] ++
        Keyword.get(opts, :extra_args, []) ++
        Enum.flat_map(elixir_paths, &[~c"-pa", &1])

    env = [{~c"ERL_EPMD_ADDRESS", String.to_charlist(interface)}]
    domain = if longnames, do: :longnames, else: :shortnames

    # Started from short-lived tasks with :peer.start (not start_link) so the peers outlive
    # the tasks; they still die with this VM (their control channel is our pipe to them).
    # A peer boots without distribution; over that pipe we then start its distribution and
    # give it the cookie, so the cookie never appears in its command line or environment
    # (erlexec turns ERL_AFLAGS into command-line arguments, visible in /proc/PID/cmdline).
    peers =
      1..count
      |> Enum.map(fn i ->
        Task.async(fn ->
          name = :"beam-peer-#{run_id()}-#{i}@#{host}"

          {:ok, pid, _nonode} =
            :peer.start(%{
              connection: :standard_io,
              args: args,
              env: env,
              wait_boot: 30_000
            })

          try do
            {:ok, _} =
              :peer.call(pid, :net_kernel, :start, [name, %{name_domain: domain}], 30_000)

            true = :peer.call(pid, :erlang, :set_cookie, [cookie], 10_000)
            %{node: name, pid: pid, started: true}
          catch
            kind, reason ->
              :peer.stop(pid)

              raise "could not start distribution on peer #{name}: #{Exception.format_banner(kind, reason)}"
          end
        end)
      end)
      |> Task.await_many(60_000)

    try do
      for p <- peers do
        true = Node.connect(p.node) || raise "could not connect to peer #{p.node}"
        prepare!(p)
      end

      peers
    rescue
      e ->
        stop_peers(peers)
        reraise e, __STACKTRACE__
    end
  end

  @doc "Stops the peers we started; for existing nodes, only our processes there stop."
  def stop_peers(peers) do
    for p <- peers do
      if p.started and is_pid(p.pid) do
        try do
          :peer.stop(p.pid)
        catch
          _, _ -> :ok
        end
      end
    end

    :ok
  end

  @doc "Runs `fun.(peers)` with peers started (or connected) and always stops them after."
  def with_peers(count_or_names, opts, fun) do
    peers = start_peers(count_or_names, opts)

    try do
      fun.(peers)
    after
      stop_peers(peers)
    end
  end

  # Ships every module of this application to the node (so versions agree everywhere) and
  # checks that the Elixir standard library is there too.
  defp prepare!(%{node: node}) do
    case :erpc.call(node, :code, :ensure_loaded, [Enum], 10_000) do
      {:module, Enum} -> :ok
      _ -> raise "node #{node} has no Elixir standard library: start it with `elixir` or `iex`"
    end

    for mod <- modules() do
      {^mod, bin, file} = :code.get_object_code(mod)
      {:module, ^mod} = :erpc.call(node, :code, :load_binary, [mod, file, bin], 10_000)
    end

    :ok
  end

  defp modules do
    case :application.get_key(:beam, :modules) do
      {:ok, mods} when mods != [] ->
        mods

      _ ->
        # Not started as an application (e.g. run with -pa): list the modules on disk.
        dir = __MODULE__ |> :code.which() |> Path.dirname()

        for f <- File.ls!(dir), String.ends_with?(f, ".beam") do
          f |> Path.rootname() |> String.to_atom()
        end
    end
  end

  # ---- distribution counters ----------------------------------------------------------------

  @doc """
  Bytes and writes this node has sent on each distribution connection to `nodes`:
  `{messages, bytes}` summed. Each distributed message (or fragment, for messages over
  64 KiB) is one command to the connection's port, which the inet driver counts in `send_cnt`.
  """
  def dist_sent(nodes) do
    :erlang.system_info(:dist_ctrl)
    |> Enum.filter(fn {n, _} -> n in nodes end)
    |> Enum.reduce({0, 0}, fn {_n, port}, {c, o} ->
      {:ok, stats} = :inet.getstat(port, [:send_cnt, :send_oct])
      {c + stats[:send_cnt], o + stats[:send_oct]}
    end)
  end
end
