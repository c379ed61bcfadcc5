namespace Slotgate.Commands;

/// <summary>
/// A command's flags: the bits Redis reports in <c>COMMAND INFO</c>, declared in the order Redis lists them so the
/// reply can be rebuilt by walking the bits, followed by Slotgate's own classification bits (from bit 48 up) that
/// Redis does not report but the proxy needs to choose a connection kind.
/// </summary>
[Flags]
internal enum CommandFlags : ulong
{
    None = 0,

    // Redis's flags (COMMAND INFO element 3), in reply order.
    Write = 1UL << 0,
    ReadOnly = 1UL << 1,
    DenyOom = 1UL << 2,
    Module = 1UL << 3,
    Admin = 1UL << 4,
    PubSub = 1UL << 5,
    NoScript = 1UL << 6,
    Blocking = 1UL << 7,
    Loading = 1UL << 8,
    Stale = 1UL << 9,
    SkipMonitor = 1UL << 10,
    SkipSlowlog = 1UL << 11,
    Asking = 1UL << 12,
    Fast = 1UL << 13,
    NoAuth = 1UL << 14,
    MayReplicate = 1UL << 15,
    Sentinel = 1UL << 16,
    OnlySentinel = 1UL << 17,
    NoMandatoryKeys = 1UL << 18,
    Protected = 1UL << 19,
    ModuleGetKeys = 1UL << 20,
    ModuleNoCluster = 1UL << 21,
    NoAsyncLoading = 1UL << 22,
    NoMulti = 1UL << 23,
    MovableKeys = 1UL << 24,
    AllowBusy = 1UL << 25,
    ModuleGetChannels = 1UL << 26,
    TouchesArbitraryKeys = 1UL << 27,

    /// <summary>All bits Redis reports; everything above is Slotgate's.</summary>
    RedisMask = (1UL << 48) - 1,

    // Slotgate's classification bits: data for the router, derived from the command name and Redis's flags.

    /// <summary>MULTI, EXEC, DISCARD, WATCH, UNWATCH: they pin the client to one backend connection.</summary>
    Transaction = 1UL << 48,

    /// <summary>SUBSCRIBE and friends: they switch the client connection into subscribed mode.</summary>
    Subscription = 1UL << 49,

    /// <summary>
    /// May hold its connection for a while: Redis's <see cref="Blocking"/> commands (BLPOP, ..., which includes XREAD and
    /// XREADGROUP that block only with BLOCK) plus WAIT and WAITAOF, which Redis does not flag but which block too.
    /// </summary>
    MayBlock = 1UL << 50,
}
