defmodule Beam.TestSupport do
  @moduledoc false
  # Helpers the tests run on peer nodes (compiled in the test environment only).

  @doc "`n` processes that echo every message to `to` as `{self(), message}`."
  def echoers(to, n) do
    for _ <- 1..n, do: spawn_link(fn -> echo(to) end)
  end

  defp echo(to) do
    receive do
      m -> send(to, {self(), m})
    end

    echo(to)
  end

  @doc "The local addresses of every TCP socket of this node (listen and connected)."
  def tcp_local_addresses do
    for port <- :erlang.ports(),
        :erlang.port_info(port, :name) == {:name, ~c"tcp_inet"},
        {:ok, {ip, _}} <- [:inet.sockname(port)],
        do: ip
  end
end
