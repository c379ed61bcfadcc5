using Slotgate.Configuration;

namespace Slotgate.Hosting;

/// <summary>
/// The <c>slotgate</c> command: <c>slotgate [options]</c> runs the proxy; <c>slotgate import-envoy FILE</c> converts an
/// Envoy redis_proxy configuration; <c>slotgate controller</c> runs the Gateway API controller. The local demo cluster
/// is a separate program, <c>slotgate-demo</c>, so the proxy's binary does not carry it.
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
        if (args.Length > 0 && args[0] == "demo")
        {
            Console.Error.WriteLine("slotgate: the demo is its own program: slotgate-demo [options] (scripts/demo.sh builds and runs it)");
            return 2;
        }
        return await RunAsync(args, new Dictionary<string, string?>(), RunProxyAsync).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the configuration from <paramref name="args"/> and the environment (with <paramref name="defaults"/> for
    /// variables the environment lacks), prints help or the errors, then runs <paramref name="run"/> until it returns
    /// or Ctrl-C stops it. The exit code: 0, 2 for a bad configuration, or what <paramref name="run"/> returns.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string?> defaults, Func<SlotgateOptions, CancellationToken, Task<int>> run)
    {
        var environment = new Dictionary<string, string?>(defaults);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value;
        }
        SlotgateConfigLoadResult config = SlotgateConfiguration.Load(args, environment);
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
            return await run(config.Options, stopping.Token).ConfigureAwait(false);
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
}
