using Microsoft.Extensions.Logging;
using Slotgate.Configuration;
using Slotgate.Demo;

namespace Slotgate.Hosting;

/// <summary>
/// The <c>slotgate</c> command: <c>slotgate [options]</c> runs the proxy; <c>slotgate demo [options]</c> first starts a
/// local Redis Cluster (3 primaries, 3 replicas on 127.0.0.1) and then the proxy in front of it;
/// <c>slotgate import-envoy FILE</c> converts an Envoy redis_proxy configuration; <c>slotgate controller</c> runs the
/// Gateway API controller.
/// </summary>
internal static class SlotgateCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "import-envoy")
        {
            return Import.EnvoyImportCommand.Run(args[1..], Console.Out, Console.Error);
        }
        if (args.Length > 0 && args[0] == "controller")
        {
            return await ControllerLauncher.RunAsync(args[1..], Console.Error).ConfigureAwait(false);
        }
        bool demo = args.Length > 0 && args[0] == "demo";
        string[] rest = demo ? args[1..] : args;
        var environment = new Dictionary<string, string?>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value;
        }
        if (demo && !rest.Contains("--seed") && !environment.ContainsKey("SLOTGATE_SEEDS"))
        {
            // The demo cluster's seeds are known only once it runs; validate everything else with a placeholder.
            environment["SLOTGATE_SEEDS"] = "127.0.0.1:30001";
        }
        SlotgateConfigLoadResult config = SlotgateConfiguration.Load(rest, environment);
        if (config.HelpRequested)
        {
            Console.WriteLine(SlotgateConfiguration.HelpText);
            return 0;
        }
        if (!config.Succeeded)
        {
            Console.Error.WriteLine("slotgate: invalid configuration:");
            foreach (string error in config.Errors)
            {
                Console.Error.WriteLine("  " + error);
            }
            return 2;
        }
        if (config.Command is { } unknown)
        {
            Console.Error.WriteLine($"slotgate: unknown command '{unknown}' (try --help)");
            return 2;
        }

        using var stopping = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return demo
                ? await RunDemoAsync(config.Options, stopping.Token).ConfigureAwait(false)
                : await RunProxyAsync(config.Options, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunProxyAsync(SlotgateOptions options, CancellationToken stopping)
    {
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, cancellationToken: stopping).ConfigureAwait(false);
        await server.WaitForShutdownAsync(stopping).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> RunDemoAsync(SlotgateOptions options, CancellationToken stopping)
    {
        Console.WriteLine("Starting a local Redis Cluster (3 primaries + 3 replicas on 127.0.0.1:30001-30006)...");
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(LocalClusterOptions.Demo, stopping).ConfigureAwait(false);
        options = options with { Cluster = options.Cluster with { Seeds = cluster.SeedEndpoints } };
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, cancellationToken: stopping).ConfigureAwait(false);
        int port = server.Endpoints.Count > 0 ? server.Endpoints[0].Port : 7000;
        Console.WriteLine();
        Console.WriteLine($"Slotgate is ready. Connect with:   redis-cli -p {port}");
        Console.WriteLine($"Cluster nodes: {string.Join(", ", cluster.SeedEndpoints)}");
        Console.WriteLine("Press Ctrl-C to stop the proxy and the cluster.");
        await server.WaitForShutdownAsync(stopping).ConfigureAwait(false);
        return 0;
    }
}
