using Slotgate.Commands;

namespace Slotgate.Security;

/// <summary>
/// The users clients authenticate as, and the rules around authentication (auth.* options). With no users configured,
/// authentication is off and every client may do everything, as with a Redis that has no password.
/// </summary>
internal sealed class UserDirectory
{
    public const string DefaultUserName = "default";

    private readonly Dictionary<string, AclUser> _users;
    private readonly (IdentityPattern Pattern, AclUser User)[] _identities;

    public UserDirectory(IEnumerable<AclUser> users, bool allowPing = false, TimeSpan timeout = default, int maxFailuresPerMinute = 0, TimeProvider? time = null,
        IEnumerable<(IdentityPattern Pattern, AclUser User)>? identities = null)
    {
        _users = users.ToDictionary(u => u.Name, StringComparer.Ordinal);
        _identities = identities?.ToArray() ?? [];
        AllowPing = allowPing;
        Timeout = timeout;
        Failures = new AuthFailureLimiter(maxFailuresPerMinute, time ?? TimeProvider.System);
        // As in Redis: a default user with nopass authenticates every new connection by itself.
        InitialUser = _users.GetValueOrDefault(DefaultUserName) is { Enabled: true, NoPass: true } user ? user : null;
    }

    /// <summary>No users: nothing to check.</summary>
    public static UserDirectory None { get; } = new([]);

    public bool Enabled => _users.Count > 0;

    /// <summary>The user a new connection starts as, or null when it must authenticate first.</summary>
    public AclUser? InitialUser { get; }

    /// <summary>PING is answered before AUTH (for health checks that cannot authenticate).</summary>
    public bool AllowPing { get; }

    /// <summary>A connection still unauthenticated after this long is closed; zero for no limit.</summary>
    public TimeSpan Timeout { get; }

    public AuthFailureLimiter Failures { get; }

    public IEnumerable<string> Names => _users.Keys;

    public AclUser? Find(string name) => _users.GetValueOrDefault(name);

    /// <summary>
    /// Applies every user's rules to <paramref name="commands"/> again, after it changed: a learned command is covered
    /// by the categories it belongs to (<c>+@read</c>), and a command named before it was known takes effect. A user
    /// whose rules no longer apply (a named command gone) keeps what it had.
    /// </summary>
    public void Rebind(CommandTable commands)
    {
        foreach (AclUser user in _users.Values)
        {
            AclUser? rebuilt = AclRules.Build(user.Name, user.Rules, user.NoPass, user.Passwords, commands, [], deferUnknownCommands: true);
            if (rebuilt is not null)
            {
                user.Rebind(rebuilt);
            }
        }
    }

    /// <summary>
    /// The user a connection with this peer identity (PROXY v2 TLV 0xD0) is authenticated as: the first user, in
    /// configuration order, with a pattern that matches and that is not switched off; null when none.
    /// </summary>
    public AclUser? FindByIdentity(string? identity)
    {
        if (identity is null || _users.Count == 0)
        {
            return null;
        }
        foreach ((IdentityPattern pattern, AclUser user) in _identities)
        {
            if (user.Enabled && pattern.Matches(identity))
            {
                return user;
            }
        }
        return null;
    }

    /// <summary>The user that <paramref name="username"/> (null: <c>default</c>) and <paramref name="password"/> authenticate, or null.</summary>
    public AclUser? Authenticate(string? username, ReadOnlySpan<byte> password)
    {
        if (_users.TryGetValue(username ?? DefaultUserName, out AclUser? user) && user.CanAuthenticate(password))
        {
            return user;
        }
        return null;
    }
}
