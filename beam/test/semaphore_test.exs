defmodule Beam.SemaphoreTest do
  use ExUnit.Case
  alias Beam.Semaphore

  for name <- Semaphore.names() do
    test "#{name}: refuses at max and releases floor at zero" do
      g = Semaphore.new(unquote(name))

      try do
        assert Semaphore.acquire(g, :k, 2)
        assert Semaphore.acquire(g, :k, 2)
        refute Semaphore.acquire(g, :k, 2)
        assert Semaphore.count(g, :k) == 2
        Semaphore.release(g, :k)
        assert Semaphore.acquire(g, :k, 2)
        for _ <- 1..5, do: Semaphore.release(g, :k)
        assert Semaphore.count(g, :k) == 0
      after
        Semaphore.close(g)
      end
    end

    test "#{name}: max is never exceeded under contention" do
      g = Semaphore.new(unquote(name))
      max = 3
      inside = :atomics.new(2, signed: true)
      parent = self()

      try do
        pids =
          for _ <- 1..12 do
            spawn_link(fn ->
              receive(do: (:go -> :ok))

              got =
                Enum.count(1..2_000, fn _ ->
                  if Semaphore.acquire(g, :k, max) do
                    now = :atomics.add_get(inside, 1, 1)
                    seen = :atomics.get(inside, 2)
                    if now > seen, do: :atomics.compare_exchange(inside, 2, seen, now)
                    :erlang.yield()
                    :atomics.sub(inside, 1, 1)
                    Semaphore.release(g, :k)
                    true
                  else
                    false
                  end
                end)

              send(parent, {:done, got})
            end)
          end

        Enum.each(pids, &send(&1, :go))
        got = for _ <- pids, do: receive(do: ({:done, n} -> n))
        assert Enum.sum(got) > 0
        assert :atomics.get(inside, 2) <= max
        assert :atomics.get(inside, 2) >= 1
        assert Semaphore.count(g, :k) == 0
      after
        Semaphore.close(g)
      end
    end
  end

  test "the scenario reports every gate alone and contended" do
    r = Semaphore.run(ops: 2_000, genserver_ops: 500, max: 1_000, contenders: 2)

    for kind <- [:alone, :contended], name <- Semaphore.names() do
      assert r.gate_ns[kind][name] > 0
    end

    assert r.refused_contended == %{ets_update_counter: 0, atomics: 0, genserver: 0}
  end
end
