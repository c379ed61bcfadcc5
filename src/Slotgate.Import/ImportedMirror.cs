namespace Slotgate.Import;

/// <summary>A request_mirror_policy entry; <see cref="Upstream"/> is an Envoy cluster name until resolved.</summary>
internal sealed class ImportedMirror
{
    public string? Upstream { get; set; }

    public double Percent { get; init; } = 100;

    public bool ExcludeReads { get; init; }
}
