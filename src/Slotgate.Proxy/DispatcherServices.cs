using Slotgate.Commands;
using Slotgate.Diagnostics;
using Slotgate.Faults;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// The shared parts a <see cref="CommandDispatcher"/> hands commands to and records into, built once by the host.
/// The optional ones default to off: no authentication, no metrics, no access log, no faults, no prefix routes.
/// </summary>
internal sealed record DispatcherServices(CommandTable Commands, Router Router, LocalCommands Local, BlockingCommands Blocking, PubSubService PubSub)
{
    /// <summary>The users clients authenticate as; <see cref="UserDirectory.None"/> when authentication is off.</summary>
    public UserDirectory Users { get; init; } = UserDirectory.None;

    /// <summary>Counters and slow log the sessions record into.</summary>
    public SlotgateMetrics Metrics { get; init; } = SlotgateMetrics.Unobserved;

    /// <summary>The access log (logging.accessLog); null when off.</summary>
    public AccessLog? AccessLog { get; init; }

    /// <summary>Injected faults (faults); null when none are configured.</summary>
    public FaultInjector? Faults { get; init; }

    /// <summary>Where the shared parts log (client-side caching's node connections).</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Key prefixes sent to other upstreams or rewritten (routes); null when there are none.</summary>
    public PrefixRouting? PrefixRouting { get; init; }
}
