namespace Slotgate.Configuration;

/// <summary>
/// Client authentication (<c>auth</c>). With no users, authentication is off: every client may run every command, as
/// with a Redis that has no password. With users, a client must AUTH (or HELLO ... AUTH) before anything else.
/// </summary>
internal sealed record AuthOptions
{
    public IReadOnlyList<UserOptions> Users { get; init; } = [];

    /// <summary>Answer PING before AUTH, for health checks that cannot authenticate. Redis refuses it; so does the default.</summary>
    public bool AllowPing { get; init; }

    /// <summary>A connection that has not authenticated within this time is closed; <c>0s</c> for no limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed authentications per client address per minute before its attempts are refused for the rest of the minute; 0 for no limit.</summary>
    public int MaxFailuresPerMinute { get; init; } = 10;
}
