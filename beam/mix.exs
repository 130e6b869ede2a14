defmodule Beam.MixProject do
  use Mix.Project

  # The BEAM side of the workbook: every scenario on real distributed Erlang nodes.
  # No dependencies on purpose: everything here is OTP and Elixir as Debian ships them.
  def project do
    [
      app: :beam,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: false,
      elixirc_paths: elixirc_paths(Mix.env()),
      deps: []
    ]
  end

  # test/support holds helpers the tests run on peer nodes: it must be compiled into the app
  # so Beam.Cluster ships it to them with the rest of our modules.
  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]

  def application do
    [extra_applications: [:logger, :crypto, :compiler, :syntax_tools]]
  end
end
