namespace Slotgate.Configuration;

/// <summary>How redirections are followed on the client's behalf.</summary>
internal sealed record RoutingOptions
{
    public const int MaxMaxRedirects = 100;

    /// <summary>
    /// MOVED/ASK/TRYAGAIN replies followed for one command before the client sees the error. Bounded because a cluster in
    /// the middle of a botched migration can bounce a command between two nodes forever.
    /// </summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>Pause before retrying after TRYAGAIN, which Redis sends while a multi-key command's keys are mid-migration.</summary>
    public TimeSpan TryAgainDelay { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Commands refused for everyone (e.g. FLUSHALL, FLUSHDB, KEYS on a shared cluster), by name or as
    /// <c>CONTAINER|SUBCOMMAND</c> / <c>"CONTAINER SUBCOMMAND"</c>. Empty by default.
    /// </summary>
    public IReadOnlyList<string> DisabledCommands { get; init; } = [];

    /// <summary>
    /// Extra single-key commands (module commands such as <c>JSON.GET</c>, <c>BF.ADD</c>) routed by their first argument
    /// after the name, for commands the built-in table does not know. Empty by default.
    /// </summary>
    public IReadOnlyList<string> CustomCommands { get; init; } = [];

    /// <summary>
    /// Whether the DEBUG subcommands that act on whole nodes (SLEEP, RELOAD, SET-ACTIVE-EXPIRE, SEGFAULT, ...) are sent
    /// to every primary. False by default: through a proxy shared by many applications one client's DEBUG SLEEP would
    /// stall all of them. DEBUG subcommands that look at one key (OBJECT, SDSLEN, ...) and DEBUG DIGEST always work where
    /// the nodes allow DEBUG (Redis's enable-debug-command).
    /// </summary>
    public bool AllowDebug { get; init; }

    /// <summary>The read policies, as Envoy's redis_proxy names them (kebab case).</summary>
    public static IReadOnlyList<string> ReadPolicies { get; } = ["primary", "prefer-primary", "replica", "prefer-replica", "any"];

    /// <summary>
    /// Where read-only commands go: <c>primary</c> (default), <c>prefer-primary</c> (a replica only while the primary is
    /// down), <c>replica</c> (replicas only), <c>prefer-replica</c> (the primary only while no replica is up), <c>any</c>.
    /// Writes always go to the primary.
    /// </summary>
    public string ReadFrom { get; init; } = "primary";

    /// <summary>
    /// How long a command for a shard whose primary is unreachable may wait for the cluster to promote a replica before
    /// failing. Zero (the default) fails at once with an error naming the node. Only commands that were never written
    /// to the dead node wait, so nothing is applied twice.
    /// </summary>
    public TimeSpan FailoverWait { get; init; } = TimeSpan.Zero;
}
