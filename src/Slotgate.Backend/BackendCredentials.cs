namespace Slotgate.Backend;

/// <summary>
/// The username and password every backend connection sends with AUTH, read once per connection at connect time.
/// They can change while Slotgate runs (a rotated Kubernetes Secret): <see cref="Update"/> swaps both at once, so a
/// connection never pairs a new username with an old password; connections already open keep working, as Redis
/// keeps an authenticated connection authenticated after a password change.
/// </summary>
internal sealed class BackendCredentials
{
    private Pair _current;

    public BackendCredentials(string? username = null, string? password = null)
    {
        _current = new Pair(username, password);
        HasPassword = password is { Length: > 0 };
    }

    public static BackendCredentials None { get; } = new();

    /// <summary>
    /// Whether connections start with AUTH. Fixed for the process's life (a password file may change, never vanish),
    /// because subscribers count the handshake replies they must skip.
    /// </summary>
    public bool HasPassword { get; }

    /// <summary>The credentials to use for a connection opened now.</summary>
    public (string? Username, string? Password) Current
    {
        get
        {
            Pair pair = Volatile.Read(ref _current);
            return (pair.Username, pair.Password);
        }
    }

    /// <summary>Makes connections opened from now on use these credentials. A password cannot be removed, only replaced.</summary>
    public void Update(string? username, string? password)
    {
        if (HasPassword && password is not { Length: > 0 })
        {
            throw new ArgumentException("the password cannot become empty", nameof(password));
        }
        Volatile.Write(ref _current, new Pair(username, password));
    }

    /// <summary>The AUTH command's arguments, or null when no password is configured.</summary>
    public string[]? AuthArguments()
    {
        (string? username, string? password) = Current;
        if (password is not { Length: > 0 })
        {
            return null;
        }
        return username is { Length: > 0 } ? ["AUTH", username, password] : ["AUTH", password];
    }

    // Never printed with the secret: a BackendSettings record that holds this shows no password in logs.
    public override string ToString() => HasPassword ? $"user {Current.Username ?? "default"}, password ***" : "none";

    private sealed record Pair(string? Username, string? Password)
    {
        public override string ToString() => "***";
    }
}
