namespace Slotgate.Configuration;

/// <summary>The admin HTTP endpoint: health, readiness, metrics, topology, config, clients and the dashboard.</summary>
internal sealed record AdminOptions
{
    /// <summary>Values of <see cref="Listen"/> that turn the endpoint off.</summary>
    public static IReadOnlyList<string> OffValues { get; } = ["off", "none", "false", "disabled"];

    /// <summary>
    /// <c>host:port</c> of the admin endpoint; loopback by default so nothing is exposed unless asked. Empty or
    /// <c>off</c> disables it.
    /// </summary>
    public string Listen { get; init; } = "127.0.0.1:9090";

    /// <summary>With <see cref="Password"/>: HTTP Basic authentication for every path but /healthz and /readyz.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>A bearer token accepted instead of (or as well as) the username and password.</summary>
    public string? Token { get; init; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Listen) && !OffValues.Contains(Listen.Trim(), StringComparer.OrdinalIgnoreCase);
}
