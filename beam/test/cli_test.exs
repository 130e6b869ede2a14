defmodule Beam.CLITest do
  use ExUnit.Case, async: true
  alias Beam.CLI

  test "defaults per scale, and flags override them" do
    d = CLI.parse(:fanout, [])
    assert d[:members] == 30_000 and d[:peers] == 4 and d[:publishes] == 30
    q = CLI.parse(:fanout, ["--scale", "quick", "--members", "12"])
    assert q[:members] == 12 and q[:publishes] == 20
    assert q[:strategies] == [:naive, :manifold]

    assert CLI.parse(:ring, ["--strategies", "ets,persistent_term"])[:strategies] == [
             :ets,
             :persistent_term
           ]
  end

  test "peer names need BEAM_COOKIE and pick the name domain" do
    assert_raise CLI.UsageError, ~r/BEAM_COOKIE/, fn ->
      CLI.parse(:fanout, ["--peers", "a@h1,b@h2"])
    end

    System.put_env("BEAM_COOKIE", "x")

    try do
      o = CLI.parse(:fanout, ["--peers", "a@h1,b@h2"])
      assert o[:peer_names] == ["a@h1", "b@h2"] and o[:name_domain] == :shortnames
      assert CLI.parse(:fanout, ["--peers", "a@10.0.0.1"])[:name_domain] == :longnames
    after
      System.delete_env("BEAM_COOKIE")
    end
  end

  test "usage errors" do
    assert_raise CLI.UsageError, fn -> CLI.parse(:ring, ["--bogus", "1"]) end
    assert_raise CLI.UsageError, fn -> CLI.parse(:ring, ["--sessions", "x"]) end
    assert_raise CLI.UsageError, fn -> CLI.parse(:ring, ["--sessions", "0"]) end
    assert_raise CLI.UsageError, fn -> CLI.parse(:ring, ["--strategies", "magic"]) end
    assert_raise CLI.UsageError, fn -> CLI.parse(:ring, ["--scale", "huge"]) end
  end

  test "the help names every scenario as the command line takes it" do
    text = CLI.usage_text()

    for name <- Map.keys(CLI.scenarios()) do
      assert text =~ ~r/^  #{name}:$/m
    end

    refute text =~ "send_cost"
  end
end
