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

    /// <summary>
    /// An OTLP/HTTP (protobuf) collector to push the metrics to, e.g. <c>http://otel-collector:4318</c> (<c>/v1/metrics</c>
    /// is added when the URL has no path). Off when not set; <c>/metrics</c> works either way.
    /// </summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>How often the metrics are pushed to <see cref="OtlpEndpoint"/>.</summary>
    public TimeSpan OtlpInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Identities (SPIFFE IDs or patterns) commands are counted by in <c>/metrics</c> and INFO; any other identity
    /// counts as <c>other</c>, a connection without one as <c>none</c>. A list, so the label set stays bounded.
    /// </summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    /// <summary>The collector URL the exporter posts to, or null when OTLP is off.</summary>
    public Uri? OtlpMetricsUri =>
        OtlpEndpoint is { Length: > 0 } text && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
            ? uri.AbsolutePath is "" or "/" ? new Uri(uri, "/v1/metrics") : uri
            : null;
}
