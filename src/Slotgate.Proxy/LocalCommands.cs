using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// Commands Slotgate answers itself, the way a single Redis node would: the client talks to "one server", so
/// connection-level commands (PING, ECHO, SELECT 0, HELLO, CLIENT SETNAME...) and server metadata (COMMAND, INFO)
/// describe Slotgate and the session, not whichever node a forwarded copy would reach.
/// </summary>
internal sealed class LocalCommands(CommandTable commands, ServerIdentity identity, TopologyRefresher topology, ClusterEmulation cluster, PubSubService pubSub, Diagnostics.SlotgateMetrics metrics, UserDirectory users)
{
    private const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    public void Execute(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        RequestFrame frame = request.Frame;
        IBufferWriter<byte> reply = request.ReplyWriter;
        switch (command.Name.ToUpperInvariant())
        {
            case "PING":
                if (frame.ArgCount == 1)
                {
                    reply.Write("+PONG\r\n"u8);
                }
                else
                {
                    RespWriter.WriteBulkString(reply, frame.Arg(1));
                }
                break;
            case "ECHO":
                RespWriter.WriteBulkString(reply, frame.Arg(1));
                break;
            case "QUIT":
                reply.Write("+OK\r\n"u8);
                session.CloseAfter(request);
                break;
            case "SELECT":
                if (!Utf8Parser.TryParse(frame.Arg(1), out long db, out int used) || used != frame.Arg(1).Length)
                {
                    request.SetError("ERR value is not an integer or out of range");
                }
                else if (db != 0)
                {
                    // Redis Cluster has only database 0 and says so in these words.
                    request.SetError("ERR SELECT is not allowed in cluster mode");
                }
                else
                {
                    reply.Write("+OK\r\n"u8);
                }
                break;
            case "READONLY":
            case "READWRITE":
            case "ASKING":
                reply.Write("+OK\r\n"u8);
                break;
            case "RESET":
                session.Info.Name = null;
                session.SignOut();
                reply.Write("+RESET\r\n"u8);
                break;
            case "AUTH":
                Auth(session, request);
                break;
            case "HELLO":
                Hello(session, request);
                break;
            case "ACL|WHOAMI":
                RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(session.Info.User));
                break;
            case "ACL|USERS":
                string[] names = users.Enabled ? [.. users.Names.Order(StringComparer.Ordinal)] : [UserDirectory.DefaultUserName];
                RespWriter.WriteArrayHeader(reply, names.Length);
                foreach (string user in names)
                {
                    RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(user));
                }
                break;
            case "ACL|CAT":
                AclCategory(request);
                break;
            case "ACL|DRYRUN":
                AclDryRun(request);
                break;
            case "CLIENT|SETNAME":
                SetName(session, request, frame.Arg(2));
                break;
            case "CLIENT|GETNAME":
                if (session.Info.Name is { } name)
                {
                    RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(name));
                }
                else if (session.Info.Resp3)
                {
                    RespWriter.WriteNull(reply);
                }
                else
                {
                    RespWriter.WriteNullBulk(reply);
                }
                break;
            case "CLIENT|ID":
                RespWriter.WriteInteger(reply, session.Info.Id);
                break;
            case "CLIENT|SETINFO":
                SetInfo(session, request);
                break;
            case "CLIENT|INFO":
                RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(ClientIntrospection.Line(session) + "\n"));
                break;
            case "CLIENT|LIST":
                ClientIntrospection.List(session, request);
                break;
            case "CLIENT|KILL":
                ClientIntrospection.Kill(session, request);
                break;
            case "SLOWLOG|GET":
            case "SLOWLOG|LEN":
            case "SLOWLOG|RESET":
            case "SLOWLOG|HELP":
                SlowLogCommand.Execute(metrics.SlowLog, request, command.Name);
                break;
            case "CLIENT|NO-EVICT":
            case "CLIENT|NO-TOUCH":
                reply.Write("+OK\r\n"u8);
                break;
            case "COMMAND":
                CommandInfoWriter.WriteAll(reply, commands, resp3: false);
                break;
            case "COMMAND|COUNT":
                RespWriter.WriteInteger(reply, commands.Count);
                break;
            case "COMMAND|LIST":
                CommandList(request);
                break;
            case "COMMAND|INFO":
                CommandInfoReply(request);
                break;
            case "CLUSTER|INFO":
            case "CLUSTER|SLOTS":
            case "CLUSTER|SHARDS":
            case "CLUSTER|NODES":
            case "CLUSTER|MYID":
            case "CLUSTER|KEYSLOT":
                cluster.Execute(session, request, command.Name);
                break;
            case "PUBSUB|NUMPAT":
                RespWriter.WriteInteger(reply, pubSub.PatternCount);
                break;
            case "CONFIG|GET":
                // Slotgate exposes no Redis configuration parameters: the empty list Redis gives for unknown names.
                // Clients and tools probe CONFIG GET on connect (redis-benchmark, StackExchange.Redis) and carry on.
                RespWriter.WriteArrayHeader(reply, 0);
                break;
            case "COMMAND|DOCS":
                // Documentation is not carried in the built-in table; an empty map is what Redis gives for unknown names.
                RespWriter.WriteArrayHeader(reply, 0);
                break;
            case "COMMAND|GETKEYS":
                GetKeys(request, withFlags: false);
                break;
            case "COMMAND|GETKEYSANDFLAGS":
                GetKeys(request, withFlags: true);
                break;
            default:
                request.SetError($"ERR Slotgate: {command.Name.ToUpperInvariant().Replace('|', ' ')} is not answered by Slotgate");
                break;
        }
    }

    /// <summary>
    /// INFO: Slotgate's own server, clients, replication and cluster sections. When the keyspace section is asked for,
    /// children are added that fetch each primary's keyspace to be summed.
    /// </summary>
    public void Info(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        var sections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < frame.ArgCount; i++)
        {
            sections.Add(Encoding.UTF8.GetString(frame.Arg(i)));
        }
        // As in Redis: commandstats and latencystats only when named or with "all"/"everything", not by default;
        // Slotgate's identities section likewise.
        bool everything = sections.Contains("all") || sections.Contains("everything");
        bool all = sections.Count == 0 || sections.Contains("default") || everything;
        var text = new StringBuilder();
        if (all || sections.Contains("server"))
        {
            text.Append("# Server\r\n")
                .Append(CultureInfo.InvariantCulture, $"redis_version:{ServerIdentity.RedisVersion}\r\n")
                .Append("redis_mode:standalone\r\n")
                .Append(CultureInfo.InvariantCulture, $"proxy:slotgate\r\nslotgate_version:{identity.Version}\r\n")
                .Append(CultureInfo.InvariantCulture, $"os:{Environment.OSVersion}\r\narch_bits:{IntPtr.Size * 8}\r\n")
                .Append(CultureInfo.InvariantCulture, $"process_id:{Environment.ProcessId}\r\n")
                .Append(CultureInfo.InvariantCulture, $"run_id:{identity.RunId}\r\n")
                .Append(CultureInfo.InvariantCulture, $"tcp_port:{identity.Port}\r\n")
                .Append(CultureInfo.InvariantCulture, $"uptime_in_seconds:{(long)identity.Uptime.TotalSeconds}\r\n")
                .Append(CultureInfo.InvariantCulture, $"uptime_in_days:{(long)identity.Uptime.TotalDays}\r\n\r\n");
        }
        if (all || sections.Contains("clients"))
        {
            text.Append("# Clients\r\n")
                .Append(CultureInfo.InvariantCulture, $"connected_clients:{identity.ConnectedClients}\r\n\r\n");
        }
        if (all || sections.Contains("proxy"))
        {
            InfoSections.Proxy(text, metrics, identity, topology.Current);
        }
        // Redis's order: memory and stats (gathered from the primaries) come between these and replication; then
        // commandstats, latencystats, cluster and keyspace last.
        var suffix = new StringBuilder();
        if (all || sections.Contains("replication"))
        {
            suffix.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        }
        if (everything || sections.Contains("commandstats"))
        {
            InfoSections.CommandStats(suffix, metrics.Commands);
        }
        if (everything || sections.Contains("latencystats"))
        {
            InfoSections.LatencyStats(suffix, metrics.Commands);
        }
        if (everything || sections.Contains("identities"))
        {
            InfoSections.Identities(suffix, metrics.Identities);
        }
        if (all || sections.Contains("cluster"))
        {
            SlotMap map = topology.Current;
            suffix.Append("# Cluster\r\ncluster_enabled:0\r\n")
                .Append(CultureInfo.InvariantCulture, $"slotgate_shards:{map.Shards.Count}\r\n")
                .Append(CultureInfo.InvariantCulture, $"slotgate_slots_covered:{map.CoveredSlots}\r\n\r\n");
        }
        // Memory, Stats and Keyspace describe the data: gathered from every primary and added up (Stats' counts of
        // connections, commands and errors are Slotgate's own).
        var gathered = InfoAggregator.Sections.Where(section => all || sections.Contains(section)).ToList();
        if (gathered.Count > 0 && topology.Current.Shards.Count > 0)
        {
            request.InfoPrefix = text.ToString();
            request.InfoSuffix = suffix.ToString();
            request.InfoStats = InfoSections.OwnStats(metrics);
            request.InfoKeyspace = gathered.Contains("keyspace");
            request.Merge = MergeKind.Info;
            foreach (Shard shard in topology.Current.Shards)
            {
                ProxyRequest child = request.Pool.Rent();
                child.Frame.Begin(gathered.Count + 1);
                child.Frame.AppendArg("INFO"u8);
                foreach (string section in gathered)
                {
                    child.Frame.AppendArg(Encoding.ASCII.GetBytes(section));
                }
                child.Target = shard.Primary.Endpoint;
                request.AddChild(child);
            }
            return;
        }
        text.Append(suffix);
        if (gathered.Contains("keyspace"))
        {
            text.Append("# Keyspace\r\n\r\n");
        }
        InfoAggregator.TrimLastBlankLine(text);
        RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(text.ToString()));
    }

    private void Hello(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        int i = 1;
        if (frame.ArgCount > 1)
        {
            if (!Utf8Parser.TryParse(frame.Arg(1), out int version, out int used) || used != frame.Arg(1).Length)
            {
                request.SetError("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (version is not (2 or 3))
            {
                // Redis's own reply for an unknown protocol version.
                request.SetError("NOPROTO sorry, this protocol version is not supported.");
                return;
            }
            i = 2;
        }
        string? newName = null;
        for (; i < frame.ArgCount; i++)
        {
            ReadOnlySpan<byte> option = frame.Arg(i);
            if (Ascii.EqualsIgnoreCase(option, "SETNAME"u8) && i + 1 < frame.ArgCount)
            {
                if (!TryValidateName(frame.Arg(i + 1), out string? error))
                {
                    request.SetError(error!);
                    return;
                }
                newName = Encoding.UTF8.GetString(frame.Arg(++i));
            }
            else if (Ascii.EqualsIgnoreCase(option, "AUTH"u8) && i + 2 < frame.ArgCount)
            {
                if (TrySignIn(session, Encoding.UTF8.GetString(frame.Arg(i + 1)), frame.Arg(i + 2)) is { } error)
                {
                    request.SetError(error);
                    return;
                }
                i += 2;
            }
            else
            {
                request.SetError($"ERR Syntax error in HELLO option '{Encoding.UTF8.GetString(option)}'");
                return;
            }
        }
        if (!session.Authenticated)
        {
            request.SetError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        // The name and protocol change only once every option was accepted (and the client is authenticated), as in Redis.
        if (newName is not null)
        {
            session.Info.Name = newName;
        }
        if (frame.ArgCount > 1)
        {
            session.Info.Resp3 = frame.Arg(1)[0] == (byte)'3';
        }
        IBufferWriter<byte> reply = request.ReplyWriter;
        if (session.Info.Resp3)
        {
            RespWriter.WriteMapHeader(reply, 7);
        }
        else
        {
            RespWriter.WriteArrayHeader(reply, 14);
        }
        RespWriter.WriteBulkString(reply, "server"u8);
        RespWriter.WriteBulkString(reply, "redis"u8);
        RespWriter.WriteBulkString(reply, "version"u8);
        RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(ServerIdentity.RedisVersion));
        RespWriter.WriteBulkString(reply, "proto"u8);
        RespWriter.WriteInteger(reply, session.Info.Resp3 ? 3 : 2);
        RespWriter.WriteBulkString(reply, "id"u8);
        RespWriter.WriteInteger(reply, session.Info.Id);
        RespWriter.WriteBulkString(reply, "mode"u8);
        RespWriter.WriteBulkString(reply, "standalone"u8);
        RespWriter.WriteBulkString(reply, "role"u8);
        RespWriter.WriteBulkString(reply, "master"u8);
        RespWriter.WriteBulkString(reply, "modules"u8);
        RespWriter.WriteArrayHeader(reply, 0);
    }

    /// <summary>AUTH password, or AUTH username password, with Redis's replies.</summary>
    private void Auth(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        if (frame.ArgCount > 3)
        {
            request.SetError("ERR syntax error");
            return;
        }
        string? username = frame.ArgCount == 3 ? Encoding.UTF8.GetString(frame.Arg(1)) : null;
        if (!users.Enabled && username is null)
        {
            metrics.AuthFailed("client");
            request.SetError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        if (TrySignIn(session, username, frame.Arg(frame.ArgCount - 1)) is { } error)
        {
            request.SetError(error);
            return;
        }
        request.ReplyWriter.Write("+OK\r\n"u8);
    }

    /// <summary>Authenticates the session; null on success, else the error to reply.</summary>
    private string? TrySignIn(ClientSession session, string? username, ReadOnlySpan<byte> password)
    {
        if (!users.Enabled)
        {
            // Like a Redis without ACL users: the default user has nopass, any password works for it.
            if (username is null or UserDirectory.DefaultUserName)
            {
                return null;
            }
            metrics.AuthFailed("client");
            return WrongPass;
        }
        string address = session.Info.RemoteAddress;
        TimeSpan wait = users.Failures.RetryAfter(address);
        if (wait > TimeSpan.Zero)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"ERR Slotgate: too many failed authentication attempts from {address}; try again in {Math.Ceiling(wait.TotalSeconds)}s (auth.maxFailuresPerMinute)");
        }
        if (users.Authenticate(username, password) is not { } user)
        {
            metrics.AuthFailed("client");
            users.Failures.RecordFailure(address);
            return WrongPass;
        }
        session.SignIn(user);
        return null;
    }

    /// <summary>ACL CAT: the categories, or the commands in one (lower case, subcommands as container|sub).</summary>
    private void AclCategory(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        IBufferWriter<byte> reply = request.ReplyWriter;
        if (frame.ArgCount == 2)
        {
            string[] all = [.. AclRules.CategoryNames];
            RespWriter.WriteArrayHeader(reply, all.Length);
            foreach (string name in all)
            {
                RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(name));
            }
            return;
        }
        if (AclRules.Category(Encoding.UTF8.GetString(frame.Arg(2))) is not { } category)
        {
            request.SetError($"ERR Unknown category '{Encoding.UTF8.GetString(frame.Arg(2))}'");
            return;
        }
        var names = new List<string>();
        foreach (CommandInfo command in commands.Commands)
        {
            foreach (CommandInfo each in (ReadOnlySpan<CommandInfo>)[command, .. command.Subcommands])
            {
                if ((each.AclCategories & category) != 0)
                {
                    names.Add(each.Name);
                }
            }
        }
        RespWriter.WriteArrayHeader(reply, names.Count);
        foreach (string name in names)
        {
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(name));
        }
    }

    /// <summary>ACL DRYRUN username command [arg...]: whether that user could run it, without running it.</summary>
    private void AclDryRun(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        string name = Encoding.UTF8.GetString(frame.Arg(2));
        AclUser? user = users.Find(name);
        if (user is null && !(name == UserDirectory.DefaultUserName && !users.Enabled))
        {
            request.SetError($"ERR User '{name}' not found");
            return;
        }
        var inner = new RequestFrame();
        inner.Begin(frame.ArgCount - 3);
        for (int i = 3; i < frame.ArgCount; i++)
        {
            inner.AppendArg(frame.Arg(i));
        }
        CommandInfo? command = commands.Find(inner);
        if (command is null || (command.HasSubcommands && inner.ArgCount >= 2))
        {
            request.SetError($"ERR Command '{Encoding.UTF8.GetString(frame.Arg(3))}' not found");
            return;
        }
        if (!command.HasValidArity(inner.ArgCount))
        {
            request.SetError($"ERR wrong number of arguments for '{command.Name}' command");
            return;
        }
        string? denied = user?.Check(command, inner);
        if (denied is null)
        {
            request.ReplyWriter.Write("+OK\r\n"u8);
        }
        else
        {
            // Redis answers a bulk string describing the denial (capitalised), not an error.
            string reason = denied["NOPERM ".Length..];
            RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(char.ToUpperInvariant(reason[0]) + reason[1..]));
        }
    }

    private static void SetName(ClientSession session, ProxyRequest request, ReadOnlySpan<byte> name)
    {
        if (!TryValidateName(name, out string? error))
        {
            request.SetError(error!);
            return;
        }
        session.Info.Name = name.IsEmpty ? null : Encoding.UTF8.GetString(name);
        request.ReplyWriter.Write("+OK\r\n"u8);
    }

    /// <summary>Redis refuses client names with spaces, newlines or other special characters.</summary>
    private static bool TryValidateName(ReadOnlySpan<byte> name, out string? error)
    {
        foreach (byte b in name)
        {
            if (b < '!' || b > '~')
            {
                error = "ERR Client names cannot contain spaces, newlines or special characters.";
                return false;
            }
        }
        error = null;
        return true;
    }

    private static void SetInfo(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        ReadOnlySpan<byte> attribute = frame.Arg(2);
        string value = Encoding.UTF8.GetString(frame.Arg(3));
        if (Ascii.EqualsIgnoreCase(attribute, "LIB-NAME"u8))
        {
            session.Info.LibraryName = value;
        }
        else if (Ascii.EqualsIgnoreCase(attribute, "LIB-VER"u8))
        {
            session.Info.LibraryVersion = value;
        }
        else
        {
            request.SetError($"ERR Unrecognized option '{Encoding.UTF8.GetString(attribute)}'");
            return;
        }
        request.ReplyWriter.Write("+OK\r\n"u8);
    }

    private void CommandInfoReply(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        if (frame.ArgCount == 2)
        {
            CommandInfoWriter.WriteAll(request.ReplyWriter, commands, resp3: false);
            return;
        }
        RespWriter.WriteArrayHeader(request.ReplyWriter, frame.ArgCount - 2);
        for (int i = 2; i < frame.ArgCount; i++)
        {
            if (commands.Find(frame.Arg(i)) is { } command)
            {
                CommandInfoWriter.WriteCommandInfo(request.ReplyWriter, command, resp3: false);
            }
            else
            {
                CommandInfoWriter.WriteUnknown(request.ReplyWriter, resp3: false);
            }
        }
    }

    /// <summary>
    /// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: every command and subcommand (as
    /// container|sub), lower case, as Redis lists them. Slotgate knows no module names, so a MODULE filter matches
    /// nothing, as on a Redis without that module; an unknown category matches nothing too.
    /// </summary>
    private void CommandList(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        Func<CommandInfo, bool> keep = _ => true;
        if (frame.ArgCount != 2)
        {
            if (frame.ArgCount != 5 || !Ascii.EqualsIgnoreCase(frame.Arg(2), "FILTERBY"u8))
            {
                request.SetError("ERR syntax error");
                return;
            }
            ReadOnlySpan<byte> kind = frame.Arg(3);
            if (Ascii.EqualsIgnoreCase(kind, "MODULE"u8))
            {
                keep = _ => false;
            }
            else if (Ascii.EqualsIgnoreCase(kind, "ACLCAT"u8))
            {
                AclCategories? category = AclRules.Category(Encoding.UTF8.GetString(frame.Arg(4)));
                keep = c => category is { } wanted && (c.AclCategories & wanted) != 0;
            }
            else if (Ascii.EqualsIgnoreCase(kind, "PATTERN"u8))
            {
                // Redis matches the pattern without regard to case; command names are lower case here.
                byte[] pattern = frame.Arg(4).ToArray();
                Ascii.ToLowerInPlace(pattern, out _);
                keep = c => GlobPattern.Matches(pattern, Encoding.UTF8.GetBytes(c.Name.ToLowerInvariant()));
            }
            else
            {
                request.SetError("ERR syntax error");
                return;
            }
        }
        var names = new List<string>();
        foreach (CommandInfo command in commands.Commands)
        {
            foreach (CommandInfo each in (ReadOnlySpan<CommandInfo>)[command, .. command.Subcommands])
            {
                if (keep(each))
                {
                    names.Add(each.Name.ToLowerInvariant());
                }
            }
        }
        RespWriter.WriteArrayHeader(request.ReplyWriter, names.Count);
        foreach (string name in names)
        {
            RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(name));
        }
    }

    /// <summary>
    /// COMMAND GETKEYS / GETKEYSANDFLAGS command [arg...]: the keys (with their key-spec flags), with Redis's checks in
    /// Redis's order: unknown command, a command without keys, then the command's own arity.
    /// </summary>
    private void GetKeys(ProxyRequest request, bool withFlags)
    {
        RequestFrame frame = request.Frame;
        var inner = new RequestFrame();
        inner.Begin(frame.ArgCount - 2);
        for (int i = 2; i < frame.ArgCount; i++)
        {
            inner.AppendArg(frame.Arg(i));
        }
        CommandInfo? command = commands.Find(inner);
        if (command is null || (command.HasSubcommands && inner.ArgCount >= 2))
        {
            request.SetError("ERR Invalid command specified");
            return;
        }
        if (!HasKeys(command))
        {
            request.SetError("ERR The command has no key arguments");
            return;
        }
        if (!command.HasValidArity(inner.ArgCount))
        {
            request.SetError("ERR Invalid number of arguments specified for command");
            return;
        }
        int[] keys = new int[inner.ArgCount];
        var flags = new KeySpecFlags[inner.ArgCount];
        int count = withFlags ? KeyFinder.FindKeysAndFlags(command, inner, keys, flags) : command.FindKeys(inner, keys);
        IBufferWriter<byte> reply = request.ReplyWriter;
        if (count <= 0)
        {
            // Redis: no keys found is an empty list for commands whose keys are optional (EVAL script 0), else an error.
            if ((command.Flags & CommandFlags.NoMandatoryKeys) != 0)
            {
                RespWriter.WriteArrayHeader(reply, 0);
            }
            else
            {
                request.SetError("ERR Invalid arguments specified for command");
            }
            return;
        }
        RespWriter.WriteArrayHeader(reply, count);
        for (int i = 0; i < count; i++)
        {
            if (!withFlags)
            {
                RespWriter.WriteBulkString(reply, inner.Arg(keys[i]));
                continue;
            }
            RespWriter.WriteArrayHeader(reply, 2);
            RespWriter.WriteBulkString(reply, inner.Arg(keys[i]));
            int named = 0;
            foreach ((KeySpecFlags flag, _) in CommandMetadataNames.KeySpecFlagNames)
            {
                named += (flags[i] & flag) != 0 ? 1 : 0;
            }
            RespWriter.WriteArrayHeader(reply, named);
            foreach ((KeySpecFlags flag, string name) in CommandMetadataNames.KeySpecFlagNames)
            {
                if ((flags[i] & flag) != 0)
                {
                    RespWriter.WriteSimpleString(reply, Encoding.ASCII.GetBytes(name));
                }
            }
        }
    }

    /// <summary>Redis's test: a key finder of its own, or at least one key spec that names real keys (not not_key).</summary>
    private static bool HasKeys(CommandInfo command)
    {
        if (command.SpecialKeyFinder != SpecialKeyFinder.None)
        {
            return true;
        }
        foreach (KeySpec spec in command.KeySpecs)
        {
            if ((spec.Flags & KeySpecFlags.NotKey) == 0)
            {
                return true;
            }
        }
        return false;
    }
}
