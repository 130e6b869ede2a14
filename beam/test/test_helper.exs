# The tests that need peers start them with :peer; the test VM itself becomes a distributed
# node (loopback only, random cookie) the same way the CLI does.
Application.put_env(:beam, :progress, false)
Beam.Cluster.ensure_distributed()
ExUnit.start(timeout: 60_000)
