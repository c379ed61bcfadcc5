using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Runs <c>lead</c> only while this replica holds the coordination.k8s.io/v1 Lease (KubernetesClient's
/// <see cref="LeaderElector"/> with a <see cref="LeaseLock"/>): of several replicas exactly one reconciles, and when it
/// stops renewing another takes over once the lease has run out. Losing the lease cancels <c>lead</c>; acquiring it
/// again starts a fresh run (new caches), never two at once.
/// </summary>
internal sealed partial class LeaderElection(IKubernetes client, ControllerOptions options, ILogger logger)
{
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken stopping)
    {
        var leaseLock = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        var gate = new object();
        CancellationTokenSource? term = null;
        Task leading = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            lock (gate)
            {
                Log.Leading(logger, options.Identity, options.LeaseNamespace, options.LeaseName);
                var previous = leading;
                term = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                CancellationToken token = term.Token;
                leading = Task.Run(async () =>
                {
                    await previous.ConfigureAwait(false);
                    await lead(token).ConfigureAwait(false);
                }, CancellationToken.None);
            }
        };
        elector.OnStoppedLeading += () =>
        {
            lock (gate)
            {
                Log.StoppedLeading(logger, options.Identity);
                term?.Cancel();
            }
        };
        elector.OnNewLeader += leader => Log.NewLeader(logger, leader);
        elector.OnError += e => Log.ElectionError(logger, e.Message);
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            lock (gate)
            {
                term?.Cancel();
            }
            await leading.ConfigureAwait(false);
            term?.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Information, "{Identity} leads (Lease {Namespace}/{Name}); starting to reconcile")]
        public static partial void Leading(ILogger logger, string identity, string @namespace, string name);

        [LoggerMessage(401, LogLevel.Warning, "{Identity} lost the lease; reconciling stopped")]
        public static partial void StoppedLeading(ILogger logger, string identity);

        [LoggerMessage(402, LogLevel.Information, "the leader is {Leader}")]
        public static partial void NewLeader(ILogger logger, string leader);

        [LoggerMessage(403, LogLevel.Debug, "leader election: {Error}")]
        public static partial void ElectionError(ILogger logger, string error);
    }
}
