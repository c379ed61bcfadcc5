namespace Slotgate.Configuration;

/// <summary>One prefix route (or the catch-all route, whose prefix is empty), with Envoy redis_proxy's semantics.</summary>
internal sealed record PrefixRouteOptions
{
    /// <summary>Keys starting with this go to <see cref="Upstream"/>; the longest matching prefix wins.</summary>
    public string Prefix { get; init; } = string.Empty;

    public string Upstream { get; init; } = UpstreamOptions.DefaultName;

    /// <summary>Strip the prefix from the key before sending it.</summary>
    public bool RemovePrefix { get; init; }

    /// <summary>Rewrites the key: every <c>%KEY%</c> is replaced by it (after the prefix is removed), e.g. <c>{%KEY%}</c>.</summary>
    public string? KeyFormatter { get; init; }

    /// <summary>Read-only commands go to this upstream instead (Envoy's <c>read_command_policy</c>).</summary>
    public string? ReadUpstream { get; init; }

    public IReadOnlyList<MirrorOptions> Mirrors { get; init; } = [];
}
