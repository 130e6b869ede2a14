defmodule Beam.FastGlobal do
  @moduledoc """
  Discord's FastGlobal (after mochiglobal), rebuilt: `put/2` compiles a one-function module
  whose function returns the value as a literal, and loads it. The value then lives in the
  module's literal area, shared by every process, so `get/1` copies nothing.

  The costs are FastGlobal's: a put compiles and loads a module (slow for a large value), and
  replacing a value purges the old code, which makes the runtime scan every process for
  references into the old literals (slower with more processes).
  """

  @type handle :: {__MODULE__, module}

  @doc "A handle, so callers do not build the module name (an atom) on every call."
  @spec new(atom) :: handle
  def new(key), do: {__MODULE__, key_to_module(key)}

  @spec get(handle | atom, term) :: term
  def get(key, default \\ nil)
  def get({__MODULE__, module}, default), do: do_get(module, default)
  def get(key, default), do: key |> key_to_module() |> do_get(default)

  @spec put(handle | atom, term) :: :ok
  def put({__MODULE__, module}, value), do: do_put(module, value)
  def put(key, value), do: key |> key_to_module() |> do_put(value)

  @spec delete(handle | atom) :: :ok
  def delete({__MODULE__, module}), do: do_delete(module)
  def delete(key), do: key |> key_to_module() |> do_delete()

  defp do_get(module, default) do
    try do
      module.value()
    catch
      :error, :undef -> default
    end
  end

  defp do_put(module, value) do
    binary = compile(module, value)
    :code.purge(module)
    {:module, ^module} = :code.load_binary(module, ~c"#{module}.erl", binary)
    :ok
  end

  defp do_delete(module) do
    :code.purge(module)
    :code.delete(module)
    :code.purge(module)
    :ok
  end

  defp key_to_module(key), do: :"Elixir.Beam.FastGlobal.#{key}"

  defp compile(module, value) do
    forms =
      [
        :erl_syntax.attribute(:erl_syntax.atom(:module), [:erl_syntax.atom(module)]),
        :erl_syntax.attribute(:erl_syntax.atom(:export), [
          :erl_syntax.list([
            :erl_syntax.arity_qualifier(:erl_syntax.atom(:value), :erl_syntax.integer(0))
          ])
        ]),
        :erl_syntax.function(:erl_syntax.atom(:value), [
          :erl_syntax.clause([], :none, [:erl_syntax.abstract(value)])
        ])
      ]
      |> Enum.map(&:erl_syntax.revert/1)

    {:ok, ^module, binary} = :compile.forms(forms, [:report_errors])
    binary
  end
end
