using Slotgate.Controller.Runtime;

namespace Slotgate.Controller.Kubernetes;

/// <summary>How <see cref="GatewayController"/> and its leader election run; defaults suit a cluster, tests shorten them.</summary>
internal sealed record ControllerOptions
{
    /// <summary>Every object is reconciled again this often even without a change: a safety net, not the mechanism.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Keys reconciled at once; one key is never reconciled by two workers at a time.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>A key that failed is retried after this, doubling per consecutive failure up to <see cref="MaxRetry"/>.</summary>
    public TimeSpan InitialRetry { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromMinutes(2);

    public InformerOptions Informers { get; init; } = new();

    /// <summary>The field manager of every server-side apply and status write.</summary>
    public string FieldManager { get; init; } = "slotgate-controller";

    /// <summary>Whether to elect a leader through a Lease (off: this process reconciles on its own).</summary>
    public bool LeaderElection { get; init; } = true;

    public string LeaseName { get; init; } = "slotgate-controller";

    /// <summary>The Lease's namespace: the controller's own (POD_NAMESPACE or the service account's namespace file).</summary>
    public string LeaseNamespace { get; init; } = "slotgate-system";

    /// <summary>This replica's name in the Lease: the pod name (HOSTNAME).</summary>
    public string Identity { get; init; } = Environment.MachineName;

    /// <summary>A leader that does not renew within this is replaced.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up leading if it cannot renew within this (less than <see cref="LeaseDuration"/>).</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Give the Lease up on a clean stop, so a standby need not wait for it to run out.</summary>
    public bool ReleaseOnStop { get; init; } = true;

    /// <summary>How often candidates try to acquire and the leader renews.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
