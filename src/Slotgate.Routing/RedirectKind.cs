namespace Slotgate.Routing;

/// <summary>The cluster's ways of saying "not here": see the Redis Cluster specification, "Redirection and resharding".</summary>
internal enum RedirectKind
{
    None,

    /// <summary><c>-MOVED slot host:port</c>: the slot lives elsewhere now; update the map.</summary>
    Moved,

    /// <summary><c>-ASK slot host:port</c>: this one command, mid-migration, goes to the importing node after ASKING.</summary>
    Ask,

    /// <summary><c>-TRYAGAIN</c>: a multi-key command's keys are split by an ongoing migration; retry shortly.</summary>
    TryAgain,

    /// <summary>
    /// <c>-LOADING</c> (the node is loading its dataset) or <c>-BUSY</c> (a script runs past busy-reply-threshold):
    /// the node did not run the command, so it is retried like TRYAGAIN within the redirect budget.
    /// </summary>
    Busy,
}
