using Slotgate.Configuration;
using Slotgate.Demo;
using Slotgate.Hosting;

// slotgate-demo [options]: starts a local Redis Cluster (3 primaries + 3 replicas on 127.0.0.1:30001-30006), then
// Slotgate in front of it with the same options as `slotgate`; Ctrl-C stops both.
// The cluster's seeds are known only once it runs: validate everything else with a placeholder.
var defaults = new Dictionary<string, string?> { ["SLOTGATE_SEEDS"] = "127.0.0.1:30001" };
bool seeded = args.Contains("--seed") || args.Any(a => a.StartsWith("--seed=", StringComparison.Ordinal));
return await SlotgateCommandLine.RunAsync(args, defaults, async (options, stopping) =>
{
    Console.WriteLine("Starting a local Redis Cluster (3 primaries + 3 replicas on 127.0.0.1:30001-30006)...");
    await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(LocalClusterOptions.Demo, stopping).ConfigureAwait(false);
    if (!seeded)
    {
        options = options with { Cluster = options.Cluster with { Seeds = cluster.SeedEndpoints } };
    }
    await using SlotgateServer server = await SlotgateServer.StartAsync(options, cancellationToken: stopping).ConfigureAwait(false);
    int port = server.Endpoints.Count > 0 ? server.Endpoints[0].Port : 7000;
    Console.WriteLine();
    Console.WriteLine($"Slotgate is ready. Connect with:   redis-cli -p {port}");
    Console.WriteLine($"Cluster nodes: {string.Join(", ", cluster.SeedEndpoints)}");
    Console.WriteLine("Press Ctrl-C to stop the proxy and the cluster.");
    await server.WaitForShutdownAsync(stopping).ConfigureAwait(false);
    return 0;
}).ConfigureAwait(false);
