namespace Slotgate.LoadBench.Scenarios;

/// <summary>
/// Every scenario, in run order. SETs come before their GETs so the GETs find values; the proxy and direct runs write
/// different key names (redis-benchmark --cluster puts a per-node hashtag in its keys), so each GET reads what its own
/// target wrote.
/// </summary>
internal static class ScenarioCatalog
{
    /// <summary>The single key redis-benchmark uses when <c>-r</c> is absent: the placeholder is left as is.</summary>
    public const string SingleKey = "key:__rand_int__";

    private const string Clients = "50";
    private const string KeySpace = "100000";
    private const string SmallKeySpace = "10000";

    public static IReadOnlyList<Scenario> All { get; } = Build();

    /// <summary>The named scenarios in catalog order, or every unknown name as an error.</summary>
    public static (IReadOnlyList<Scenario> Selected, IReadOnlyList<string> Unknown) Select(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return (All, []);
        }
        string[] unknown = [.. names.Where(n => !All.Any(s => s.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))];
        Scenario[] selected = [.. All.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase))];
        return (selected, unknown);
    }

    private static List<Scenario> Build()
    {
        var list = new List<Scenario>();
        foreach (string pipeline in new[] { "1", "16" })
        {
            // Pipelined runs move many more requests per second, so they get more requests for a similar duration.
            int requests = pipeline == "1" ? 200_000 : 1_000_000;
            foreach (string test in new[] { "set", "get" })
            {
                list.Add(new Scenario
                {
                    Name = $"{test}-p{pipeline}",
                    Description = $"{test.ToUpperInvariant()}, {Clients} clients, pipeline {pipeline}, random keys over {KeySpace} (all shards)",
                    Requests = requests,
                    Options = ["-c", Clients, "-P", pipeline, "-r", KeySpace],
                    ProxyCommand = ["-t", test],
                });
            }
            foreach (string test in new[] { "set", "get" })
            {
                list.Add(new Scenario
                {
                    Name = $"{test}-p{pipeline}-1key",
                    Description = $"{test.ToUpperInvariant()}, {Clients} clients, pipeline {pipeline}, one key (one shard)",
                    Requests = requests,
                    Options = ["-c", Clients, "-P", pipeline],
                    ProxyCommand = ["-t", test],
                    DirectMode = DirectMode.SlotOwner,
                    DirectNote = "direct is plain redis-benchmark against the primary owning the key",
                });
            }
        }

        list.Add(new Scenario
        {
            Name = "mget10",
            Description = $"MGET of 10 random keys across shards, {Clients} clients, pipeline 1",
            Requests = 50_000,
            Options = ["-c", Clients, "-r", KeySpace],
            ProxyCommand = ["MGET", .. Enumerable.Repeat("key:__rand_int__", 10)],
            // {tag} is redis-benchmark's own placeholder for a hashtag of the node a client talks to.
            DirectCommand = ["MGET", .. Enumerable.Repeat("key:{tag}:__rand_int__", 10)],
            DirectNote = "direct MGETs 10 keys sharing one hashtag (one slot): redis-benchmark --cluster cannot send a cross-slot MGET, so the proxy does strictly more work (split over 3 shards and merge)",
        });

        foreach (string test in new[] { "set", "get" })
        {
            list.Add(new Scenario
            {
                Name = $"{test}-1k",
                Description = $"{test.ToUpperInvariant()} of 1 KiB values, {Clients} clients, pipeline 1, random keys over {SmallKeySpace}",
                Requests = 150_000,
                // A keyspace ten times smaller than the requests: the SET rewrites every key with 1 KiB (all but
                // e^-10 of them), so the GET that follows reads 1 KiB values, not the 3-byte ones of earlier scenarios.
                Options = ["-c", Clients, "-d", "1024", "-r", SmallKeySpace],
                ProxyCommand = ["-t", test],
            });
        }

        list.Add(new Scenario
        {
            Name = "churn",
            Description = $"GET with a new connection per request (-k 0), {Clients} clients, random keys",
            // Each request costs a connect and a TIME_WAIT socket; a modest count keeps clear of port exhaustion.
            Requests = 30_000,
            Options = ["-c", Clients, "-k", "0", "-r", KeySpace],
            ProxyCommand = ["-t", "get"],
        });
        return list;
    }
}
