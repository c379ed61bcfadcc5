using Slotgate.Commands;
using Slotgate.Protocol;

namespace Slotgate.Security;

/// <summary>
/// One user Slotgate authenticates clients as, with what it may do: which commands (from Redis ACL rules such as
/// <c>+@read -@dangerous -flushall</c>), which keys (<c>~app1:*</c>) and which pub/sub channels (<c>&amp;app1:*</c>).
/// Immutable once built, except that its command permissions are replaced as a whole when the command table changes
/// (<see cref="Rebind"/>); checked on every command of a client authenticated as this user, so a user allowed
/// everything (<see cref="Unrestricted"/>) costs a read and three tests.
/// </summary>
internal sealed class AclUser
{
    private volatile CommandPermissions _commands;
    private readonly byte[][]? _keyPatterns;
    private readonly byte[][]? _channelPatterns;

    public AclUser(string name, bool enabled, bool noPass, PasswordSet passwords, HashSet<CommandInfo> allowed, bool allCommands, byte[][]? keyPatterns, byte[][]? channelPatterns)
    {
        Name = name;
        Enabled = enabled;
        NoPass = noPass;
        Passwords = passwords;
        _commands = new CommandPermissions(allowed, allCommands);
        _keyPatterns = keyPatterns;
        _channelPatterns = channelPatterns;
    }

    /// <summary>The ACL rules this user was built from (null: allowed everything), kept to apply them to a new table.</summary>
    public string? Rules { get; init; }

    public string Name { get; }

    /// <summary>False for a user switched <c>off</c>: it cannot authenticate, as in Redis.</summary>
    public bool Enabled { get; }

    /// <summary>Any password (or none) authenticates as this user; a <c>default</c> user with nopass needs no AUTH.</summary>
    public bool NoPass { get; }

    public PasswordSet Passwords { get; }

    /// <summary>Every command is allowed (<c>+@all</c> and nothing taken away after it).</summary>
    public bool AllCommands => _commands.All;

    /// <summary>All commands, all keys, all channels: no check is needed per command.</summary>
    public bool Unrestricted => _commands.All && _keyPatterns is null && _channelPatterns is null;

    /// <summary>
    /// Takes the command permissions of <paramref name="rebuilt"/>, this user's rules applied to a newer command table
    /// (one learned from the cluster): sessions already authenticated as this user see them on their next command.
    /// </summary>
    public void Rebind(AclUser rebuilt)
    {
        ArgumentNullException.ThrowIfNull(rebuilt);
        _commands = rebuilt._commands;
    }

    public bool CanAuthenticate(ReadOnlySpan<byte> password) => Enabled && (NoPass || Passwords.Verify(password));

    /// <summary>
    /// Redis's <c>-NOPERM</c> error for <paramref name="command"/> as sent in <paramref name="frame"/>, or null when
    /// this user may run it. Checks in Redis's order: the command, then its keys, then its channels.
    /// </summary>
    public string? Check(CommandInfo command, RequestFrame frame)
    {
        if ((command.Flags & CommandFlags.NoAuth) != 0)
        {
            // AUTH, HELLO, QUIT, RESET: always allowed, as Redis allows them to every user.
            return null;
        }
        CommandPermissions permissions = _commands;
        if (!permissions.All && !permissions.Allowed.Contains(command))
        {
            return $"NOPERM this user has no permissions to run the '{command.Name}' command";
        }
        if (_keyPatterns is not null && !KeysAllowed(command, frame))
        {
            return "NOPERM this user has no permissions to access one of the keys used as arguments";
        }
        if (_channelPatterns is not null && !ChannelsAllowed(command, frame))
        {
            return "NOPERM this user has no permissions to access one of the channels used as arguments";
        }
        return null;
    }

    public bool CanAccessKey(ReadOnlySpan<byte> key) => _keyPatterns is null || MatchesAny(_keyPatterns, key);

    public bool CanAccessChannel(ReadOnlySpan<byte> channel) => _channelPatterns is null || MatchesAny(_channelPatterns, channel);

    /// <summary>
    /// A PSUBSCRIBE pattern is allowed only when it is literally one of the user's channel patterns (Redis 7's rule:
    /// a pattern could match channels the user may not read, so it is not glob-matched).
    /// </summary>
    public bool CanSubscribePattern(ReadOnlySpan<byte> pattern)
    {
        if (_channelPatterns is null)
        {
            return true;
        }
        foreach (byte[] allowed in _channelPatterns)
        {
            if (pattern.SequenceEqual(allowed))
            {
                return true;
            }
        }
        return false;
    }

    private bool KeysAllowed(CommandInfo command, RequestFrame frame)
    {
        Span<int> keys = stackalloc int[64];
        int count = command.FindKeys(frame, keys);
        if (count > keys.Length)
        {
            keys = new int[count];
            count = command.FindKeys(frame, keys);
        }
        for (int i = 0; i < count; i++)
        {
            if (!MatchesAny(_keyPatterns!, frame.Arg(keys[i])))
            {
                return false;
            }
        }
        return true;
    }

    private bool ChannelsAllowed(CommandInfo command, RequestFrame frame)
    {
        switch (command.Name)
        {
            case "publish":
            case "spublish":
                return CanAccessChannel(frame.Arg(1));
            case "subscribe":
            case "ssubscribe":
                for (int i = 1; i < frame.ArgCount; i++)
                {
                    if (!CanAccessChannel(frame.Arg(i)))
                    {
                        return false;
                    }
                }
                return true;
            case "psubscribe":
                for (int i = 1; i < frame.ArgCount; i++)
                {
                    if (!CanSubscribePattern(frame.Arg(i)))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    private static bool MatchesAny(byte[][] patterns, ReadOnlySpan<byte> value)
    {
        foreach (byte[] pattern in patterns)
        {
            if (GlobPattern.Matches(pattern, value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The commands a user may run, replaced as a whole when the table changes.</summary>
    private sealed record CommandPermissions(HashSet<CommandInfo> Allowed, bool All);
}
