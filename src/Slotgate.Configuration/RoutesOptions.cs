namespace Slotgate.Configuration;

/// <summary>Key-prefix routing over <see cref="SlotgateOptions.Upstreams"/>. Without prefixes or a catch-all, it is off.</summary>
internal sealed record RoutesOptions
{
    /// <summary>Match prefixes ignoring ASCII case.</summary>
    public bool CaseInsensitive { get; init; }

    public IReadOnlyList<PrefixRouteOptions> Prefixes { get; init; } = [];

    /// <summary>The route for keys no prefix matches; null means the main cluster, unchanged.</summary>
    public PrefixRouteOptions? CatchAll { get; init; }

    public bool IsEmpty => Prefixes.Count == 0 && CatchAll is null;
}
