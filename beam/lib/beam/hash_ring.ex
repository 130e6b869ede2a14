defmodule Beam.HashRing do
  @moduledoc """
  The consistent hash ring, placement-compatible with Discord's `ex_hash_ring` and with the
  Rust workbook's `labs/ring/src/ring.rs`:

  * a key's hash is the MD5 of its bytes, digest bytes 8..16 read as an unsigned
    little-endian 64-bit integer; an integer key (a guild id) is hashed as its decimal text;
  * node `name` has `replicas` points at the hashes of `"\#{name}0"` .. `"\#{name}\#{replicas-1}"`;
  * a key belongs to the first point whose hash is strictly greater than the key's hash,
    wrapping to the smallest point.

  Like `ex_hash_ring`, the ring is an immutable value: a tuple of `{hash, node}` sorted by
  hash (ties by node name, as the Rust side), searched by bisection. With 10 nodes of 512
  points the tuple holds 5,120 pairs whose hashes are mostly bignums on the BEAM (above
  2^59): about 360 KB when copied, which is what the ETS strategy pays on every read.
  """

  # `generation` is read by no lookup: it lets an update store a ring with the same placement
  # that is still a different term (`:persistent_term.put/2` skips a value equal to the stored one).
  defstruct replicas: 512, nodes: [], items: {}, generation: 0

  @type t :: %__MODULE__{
          replicas: pos_integer,
          nodes: [String.t()],
          items: tuple,
          generation: non_neg_integer
        }

  @doc "The hash of a key: binaries by their bytes, integers by their decimal text."
  @spec hash(binary | integer) :: non_neg_integer
  def hash(key) when is_binary(key) do
    <<_::binary-size(8), value::unsigned-little-integer-size(64)>> = :erlang.md5(key)
    value
  end

  def hash(key) when is_integer(key), do: hash(Integer.to_string(key))

  @spec new([String.t()], pos_integer) :: t
  def new(nodes, replicas \\ 512) when replicas > 0 do
    items =
      for node <- nodes, i <- 0..(replicas - 1) do
        {hash(node <> Integer.to_string(i)), node}
      end
      |> Enum.sort()
      |> List.to_tuple()

    %__MODULE__{replicas: replicas, nodes: nodes, items: items}
  end

  @spec points(t) :: non_neg_integer
  def points(%__MODULE__{items: items}), do: tuple_size(items)

  @doc "The node that owns `key`, or nil on an empty ring."
  @spec find_node(t, binary | integer) :: String.t() | nil
  def find_node(%__MODULE__{} = ring, key), do: find_hashed(ring, hash(key))

  @doc """
  The node that owns a key whose hash (`hash/1`) is `h`, or nil on an empty ring: the search
  alone, for callers that hashed their keys beforehand (the prehashed storm).
  """
  @spec find_hashed(t, non_neg_integer) :: String.t() | nil
  def find_hashed(%__MODULE__{items: items}, h) when is_integer(h) do
    case next_index(items, h) do
      nil -> nil
      i -> items |> elem(i) |> elem(1)
    end
  end

  @doc "Up to `n` distinct nodes for `key`, clockwise from its owner."
  @spec find_nodes(t, binary | integer, non_neg_integer) :: [String.t()]
  def find_nodes(%__MODULE__{items: items, nodes: nodes}, key, n) do
    wanted = min(n, length(nodes))

    case next_index(items, hash(key)) do
      nil -> []
      i -> walk(items, i, wanted, [])
    end
  end

  defp walk(_items, _i, wanted, found) when length(found) == wanted, do: Enum.reverse(found)

  defp walk(items, i, wanted, found) do
    {_, node} = elem(items, i)
    found = if node in found, do: found, else: [node | found]
    walk(items, rem(i + 1, tuple_size(items)), wanted, found)
  end

  # The index of the first item whose hash is strictly greater than `h`, wrapping to 0.
  # The same bisection as ex_hash_ring's find_next_highest_item.
  defp next_index({}, _h), do: nil
  defp next_index(items, h), do: bisect(items, h, 0, tuple_size(items))

  defp bisect(items, _h, lo, hi) when lo >= hi do
    if lo == tuple_size(items), do: 0, else: lo
  end

  defp bisect(items, h, lo, hi) do
    mid = div(lo + hi, 2)
    {number, _} = elem(items, mid)
    if number > h, do: bisect(items, h, lo, mid), else: bisect(items, h, mid + 1, hi)
  end
end
