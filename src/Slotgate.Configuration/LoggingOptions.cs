namespace Slotgate.Configuration;

/// <summary>Log verbosity and format.</summary>
internal sealed record LoggingOptions
{
    /// <summary>The level names of Microsoft.Extensions.Logging, lowest to highest.</summary>
    public static IReadOnlyList<string> Levels { get; } = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    /// <summary>Minimum level written; one of <see cref="Levels"/> (the loader normalises the casing).</summary>
    public string LogLevel { get; init; } = "Information";

    /// <summary>One JSON object per line, for log collectors; plain console text otherwise.</summary>
    public bool Json { get; init; }
}
