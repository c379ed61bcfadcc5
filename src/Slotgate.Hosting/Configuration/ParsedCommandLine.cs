namespace Slotgate.Configuration;

/// <summary>What <see cref="CommandLineParser"/> made of the arguments.</summary>
internal sealed record ParsedCommandLine
{
    public required IReadOnlyList<ConfigEntry> Entries { get; init; }

    public string? ConfigFile { get; init; }

    public bool HelpRequested { get; init; }

    public required IReadOnlyList<string> RemainingArgs { get; init; }

    public required IReadOnlyList<string> Errors { get; init; }
}
