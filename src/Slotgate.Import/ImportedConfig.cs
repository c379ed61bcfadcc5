namespace Slotgate.Import;

/// <summary>
/// The Slotgate settings an Envoy configuration maps to, filled in by <see cref="EnvoyImporter"/> and written by
/// <see cref="ImportedConfigWriter"/>. Null means "not set in the Envoy input": the Slotgate default applies and the
/// key is left out of the output, so the file says only what the Envoy configuration said.
/// </summary>
internal sealed class ImportedConfig
{
    public List<string> Listen { get; } = [];

    public List<string> Seeds { get; } = [];

    public TimeSpan? RefreshInterval { get; set; }

    public TimeSpan? RefreshMinInterval { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public TimeSpan? ConnectTimeout { get; set; }

    public TimeSpan? OperationTimeout { get; set; }

    public int? MaxRedirects { get; set; }

    public string? ReadFrom { get; set; }

    public List<string> CustomCommands { get; } = [];

    public List<ImportedFault> Faults { get; } = [];

    public List<ImportedUser> Users { get; } = [];

    public List<ImportedUpstream> Upstreams { get; } = [];

    public bool CaseInsensitive { get; set; }

    public List<ImportedRoute> Routes { get; } = [];

    public ImportedRoute? CatchAll { get; set; }

    /// <summary>Fields not carried over, each with its reason; also written at the top of the output as comments.</summary>
    public List<ImportNote> Notes { get; } = [];
}
