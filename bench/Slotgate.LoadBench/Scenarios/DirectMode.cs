namespace Slotgate.LoadBench.Scenarios;

/// <summary>How the "direct" column of a scenario reaches Redis without the proxy.</summary>
internal enum DirectMode
{
    /// <summary><c>redis-benchmark --cluster</c> against one node: a cluster-aware client spreading over every primary.</summary>
    ClusterAware,

    /// <summary>
    /// Plain redis-benchmark against the primary that owns the scenario's single key: what a cluster-aware client does
    /// when every request names the same key. <c>--cluster</c> would not do: it gives each node its own hashtag, so
    /// "one key" would become one key per primary.
    /// </summary>
    SlotOwner,
}
