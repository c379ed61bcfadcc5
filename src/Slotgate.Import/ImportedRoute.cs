namespace Slotgate.Import;

/// <summary>A prefix (or catch-all) route as read from Envoy; <see cref="Upstream"/> is an Envoy cluster name until resolved.</summary>
internal sealed class ImportedRoute
{
    public string Prefix { get; init; } = string.Empty;

    public string? Upstream { get; set; }

    public bool RemovePrefix { get; init; }

    public string? KeyFormatter { get; set; }

    public string? ReadUpstream { get; set; }

    public List<ImportedMirror> Mirrors { get; } = [];

    /// <summary>Where the route was in the Envoy input, for notes.</summary>
    public string Path { get; init; } = string.Empty;
}
