namespace Slotgate.Configuration;

/// <summary>Bounds on what one client may send, protecting the proxy's memory. Defaults are Redis's own where Redis has one.</summary>
internal sealed record LimitsOptions
{
    /// <summary>Redis's <c>proto-max-bulk-len</c> default: 512 MB.</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>Arguments in one multibulk command. Redis allows far more; 1M is generous for any real command.</summary>
    public int MaxArguments { get; init; } = 1024 * 1024;

    /// <summary>Redis's <c>PROTO_INLINE_MAX_SIZE</c>: 64 KB for an inline command line or a multibulk header line.</summary>
    public int MaxInlineLength { get; init; } = 64 * 1024;

    /// <summary>
    /// Pipelined commands awaiting replies per client before the proxy stops reading from that client, so one fast
    /// writer cannot queue unbounded work; TCP flow control then pushes back on the client.
    /// </summary>
    public int MaxPendingCommandsPerClient { get; init; } = 10_000;

    /// <summary>
    /// Clients that may wait in a blocking command (BLPOP, XREAD BLOCK, ...) at once. Each holds a backend connection
    /// of its own for as long as it blocks; past the limit the command is refused with a clear error.
    /// </summary>
    public int MaxBlockedClients { get; init; } = 1_000;

    /// <summary>
    /// Client connections at once; Redis's <c>maxclients</c> default. Past it a new client gets Redis's
    /// <c>-ERR max number of clients reached</c> and is closed.
    /// </summary>
    public int MaxClients { get; init; } = 10_000;

    /// <summary>
    /// A client that sends nothing for this long is closed silently, as with Redis's <c>timeout</c>; zero (the default,
    /// as Redis's <c>timeout 0</c>) never closes. Subscribed and blocked clients are exempt, as in Redis.
    /// </summary>
    public TimeSpan ClientIdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Client connections from one IP address at once; 0 for no limit (the default: many clients may share a NAT or node address).</summary>
    public int MaxClientsPerAddress { get; init; }

    /// <summary>
    /// Bytes of one client's commands read but not yet answered. Past it, the client's next command waits until its
    /// earlier ones are answered (one command alone always proceeds), so a pipeline of large writes cannot fill memory.
    /// </summary>
    public long MaxPendingBytesPerClient { get; init; } = 128L * 1024 * 1024;

    /// <summary>The same bound over all clients together: past it, every client's next command waits for its earlier ones.</summary>
    public long MaxPendingBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Published messages buffered for one subscriber that does not read them; past it the subscriber is closed, as
    /// Redis closes it at its <c>client-output-buffer-limit pubsub</c> hard limit (32mb). 0 for no limit.
    /// </summary>
    public long PubSubOutputBufferLimit { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Keys client-side caching's tracking table may hold (the keys tracking clients read through Slotgate); past it
    /// Slotgate forgets keys, sending their invalidations first, as Redis does at <c>tracking-table-max-keys</c>. 0 for no limit.
    /// </summary>
    public int TrackingTableMaxKeys { get; init; } = 1_000_000;
}
