using k8s;
using Microsoft.Extensions.Logging;

namespace Slotgate.Controller.Kubernetes;

/// <summary>Runs the controller: under leader election (each term with fresh caches), or alone when election is off.</summary>
internal static partial class ControllerHost
{
    public static Task RunAsync(IKubernetes client, ControllerOptions options, ILoggerFactory loggers, CancellationToken stopping)
    {
        ILogger logger = loggers.CreateLogger("Slotgate.Controller");
        async Task Lead(CancellationToken term)
        {
            try
            {
                using var controller = new GatewayController(client, options, loggers);
                await controller.RunAsync(term).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never take the election loop down with a term: the next term starts over.
                Log.TermFailed(logger, e);
            }
        }
        return options.LeaderElection ? new LeaderElection(client, options, logger).RunAsync(Lead, stopping) : Lead(stopping);
    }

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Error, "the controller stopped with an error")]
        public static partial void TermFailed(ILogger logger, Exception error);
    }
}
