defmodule Beam.Ring do
  @moduledoc """
  The blog's reconnect storm, literally: `sessions` processes (500,000 in the blog) each look
  up the owner of `lookups` guilds (5), all spawned first and then released together. The
  ring (10 nodes x 512 points, `Beam.HashRing`) is read through one of four strategies:

  * `genserver`: a GenServer owns the ring; every lookup is a `GenServer.call` (the process
    that "would fail to keep up with requests").
  * `ets`: the ring is stored in ETS; every lookup copies the whole ring out (the blog's
    "ETS reads ... copying it in and out of ETS was the majority of the cost").
  * `fastglobal`: FastGlobal's trick: the ring is a literal of a module compiled at run time,
    read through a handle made once (`FastGlobal.new/1`, as FastGlobal's docs advise for hot
    paths), so no lookup rebuilds the module name.
  * `persistent_term`: the BEAM's built-in version of the same idea.

  Two storms per strategy, as on the Rust side:

  * prehashed (`storm`): each session's guild hashes are computed before the storm (before
    its process is spawned); the timed part is the access and the ring search. This is what
    the blog's ladder compares: how the ring is reached.
  * hashing (`storm_hashing`): each session hands the guild ids over, and every lookup hashes
    its id (MD5 of the decimal text) before the search, as ex_hash_ring's `find_node` does.
    The hash costs the same through every strategy, so it dilutes their differences.

  Alone (`alone.<name>`): one process per scheduler online, each looking up `alone_lookups`
  prehashed keys in a row, one lookup at a time; all spawned first and released together.
  `ns_per_lookup` is the wall time from the release to the last reader's end, divided by the
  lookups each reader made: what one reader waits for a lookup while the others read too. The
  Rust side runs the same shape with one task per worker thread (`ring_kit`'s `storm/tasks.rs`).
  ETS readers make a hundredth of the lookups (a copy of the ring takes hundreds of µs).

  `single_process_ns_per_lookup.<name>` (prehashed) and
  `single_process_hashing_ns_per_lookup.<name>`: one process looking up alone, for comparison
  with the per-lookup costs the blog quotes (0.3 us FastGlobal, 7 us ETS, 12 us a process call).

  Per strategy and storm: `total_ns` (release of the first session to the end of the last),
  `ns_per_lookup` (total_ns / lookups done: wall time, all schedulers together), and
  `update_ns` (replacing the ring with a fresh copy, timed while the storm's processes are
  alive, because FastGlobal's and persistent_term's replace scans every process).
  """

  alias Beam.{FastGlobal, HashRing}

  @strategies ~w(genserver ets fastglobal persistent_term)a
  @table :beam_ring
  @pt_key {__MODULE__, :ring}
  @fg_key :beam_ring
  # FastGlobal's handle for hot paths, made once (here, when this module is compiled): a get
  # through it calls the module directly instead of building its name, an atom, every time.
  # The Rust side likewise makes its handle once (`Global::named`).
  @fg FastGlobal.new(@fg_key)
  @server Beam.Ring.Server

  def strategies, do: @strategies

  @doc "Node names of the production-sized ring: node-0 .. node-(n-1)."
  def node_names(n), do: for(i <- 0..(n - 1), do: "node-#{i}")

  @doc "The guild id of session `s`'s `j`th lookup: distinct, snowflake-sized, deterministic."
  def guild_id(s, j, lookups), do: 80_351_110_224_678_912 + (s * lookups + j) * 7_919

  # ---- strategies --------------------------------------------------------------------------

  @doc "Installs `ring` for `strategy` (starting what it needs). Returns the install time in ns."
  def install(:genserver, ring) do
    case Process.whereis(@server) do
      nil ->
        {:ok, _} = GenServer.start(Beam.Ring.Server, ring, name: @server)
        0

      _pid ->
        timed(fn -> :ok = GenServer.call(@server, {:put, ring}, :infinity) end)
    end
  end

  def install(:ets, ring) do
    if :ets.whereis(@table) == :undefined do
      # Owned by a process of its own so the table outlives whoever installs it.
      owner = spawn(fn -> receive(do: (:stop -> :ok)) end)
      :ets.new(@table, [:set, :public, :named_table, read_concurrency: true])
      :ets.give_away(@table, owner, nil)
    end

    timed(fn -> :ets.insert(@table, {:ring, ring}) end)
  end

  def install(:fastglobal, ring), do: timed(fn -> FastGlobal.put(@fg, ring) end)
  def install(:persistent_term, ring), do: timed(fn -> :persistent_term.put(@pt_key, ring) end)

  @doc "Removes what `install/2` set up."
  def uninstall(:genserver) do
    case Process.whereis(@server) do
      nil -> :ok
      pid -> GenServer.stop(pid)
    end
  end

  def uninstall(:ets) do
    case :ets.whereis(@table) do
      :undefined ->
        :ok

      _ ->
        owner = :ets.info(@table, :owner)
        :ets.delete(@table)
        send(owner, :stop)
        :ok
    end
  end

  def uninstall(:fastglobal), do: FastGlobal.delete(@fg)

  def uninstall(:persistent_term) do
    :persistent_term.erase(@pt_key)
    :ok
  end

  @doc "The owner of `key` through `strategy`, hashing the key (the ring must be installed)."
  def find_node(:genserver, key), do: GenServer.call(@server, {:find_node, key}, :infinity)
  def find_node(:ets, key), do: HashRing.find_node(:ets.lookup_element(@table, :ring, 2), key)
  def find_node(:fastglobal, key), do: HashRing.find_node(FastGlobal.get(@fg), key)
  def find_node(:persistent_term, key), do: HashRing.find_node(:persistent_term.get(@pt_key), key)

  @doc """
  The owner of a key whose hash (`Beam.HashRing.hash/1`) is `h`, through `strategy`: the
  access and the search, no hashing. The ETS strategy still copies the ring out.
  """
  def find_hashed(:genserver, h), do: GenServer.call(@server, {:find_hashed, h}, :infinity)
  def find_hashed(:ets, h), do: HashRing.find_hashed(:ets.lookup_element(@table, :ring, 2), h)
  def find_hashed(:fastglobal, h), do: HashRing.find_hashed(FastGlobal.get(@fg), h)

  def find_hashed(:persistent_term, h),
    do: HashRing.find_hashed(:persistent_term.get(@pt_key), h)

  # ---- the storm ---------------------------------------------------------------------------

  @doc """
  Runs the storm for one strategy. Options: `:sessions`, `:lookups`, `:nodes`, `:replicas`,
  `:prehashed` (default false: each lookup hashes its guild id; true: the hashes are computed
  before the sessions are spawned and only the access and the search are timed), `:collect`
  (send every answer back, for tests). Returns a map of figures (and `:answers`, a list of
  `{session, [owner]}`, with `collect: true`).
  """
  def storm(strategy, opts) when strategy in @strategies do
    sessions = Keyword.fetch!(opts, :sessions)
    lookups = Keyword.get(opts, :lookups, 5)

    ring =
      Keyword.get_lazy(opts, :ring, fn ->
        HashRing.new(node_names(Keyword.get(opts, :nodes, 10)), Keyword.get(opts, :replicas, 512))
      end)

    collect = Keyword.get(opts, :collect, false)
    prehashed = Keyword.get(opts, :prehashed, false)

    install(strategy, ring)

    try do
      done = :atomics.new(1, [])
      driver = self()

      {spawn_ns, pids} =
        timed_value(fn ->
          for s <- 0..(sessions - 1) do
            # The session's keys, made here, before the storm: its guild ids, or with
            # `prehashed` their hashes (copied into the session with the closure).
            keys =
              for j <- 0..(lookups - 1) do
                id = guild_id(s, j, lookups)
                if prehashed, do: HashRing.hash(id), else: id
              end

            spawn(fn -> session(strategy, prehashed, keys, s, sessions, done, driver, collect) end)
          end
        end)

      # Replace the ring while the storm's processes are alive (they hold no reference yet),
      # with a freshly built term of the same placement, so answers do not change. Its next
      # generation makes it a different term: `:persistent_term.put/2` of a value equal to the
      # stored one does nothing, and would time a comparison instead of an update.
      fresh = :erlang.binary_to_term(:erlang.term_to_binary(ring))
      fresh = %{fresh | generation: ring.generation + 1}
      update_ns = install(strategy, fresh)
      :erlang.garbage_collect()

      t0 = :erlang.monotonic_time(:nanosecond)
      Enum.each(pids, &send(&1, :go))

      receive do
        :storm_done -> :ok
      after
        600_000 -> raise "storm #{strategy}: sessions did not finish in 10 minutes"
      end

      total_ns = :erlang.monotonic_time(:nanosecond) - t0

      answers =
        if collect do
          for _ <- 1..sessions do
            receive do
              {:answers, s, owners} -> {s, owners}
            after
              10_000 -> raise "storm #{strategy}: missing answers"
            end
          end
          |> Enum.sort()
        end

      %{
        sessions: sessions,
        lookups: sessions * lookups,
        total_ns: total_ns,
        ns_per_lookup: total_ns / (sessions * lookups),
        update_ns: update_ns,
        spawn_ns: spawn_ns,
        answers: answers
      }
    after
      uninstall(strategy)
    end
  end

  @doc """
  ns per lookup for one process doing `n` lookups in a row, nothing else running: the cost
  of one lookup without a storm (the figures the blog and the libraries' READMEs quote).
  With `prehashed` the keys' hashes are computed before the timed loop, as in the storm.
  """
  def single_process(strategy, ring, n, prehashed \\ false) do
    install(strategy, ring)

    try do
      task =
        Task.async(fn ->
          keys =
            for i <- 0..(n - 1) do
              id = guild_id(i, 0, 1)
              if prehashed, do: HashRing.hash(id), else: id
            end

          warm = Enum.take(keys, 100)
          lookup_loop(strategy, prehashed, warm)
          t0 = :erlang.monotonic_time(:nanosecond)
          lookup_loop(strategy, prehashed, keys)
          :erlang.monotonic_time(:nanosecond) - t0
        end)

      Task.await(task, :infinity) / n
    after
      uninstall(strategy)
    end
  end

  @doc """
  The alone shape: `readers` processes (default: one per scheduler online), each looking up the
  same `n` prehashed keys in a row, released together. Returns the figures: `ns_per_lookup` (wall
  time from the release to the last reader's end ÷ `n`), `readers`, `lookups_per_reader`,
  `total_ns`.
  """
  def alone(strategy, ring, n, readers \\ :erlang.system_info(:schedulers_online)) do
    keys = for i <- 0..(n - 1), do: HashRing.hash(guild_id(i, 0, 1))
    install(strategy, ring)

    try do
      driver = self()
      # Each reader holds its own copy of the keys (copied with the closure at spawn).
      pids =
        for _ <- 1..readers do
          spawn(fn ->
            receive(do: (:go -> :ok))
            lookup_loop(strategy, true, keys)
            send(driver, :alone_done)
          end)
        end

      t0 = :erlang.monotonic_time(:nanosecond)
      Enum.each(pids, &send(&1, :go))

      for _ <- pids do
        receive do
          :alone_done -> :ok
        after
          600_000 -> raise "alone #{strategy}: readers did not finish in 10 minutes"
        end
      end

      total_ns = :erlang.monotonic_time(:nanosecond) - t0
      %{ns_per_lookup: total_ns / n, readers: readers, lookups_per_reader: n, total_ns: total_ns}
    after
      uninstall(strategy)
    end
  end

  defp lookup_loop(_strategy, _prehashed, []), do: :ok

  defp lookup_loop(strategy, true, [h | rest]) do
    find_hashed(strategy, h)
    lookup_loop(strategy, true, rest)
  end

  defp lookup_loop(strategy, false, [key | rest]) do
    find_node(strategy, key)
    lookup_loop(strategy, false, rest)
  end

  defp session(strategy, prehashed, keys, s, sessions, done, driver, collect) do
    receive do
      :go -> :ok
    end

    owners =
      if prehashed,
        do: for(h <- keys, do: find_hashed(strategy, h)),
        else: for(id <- keys, do: find_node(strategy, id))

    if collect, do: send(driver, {:answers, s, owners})
    if :atomics.add_get(done, 1, 1) == sessions, do: send(driver, :storm_done)
  end

  # ---- the scenario ------------------------------------------------------------------------

  @doc "The scenario the CLI runs: every strategy, then one JSON-ready map."
  def run(opts) do
    single = Keyword.get(opts, :single_lookups, 20_000)
    alone_lookups = Keyword.get(opts, :alone_lookups, 200_000)
    sessions = Keyword.fetch!(opts, :sessions)
    lookups = Keyword.fetch!(opts, :lookups)
    nodes = Keyword.fetch!(opts, :nodes)
    replicas = Keyword.fetch!(opts, :replicas)
    strategies = Keyword.fetch!(opts, :strategies)
    ets_sessions = min(Keyword.fetch!(opts, :ets_sessions), sessions)

    {build_ns, ring} = timed_value(fn -> HashRing.new(node_names(nodes), replicas) end)
    ring_bytes = :erts_debug.flat_size(ring.items) * :erlang.system_info(:wordsize)

    # Every prehashed storm first, then every hashing one: the figures the bars compare are
    # taken close together in time (the machine may be shared).
    storms =
      for {prehashed, label} <- [{true, "prehashed"}, {false, "hashing"}], into: %{} do
        figures =
          for strategy <- strategies, into: %{} do
            n = if strategy == :ets, do: ets_sessions, else: sessions

            Beam.CLI.progress(
              "ring: #{strategy} storm (#{label}), #{n} sessions x #{lookups} lookups"
            )

            r = storm(strategy, sessions: n, lookups: lookups, ring: ring, prehashed: prehashed)
            :erlang.garbage_collect()
            {strategy, storm_figures(r, n < sessions, sessions * lookups)}
          end

        {prehashed, figures}
      end

    single_ns = fn prehashed ->
      for strategy <- strategies, into: %{} do
        n = if strategy == :ets, do: max(div(single, 100), 10), else: single
        {strategy, single_process(strategy, ring, n, prehashed)}
      end
    end

    alone =
      for strategy <- strategies, into: %{} do
        n = if strategy == :ets, do: max(div(alone_lookups, 100), 10), else: alone_lookups
        Beam.CLI.progress("ring: #{strategy} alone, one reader per scheduler x #{n} lookups")
        figures = alone(strategy, ring, n)
        :erlang.garbage_collect()
        {strategy, figures}
      end

    %{
      sessions: sessions,
      lookups_per_session: lookups,
      alone: alone,
      ring_nodes: nodes,
      ring_replicas: replicas,
      ring_points: HashRing.points(ring),
      ring_bytes: ring_bytes,
      build_ns: build_ns,
      storm: storms[true],
      storm_hashing: storms[false],
      single_process_ns_per_lookup: single_ns.(true),
      single_process_hashing_ns_per_lookup: single_ns.(false)
    }
  end

  defp storm_figures(r, projected?, all_lookups) do
    figures = %{
      sessions: r.sessions,
      lookups: r.lookups,
      total_ns: r.total_ns,
      ns_per_lookup: r.ns_per_lookup,
      update_ns: r.update_ns,
      spawn_ns: r.spawn_ns
    }

    # `sessions` stays what ran; the projection says how many it stands for.
    if projected?,
      do:
        Map.merge(figures, %{
          projected_total_ns: round(r.ns_per_lookup * all_lookups),
          projected_lookups: all_lookups
        }),
      else: figures
  end

  defp timed(fun) do
    t0 = :erlang.monotonic_time(:nanosecond)
    fun.()
    :erlang.monotonic_time(:nanosecond) - t0
  end

  defp timed_value(fun) do
    t0 = :erlang.monotonic_time(:nanosecond)
    v = fun.()
    {:erlang.monotonic_time(:nanosecond) - t0, v}
  end
end

defmodule Beam.Ring.Server do
  @moduledoc """
  The GenServer that owns the ring: every lookup is a call into it (with the guild id, which
  the server hashes, or with the hash already computed).
  """
  use GenServer

  @impl true
  def init(ring), do: {:ok, ring}

  @impl true
  def handle_call({:find_node, key}, _from, ring),
    do: {:reply, Beam.HashRing.find_node(ring, key), ring}

  def handle_call({:find_hashed, h}, _from, ring),
    do: {:reply, Beam.HashRing.find_hashed(ring, h), ring}

  def handle_call({:put, ring}, _from, _old), do: {:reply, :ok, ring}
end
