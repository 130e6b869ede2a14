defmodule Beam.Stats do
  @moduledoc """
  Small statistics helpers: exact median/mean/percentiles of sample lists, and a log-linear
  histogram for latencies recorded by many processes on many nodes and merged at the end.
  """

  @spec mean([number]) :: float
  def mean([]), do: 0.0
  def mean(xs), do: Enum.sum(xs) / length(xs)

  @spec median([number]) :: number
  def median(xs), do: percentile(xs, 50)

  @doc "Nearest-rank percentile (p in 0..100) of a non-empty list."
  @spec percentile([number], number) :: number
  def percentile([], _p), do: 0

  def percentile(xs, p) do
    sorted = Enum.sort(xs)
    n = length(sorted)
    rank = max(1, min(n, ceil(p / 100 * n)))
    Enum.at(sorted, rank - 1)
  end

  # ---- histogram -------------------------------------------------------------------------
  #
  # 16 buckets per power of two: a value v >= 1 goes to bucket trunc(log2(v) * 16); values
  # below 1 ns (including negative ones, which clock calibration error can produce) go to
  # bucket -1 and read back as 0. A percentile read back is the bucket's geometric middle,
  # within +-2.2 % of the true value.

  @sub 16

  @spec hist_new() :: map
  def hist_new, do: %{}

  @spec hist_add(map, integer) :: map
  def hist_add(h, v) do
    b = bucket(v)

    case h do
      %{^b => c} -> %{h | b => c + 1}
      _ -> Map.put(h, b, 1)
    end
  end

  @spec hist_merge(map, map) :: map
  def hist_merge(a, b), do: Map.merge(a, b, fn _k, x, y -> x + y end)

  @spec hist_count(map) :: non_neg_integer
  def hist_count(h), do: h |> Map.values() |> Enum.sum()

  @spec hist_percentile(map, number) :: integer
  def hist_percentile(h, p) do
    total = hist_count(h)

    if total == 0 do
      0
    else
      rank = max(1, ceil(p / 100 * total))
      h |> Enum.sort() |> walk(rank, 0)
    end
  end

  defp walk([{b, c} | rest], rank, seen) do
    if seen + c >= rank, do: value(b), else: walk(rest, rank, seen + c)
  end

  defp bucket(v) when v < 1, do: -1
  defp bucket(v), do: trunc(:math.log2(v) * @sub)

  defp value(-1), do: 0
  defp value(b), do: round(:math.pow(2, (b + 0.5) / @sub))
end
