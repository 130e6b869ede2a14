defmodule Beam.JSONTest do
  use ExUnit.Case, async: true
  alias Beam.JSON

  test "encodes the shapes the scenarios produce" do
    assert JSON.encode(%{b: 1, a: [1.5, nil, true, false], c: %{"d" => "x"}}) ==
             ~s({"a":[1.5,null,true,false],"b":1,"c":{"d":"x"}})
  end

  test "floats never use exponent notation" do
    assert JSON.encode(3.0e3) == "3000.0"
    assert JSON.encode(1.0e-7) == "0.0"
    assert JSON.encode(2.25) == "2.25"
  end

  test "escapes strings" do
    assert JSON.encode("a\"b\\c\nd\u0001é") == ~s("a\\"b\\\\c\\nd\\u0001é")
  end

  test "atoms are strings, and unknown terms are refused" do
    assert JSON.encode(:naive) == ~s("naive")
    assert_raise ArgumentError, fn -> JSON.encode({:tuple}) end
  end
end
