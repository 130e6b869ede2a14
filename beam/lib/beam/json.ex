defmodule Beam.JSON do
  @moduledoc """
  A tiny JSON encoder (Elixir 1.14 ships none, and this project fetches no packages).

  Encodes maps (atom or string keys), lists, integers, finite floats, strings, atoms,
  booleans and nil. Map keys are written in sorted order so the output is stable.
  """

  @spec encode(term) :: String.t()
  def encode(term), do: term |> enc() |> IO.iodata_to_binary()

  defp enc(nil), do: "null"
  defp enc(true), do: "true"
  defp enc(false), do: "false"
  defp enc(n) when is_integer(n), do: Integer.to_string(n)

  defp enc(f) when is_float(f) do
    # Fixed notation, at most 3 decimals (no exponent); JSON has no NaN/Inf,
    # and the BEAM cannot produce them, so every float is finite here.
    :erlang.float_to_binary(f, [{:decimals, 3}, :compact])
  end

  defp enc(a) when is_atom(a), do: enc_string(Atom.to_string(a))
  defp enc(s) when is_binary(s), do: enc_string(s)

  defp enc(list) when is_list(list) do
    ["[", list |> Enum.map(&enc/1) |> Enum.intersperse(","), "]"]
  end

  defp enc(map) when is_map(map) do
    pairs =
      map
      |> Enum.map(fn {k, v} -> {key(k), v} end)
      |> Enum.sort()
      |> Enum.map(fn {k, v} -> [enc_string(k), ":", enc(v)] end)

    ["{", Enum.intersperse(pairs, ","), "}"]
  end

  defp enc(other), do: raise(ArgumentError, "cannot encode #{inspect(other)} as JSON")

  defp key(k) when is_atom(k), do: Atom.to_string(k)
  defp key(k) when is_binary(k), do: k
  defp key(k) when is_integer(k), do: Integer.to_string(k)

  defp enc_string(s) do
    unless String.valid?(s), do: raise(ArgumentError, "not UTF-8: #{inspect(s)}")
    [?", escape(s, []), ?"]
  end

  defp escape(<<>>, acc), do: Enum.reverse(acc)
  defp escape(<<?", rest::binary>>, acc), do: escape(rest, ["\\\"" | acc])
  defp escape(<<?\\, rest::binary>>, acc), do: escape(rest, ["\\\\" | acc])
  defp escape(<<?\n, rest::binary>>, acc), do: escape(rest, ["\\n" | acc])
  defp escape(<<?\r, rest::binary>>, acc), do: escape(rest, ["\\r" | acc])
  defp escape(<<?\t, rest::binary>>, acc), do: escape(rest, ["\\t" | acc])

  defp escape(<<c, rest::binary>>, acc) when c < 0x20 do
    hex = c |> Integer.to_string(16) |> String.pad_leading(4, "0")
    escape(rest, ["\\u" <> hex | acc])
  end

  defp escape(<<c::utf8, rest::binary>>, acc), do: escape(rest, [<<c::utf8>> | acc])
end
