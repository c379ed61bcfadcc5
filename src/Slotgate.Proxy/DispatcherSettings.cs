using Slotgate.Protocol;

namespace Slotgate.Proxy;

/// <summary>
/// The limits and switches a <see cref="CommandDispatcher"/>'s sessions run with, taken from configuration once.
/// </summary>
/// <param name="Limits">Sizes a client's commands may have (limits.*).</param>
/// <param name="MaxPendingCommands">Commands of one client awaiting replies before it must wait (limits.maxPendingCommandsPerClient).</param>
internal sealed record DispatcherSettings(RespLimits Limits, int MaxPendingCommands)
{
    /// <summary>Commands refused by configuration (routing.disabledCommands), subcommands written with a space.</summary>
    public IReadOnlyList<string> DisabledCommands { get; init; } = [];

    /// <summary>DEBUG subcommands that act on whole nodes are sent to every primary (routing.allowDebug), not refused.</summary>
    public bool AllowDebug { get; init; }

    /// <summary>Bytes of published messages a subscriber may leave unread before it is closed (limits.pubsubOutputBufferLimit; 0: no limit).</summary>
    public long PubSubOutputBufferLimit { get; init; }

    /// <summary>Bytes of one client's commands awaiting replies before it must wait for earlier ones (limits.maxPendingBytesPerClient).</summary>
    public long MaxPendingBytesPerClient { get; init; } = long.MaxValue;

    /// <summary>Bytes of all clients' commands and unwritten replies before each client must wait for its earlier ones (limits.maxPendingBytes).</summary>
    public long MaxPendingBytes { get; init; } = long.MaxValue;

    /// <summary>Keys client-side caching's tracking table may hold before it forgets some, invalidating them (limits.trackingTableMaxKeys; 0: no limit).</summary>
    public long TrackingTableMaxKeys { get; init; } = 1_000_000;

    /// <summary>Sessions wake their reply writers inline (event loops) rather than through the thread pool.</summary>
    public bool InlineReplies { get; init; }
}
