using k8s;
using Microsoft.Extensions.Logging;
using Slotgate.Controller.Kubernetes;

// slotgate-controller: the Gateway API controller for Slotgate (docs/kubernetes.md, "Controller mode").
if (args is ["-h" or "--help"])
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}
(CommandLine? line, string? error) = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
if (line is null)
{
    Console.Error.WriteLine("slotgate-controller: " + error);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}
using ILoggerFactory loggers = LoggerFactory.Create(b => b.SetMinimumLevel(line.LogLevel).AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    o.UseUtcTimestamp = true;
}));
ILogger logger = loggers.CreateLogger("Slotgate.Controller");
KubernetesClientConfiguration config;
try
{
    (config, string source) = ClientConfig.Load(line.Kubeconfig, line.Context, Environment.GetEnvironmentVariable);
    Log.Configured(logger, config.Host, source, line.Options.Identity, line.Options.LeaseNamespace, line.Options.LeaseName);
}
catch (Exception e) when (e is InvalidOperationException or k8s.Exceptions.KubeConfigException or IOException)
{
    Console.Error.WriteLine("slotgate-controller: " + e.Message);
    return 1;
}
using var client = new Kubernetes(config);
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
// Kubernetes stops a pod with SIGTERM: stop reconciling, release the lease, then exit.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});
await ControllerHost.RunAsync(client, line.Options, loggers, stopping.Token).ConfigureAwait(false);
return 0;

internal partial class Program
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "API server {Host} from {Source}; identity {Identity}, lease {Namespace}/{Lease}")]
        public static partial void Configured(ILogger logger, string host, string source, string identity, string @namespace, string lease);
    }
}
