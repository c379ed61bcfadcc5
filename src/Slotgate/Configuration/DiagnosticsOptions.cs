namespace Slotgate.Configuration;

/// <summary>The slow log and the access log.</summary>
internal sealed record DiagnosticsOptions
{
    /// <summary>Commands taking at least this long (read to reply ready) enter SLOWLOG; Redis's default, 10 ms.</summary>
    public TimeSpan SlowlogThreshold { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Entries SLOWLOG keeps (Redis's slowlog-max-len default); 0 keeps none.</summary>
    public int SlowlogMaxLength { get; init; } = 128;

    /// <summary>One Information line per sampled command (client, command, key count, result, time); no values.</summary>
    public bool AccessLog { get; init; }

    /// <summary>Fraction of commands the access log writes, 0..1.</summary>
    public double AccessLogSampleRate { get; init; } = 0.01;

    /// <summary>Also log the command's arguments, each truncated to 32 bytes. Off by default: arguments hold values.</summary>
    public bool AccessLogArguments { get; init; }
}
