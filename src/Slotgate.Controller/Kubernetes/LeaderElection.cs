using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Runs <c>lead</c> only while this replica holds the coordination.k8s.io/v1 Lease (KubernetesClient's
/// <see cref="LeaderElector"/> with a <see cref="LeaseLock"/>): of several replicas exactly one reconciles, and when it
/// stops renewing another takes over once the lease has run out. Losing the lease cancels <c>lead</c>; acquiring it
/// again starts a fresh run (new caches), never two at once. A clean stop releases the lease.
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
            bool led;
            lock (gate)
            {
                led = term is not null;
                term?.Cancel();
            }
            await leading.ConfigureAwait(false);
            term?.Dispose();
            if (led && options.ReleaseOnStop)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// On a clean stop the leader gives the Lease up (no holder, a one-second duration), so a standby takes over at
    /// its next retry instead of waiting out the lease. Reconciling has already stopped by then.
    /// </summary>
    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            V1Lease lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token)
                .ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }
            // Empty, not absent: candidates treat an empty holder as free to take at once, where a missing one
            // makes them try to create the Lease again.
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token)
                .ConfigureAwait(false);
            Log.Released(logger, options.Identity);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            // The lease then simply runs out.
            Log.ElectionError(logger, "releasing the lease failed: " + e.Message);
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

        [LoggerMessage(404, LogLevel.Information, "{Identity} released the lease")]
        public static partial void Released(ILogger logger, string identity);

        [LoggerMessage(403, LogLevel.Debug, "leader election: {Error}")]
        public static partial void ElectionError(ILogger logger, string error);
    }
}
