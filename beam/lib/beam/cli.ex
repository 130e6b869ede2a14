defmodule Beam.CLI do
  @moduledoc """
  The entry point the Rust workbook runs as a subprocess (through `beam/run`):

      beam/run <scenario> [--flag value ...]

  Prints exactly one JSON object on stdout (the scenario's figures, plus `scenario`,
  `otp_release` and the parameters used); progress goes to stderr. On failure it prints one
  line starting with `beam: error:` on stderr and exits with status 1 (2 for a usage error).
  """

  alias Beam.JSON

  @scenarios %{
    "send-cost" => :send_cost,
    "fanout" => :fanout,
    "ring" => :ring,
    "semaphore" => :semaphore
  }

  @scenario_order ["send-cost", "fanout", "ring", "semaphore"]

  # {flag, type, default at scale default, default at scale quick}
  @common [
    {:scale, :string, "default", "quick"},
    {:dist_interface, :string, "127.0.0.1", "127.0.0.1"},
    {:host, :string, nil, nil},
    {:name_domain, :string, nil, nil}
  ]

  @flags %{
    send_cost: [
      {:peers, :string, nil, nil},
      {:messages, :integer, 300_000, 50_000},
      {:receivers, :integer, 30_000, 30_000},
      {:rounds, :integer, 5, 3},
      {:payload_bytes, :integer, 16, 16}
    ],
    fanout: [
      {:peers, :string, "4", "4"},
      {:members, :integer, 30_000, 3_000},
      {:publishes, :integer, 30, 20},
      {:isolated, :integer, 5, 3},
      {:payload_bytes, :integer, 256, 256},
      {:strategies, :string, "naive,manifold", "naive,manifold"},
      {:timeout_s, :integer, 120, 60}
    ],
    ring: [
      {:sessions, :integer, 500_000, 20_000},
      {:lookups, :integer, 5, 5},
      {:nodes, :integer, 10, 10},
      {:replicas, :integer, 512, 512},
      {:ets_sessions, :integer, 2_000, 100},
      {:alone_lookups, :integer, 200_000, 20_000},
      {:strategies, :string, "genserver,ets,fastglobal,persistent_term",
       "genserver,ets,fastglobal,persistent_term"}
    ],
    semaphore: [
      {:ops, :integer, 1_000_000, 200_000},
      {:genserver_ops, :integer, 200_000, 50_000},
      {:max, :integer, 1_000, 1_000},
      {:contenders, :integer, nil, nil}
    ]
  }

  def flags, do: @flags
  def scenarios, do: @scenarios
  def common_flags, do: @common

  @doc "Runs a scenario from command-line arguments, prints its JSON, and halts the VM."
  def main(argv) do
    setup_io()

    # SIGTERM would otherwise stop the VM gracefully and exit 0 with nothing printed.
    System.trap_signal(:sigterm, fn ->
      IO.puts(:stderr, "beam: error: interrupted by SIGTERM")
      System.halt(143)
    end)

    t0 = :erlang.monotonic_time(:nanosecond)

    status =
      try do
        case argv do
          [] ->
            usage(:stderr)
            2

          [h | _] when h in ["-h", "--help", "help"] ->
            usage(:user)
            0

          [name | rest] ->
            scenario =
              Map.get(@scenarios, name) || usage_error("unknown scenario #{inspect(name)}")

            opts = parse(scenario, rest)
            result = run(scenario, opts)
            wall_ns = :erlang.monotonic_time(:nanosecond) - t0

            out =
              Map.merge(result, %{
                scenario: name,
                otp_release: List.to_string(:erlang.system_info(:otp_release)),
                erts_version: List.to_string(:erlang.system_info(:version)),
                elixir_version: System.version(),
                schedulers: System.schedulers_online(),
                scale: Keyword.fetch!(opts, :scale),
                params: Map.new(opts, fn {k, v} -> {k, json_param(v)} end),
                wall_ns: wall_ns
              })

            IO.write(:user, JSON.encode(out) <> "\n")
            progress("done in #{div(wall_ns, 1_000_000)} ms")
            0
        end
      rescue
        e in Beam.CLI.UsageError ->
          IO.puts(:stderr, "beam: usage error: #{e.message} (try: beam/run --help)")
          2

        e ->
          IO.puts(:stderr, "beam: error: " <> one_line(Exception.message(e)))

          if System.get_env("BEAM_DEBUG"),
            do: IO.puts(:stderr, Exception.format(:error, e, __STACKTRACE__))

          1
      catch
        kind, reason ->
          IO.puts(:stderr, "beam: error: " <> one_line(Exception.format_banner(kind, reason)))
          1
      end

    System.halt(status)
  end

  defp one_line(s), do: s |> String.split("\n", trim: true) |> Enum.map_join(" ", &String.trim/1)

  defp json_param(v) when is_list(v), do: Enum.map(v, &json_param/1)
  defp json_param(v) when is_atom(v) and v not in [nil, true, false], do: Atom.to_string(v)
  defp json_param(v), do: v

  # Anything printed by accident (ours, a peer's, a crash report) must not reach stdout:
  # only the JSON is written there, explicitly, through :user.
  defp setup_io do
    stderr = Process.whereis(:standard_error)
    Process.group_leader(self(), stderr)

    try do
      :logger.update_handler_config(:default, :config, %{type: :standard_error})
    catch
      _, _ -> :ok
    end

    if Process.whereis(Logger) do
      try do
        Logger.configure_backend(:console, device: :standard_error)
      catch
        _, _ -> :ok
      end
    end

    :ok
  end

  @doc "A progress line on stderr."
  def progress(msg) do
    if Application.get_env(:beam, :progress, true),
      do: IO.puts(:stderr, "[beam #{Time.utc_now() |> Time.truncate(:millisecond)}] #{msg}")
  end

  # ---- arguments ---------------------------------------------------------------------------

  defmodule UsageError do
    defexception [:message]
  end

  defp usage_error(msg), do: raise(UsageError, message: msg)

  @doc "Parses `--flag value` arguments for `scenario` into a keyword list with defaults."
  def parse(scenario, args) do
    specs = @common ++ Map.fetch!(@flags, scenario)
    switches = for {k, t, _, _} <- specs, do: {k, t}

    {given, rest, invalid} = OptionParser.parse(args, strict: switches)
    if rest != [], do: usage_error("unexpected argument #{inspect(hd(rest))}")

    case invalid do
      [{flag, nil} | _] -> usage_error("unknown flag #{flag}")
      [{flag, value} | _] -> usage_error("bad value #{inspect(value)} for #{flag}")
      [] -> :ok
    end

    scale = Keyword.get(given, :scale, "default")
    unless scale in ["default", "quick"], do: usage_error("--scale must be quick or default")

    opts =
      for {k, _t, d, q} <- specs do
        {k, Keyword.get(given, k, if(scale == "quick", do: q, else: d))}
      end

    normalize(scenario, opts)
  end

  defp normalize(scenario, opts) do
    opts =
      case Keyword.get(opts, :peers) do
        nil ->
          opts

        spec ->
          case Integer.parse(spec) do
            {n, ""} when n > 0 ->
              Keyword.put(opts, :peers, n)

            _ ->
              names = spec |> String.split(",", trim: true) |> Enum.map(&String.trim/1)

              unless Enum.all?(names, &String.contains?(&1, "@")),
                do: usage_error("--peers takes a count or names like a@host1,b@host2")

              unless System.get_env("BEAM_COOKIE") not in [nil, ""],
                do: usage_error("--peers with node names needs their cookie in BEAM_COOKIE")

              opts |> Keyword.delete(:peers) |> Keyword.put(:peer_names, names)
          end
      end

    opts =
      case Keyword.get(opts, :strategies) do
        nil ->
          opts

        s ->
          known = strategies(scenario)
          list = s |> String.split(",", trim: true) |> Enum.map(&String.trim/1)

          atoms =
            for x <- list do
              Enum.find(known, &(Atom.to_string(&1) == x)) ||
                usage_error("unknown strategy #{x} (known: #{Enum.join(known, ",")})")
            end

          Keyword.put(opts, :strategies, atoms)
      end

    opts =
      if scenario == :semaphore and opts[:contenders] == nil,
        do: Keyword.put(opts, :contenders, System.schedulers_online()),
        else: opts

    for {k, v} <- opts,
        is_integer(v) and v < if(k == :isolated, do: 0, else: 1),
        do: usage_error("--#{String.replace(to_string(k), "_", "-")} is too small: #{v}")

    domain =
      case opts[:name_domain] do
        nil -> default_domain(opts[:peer_names])
        "longnames" -> :longnames
        "shortnames" -> :shortnames
        other -> usage_error("--name-domain must be longnames or shortnames, got #{other}")
      end

    opts
    |> Keyword.put(:name_domain, domain)
    |> Keyword.put(:interface, opts[:dist_interface])
  end

  # Node names whose host has a dot (or is an IP) need -name (longnames); others -sname.
  defp default_domain(nil), do: :longnames

  defp default_domain(names) do
    hosts = for n <- names, do: n |> String.split("@") |> List.last()

    if Enum.all?(hosts, &(not String.contains?(&1, [".", ":"]))),
      do: :shortnames,
      else: :longnames
  end

  defp strategies(:fanout), do: Beam.Fanout.strategies()
  defp strategies(:ring), do: Beam.Ring.strategies()

  # ---- running -----------------------------------------------------------------------------

  defp run(:send_cost, opts), do: Beam.SendCost.run(opts)

  defp run(:fanout, opts) do
    Beam.Fanout.run(Keyword.put(opts, :timeout_ms, opts[:timeout_s] * 1000))
  end

  defp run(:ring, opts), do: Beam.Ring.run(opts)
  defp run(:semaphore, opts), do: Beam.Semaphore.run(opts)

  defp usage(device), do: IO.write(device, usage_text())

  @doc false
  # The help text; each scenario under the name the command line takes (`send-cost`), in
  # the README's order.
  def usage_text do
    """
    usage: beam/run <scenario> [--flag value ...]

    Prints one JSON object on stdout; progress on stderr. Scenarios and flags (defaults shown
    as default-scale / quick-scale; see beam/README.md for what each one measures):

      common:     --scale default|quick   --dist-interface IP (127.0.0.1)
                  --host H   --name-domain longnames|shortnames
    #{for name <- @scenario_order, into: "", do: "  #{name}:#{flag_lines(@flags[@scenarios[name]])}\n"}
    --peers takes a count of peers to start, or existing node names a@h1,b@h2 (cookie from
    the BEAM_COOKIE environment variable).
    """
  end

  defp flag_lines(specs) do
    for {k, _t, d, q} <- specs, into: "" do
      "\n    --#{String.replace(to_string(k), "_", "-")} (#{inspect(d)} / #{inspect(q)})"
    end
  end
end
