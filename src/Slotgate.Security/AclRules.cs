using System.Text;
using Slotgate.Commands;

namespace Slotgate.Security;

/// <summary>
/// Builds an <see cref="AclUser"/> from Redis ACL rules, a useful subset of <c>ACL SETUSER</c>'s syntax, applied left to
/// right as Redis applies them: <c>on</c>/<c>off</c>; <c>+cmd</c>, <c>-cmd</c>, <c>+cmd|sub</c>, <c>+@category</c>,
/// <c>-@category</c>, <c>allcommands</c>, <c>nocommands</c>; <c>~pattern</c>, <c>allkeys</c>, <c>resetkeys</c>;
/// <c>&amp;pattern</c>, <c>allchannels</c>, <c>resetchannels</c>; <c>reset</c>. As in Redis, rules start from nothing
/// allowed; a user configured without rules is allowed everything (<see cref="AllowEverything"/>).
/// Passwords are not part of the rules: they come from their own options so they can be kept in files and masked.
/// </summary>
internal static class AclRules
{
    public const string AllowEverything = "on allcommands allkeys allchannels";

    private static readonly Dictionary<string, AclCategories> Categories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["keyspace"] = AclCategories.Keyspace,
        ["read"] = AclCategories.Read,
        ["write"] = AclCategories.Write,
        ["set"] = AclCategories.Set,
        ["sortedset"] = AclCategories.SortedSet,
        ["list"] = AclCategories.List,
        ["hash"] = AclCategories.Hash,
        ["string"] = AclCategories.String,
        ["bitmap"] = AclCategories.Bitmap,
        ["hyperloglog"] = AclCategories.HyperLogLog,
        ["geo"] = AclCategories.Geo,
        ["stream"] = AclCategories.Stream,
        ["pubsub"] = AclCategories.PubSub,
        ["admin"] = AclCategories.Admin,
        ["fast"] = AclCategories.Fast,
        ["slow"] = AclCategories.Slow,
        ["blocking"] = AclCategories.Blocking,
        ["dangerous"] = AclCategories.Dangerous,
        ["connection"] = AclCategories.Connection,
        ["transaction"] = AclCategories.Transaction,
        ["scripting"] = AclCategories.Scripting,
    };

    /// <summary>The category names a rule may use (<c>@all</c> besides these).</summary>
    public static IEnumerable<string> CategoryNames => Categories.Keys;

    public static AclCategories? Category(string name) => Categories.TryGetValue(name, out AclCategories category) ? category : null;

    /// <summary>Builds the user, or returns null with every problem in <paramref name="errors"/>.</summary>
    /// <param name="deferUnknownCommands">
    /// Accept a rule naming a command the table does not know (<c>+hexpire</c> before the cluster's commands are learned):
    /// it allows nothing until a learned table has the command and the user is rebuilt on it (<see cref="UserDirectory.Rebind"/>).
    /// </param>
    public static AclUser? Build(string name, string? rules, bool noPass, PasswordSet passwords, CommandTable commands, List<string> errors,
        bool deferUnknownCommands = false)
    {
        List<CommandInfo> leaves = Leaves(commands);
        var allowed = new HashSet<CommandInfo>(ReferenceEqualityComparer.Instance);
        bool enabled = true;
        List<byte[]> keys = [];
        List<byte[]> channels = [];
        bool allKeys = false;
        bool allChannels = false;
        int before = errors.Count;
        foreach (string rule in (rules ?? AllowEverything).Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            string lower = rule.ToLowerInvariant();
            switch (lower)
            {
                case "on":
                    enabled = true;
                    continue;
                case "off":
                    enabled = false;
                    continue;
                case "allcommands":
                case "+@all":
                    allowed.UnionWith(leaves);
                    continue;
                case "nocommands":
                case "-@all":
                    allowed.Clear();
                    continue;
                case "allkeys":
                case "~*":
                    allKeys = true;
                    keys.Clear();
                    continue;
                case "resetkeys":
                    allKeys = false;
                    keys.Clear();
                    continue;
                case "allchannels":
                case "&*":
                    allChannels = true;
                    channels.Clear();
                    continue;
                case "resetchannels":
                    allChannels = false;
                    channels.Clear();
                    continue;
                case "reset":
                    allowed.Clear();
                    (allKeys, allChannels, enabled) = (false, false, false);
                    keys.Clear();
                    channels.Clear();
                    continue;
            }
            switch (rule[0])
            {
                case '~' when !allKeys:
                    keys.Add(Encoding.UTF8.GetBytes(rule[1..]));
                    break;
                case '&' when !allChannels:
                    channels.Add(Encoding.UTF8.GetBytes(rule[1..]));
                    break;
                case '~':
                case '&':
                    // Redis refuses a pattern after allkeys/allchannels: it would be meaningless.
                    errors.Add($"'{rule}': adding a pattern after the * pattern (or 'all{(rule[0] == '~' ? "keys" : "channels")}') is not valid");
                    break;
                case '+' or '-' when rule.Length > 2 && rule[1] == '@':
                    if (Categories.TryGetValue(rule[2..], out AclCategories category))
                    {
                        Apply(allowed, leaves.Where(c => (c.AclCategories & category) != 0), rule[0] == '+');
                    }
                    else
                    {
                        errors.Add($"'{rule}': unknown command category '{rule[2..]}' (known: all, {string.Join(", ", Categories.Keys)})");
                    }
                    break;
                case '+' or '-' when rule.Length > 1:
                    if (Resolve(commands, rule[1..]) is { } matched)
                    {
                        Apply(allowed, matched, rule[0] == '+');
                    }
                    else if (!deferUnknownCommands || !IsCommandName(rule[1..]))
                    {
                        errors.Add($"'{rule}': unknown command '{rule[1..]}'");
                    }
                    break;
                default:
                    errors.Add($"'{rule}': not an ACL rule Slotgate understands (passwords go in passwords/passwordFiles/passwordHashes, not in rules)");
                    break;
            }
        }
        if (errors.Count != before)
        {
            return null;
        }
        return new AclUser(name, enabled, noPass, passwords, allowed,
            allCommands: allowed.Count == leaves.Count,
            keyPatterns: allKeys ? null : [.. keys],
            channelPatterns: allChannels ? null : [.. channels])
        {
            Rules = rules,
        };
    }

    /// <summary>What a command or subcommand name may look like: letters, digits, '.', '-', '_', one '|' at most.</summary>
    private static bool IsCommandName(string name) =>
        name.Length is > 0 and <= 64 && name.Count(c => c == '|') <= 1 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '|');

    private static void Apply(HashSet<CommandInfo> allowed, IEnumerable<CommandInfo> commands, bool allow)
    {
        if (allow)
        {
            allowed.UnionWith(commands);
        }
        else
        {
            allowed.ExceptWith(commands);
        }
    }

    /// <summary><c>config</c> means the container and all its subcommands; <c>config|get</c> just that one.</summary>
    private static List<CommandInfo>? Resolve(CommandTable commands, string name)
    {
        CommandInfo? command = commands.Find(name.ToLowerInvariant());
        if (command is null)
        {
            return null;
        }
        return [command, .. command.Subcommands.ToArray()];
    }

    /// <summary>Every command and subcommand the dispatcher can look up: what permissions are decided for.</summary>
    private static List<CommandInfo> Leaves(CommandTable commands)
    {
        var leaves = new List<CommandInfo>();
        foreach (CommandInfo command in commands.Commands)
        {
            leaves.Add(command);
            leaves.AddRange(command.Subcommands.ToArray());
        }
        return leaves;
    }
}
