using System.Diagnostics.CodeAnalysis;

namespace Slotgate.Configuration;

/// <summary>The outcome of <see cref="SlotgateConfiguration.Load"/>: options, or every error found, never a mix.</summary>
internal sealed record SlotgateConfigLoadResult
{
    /// <summary>The effective options; null when <see cref="Errors"/> is not empty.</summary>
    public SlotgateOptions? Options { get; init; }

    /// <summary>Every problem found, each starting with the option's path (e.g. <c>cluster.seeds[1]: ...</c>).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>
    /// Arguments that are not Slotgate options, in order: a subcommand word and whatever follows it that Slotgate did not
    /// recognise, plus anything after <c>--</c>. Left for the caller to interpret.
    /// </summary>
    public IReadOnlyList<string> RemainingArgs { get; init; } = [];

    /// <summary><c>--help</c> or <c>-h</c> was given. Callers should print <see cref="SlotgateConfiguration.HelpText"/> before looking at errors.</summary>
    public bool HelpRequested { get; init; }

    /// <summary>The configuration file read (full path), or null when none was given.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The subcommand word (first remaining argument), e.g. <c>demo</c>; null when slotgate should just run.</summary>
    public string? Command => RemainingArgs.Count > 0 ? RemainingArgs[0] : null;

    [MemberNotNullWhen(true, nameof(Options))]
    public bool Succeeded => Errors.Count == 0 && Options is not null;
}
