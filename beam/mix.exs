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
      deps: []
    ]
  end

  def application do
    [extra_applications: [:logger, :crypto, :compiler, :syntax_tools]]
  end
end
