namespace Slotgate.Configuration;

/// <summary>A copy of a route's commands sent to another upstream, whose replies and failures the client never sees.</summary>
internal sealed record MirrorOptions
{
    public string Upstream { get; init; } = string.Empty;

    /// <summary>Share of the route's commands copied, 0 to 100.</summary>
    public double Percent { get; init; } = 100;

    /// <summary>Copy writes only (Envoy's <c>exclude_read_commands</c>).</summary>
    public bool ExcludeReads { get; init; }
}
