using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// Authentication and ACL over Slotgate's own users (auth.users): AUTH, HELLO (which can authenticate too), and the
/// ACL subcommands that only read: WHOAMI, USERS, CAT, DRYRUN.
/// </summary>
internal sealed class AuthCommands(CommandTable commands, Diagnostics.SlotgateMetrics metrics, UserDirectory users)
{
    private const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    /// <summary>ACL WHOAMI: the user the session is signed in as.</summary>
    public static void WhoAmI(ClientSession session, ProxyRequest request) =>
        RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(session.Info.User));

    /// <summary>ACL USERS: the configured users by name, or only the default user when authentication is off.</summary>
    public void Users(ProxyRequest request)
    {
        string[] names = users.Enabled ? [.. users.Names.Order(StringComparer.Ordinal)] : [UserDirectory.DefaultUserName];
        RespWriter.WriteArrayHeader(request.ReplyWriter, names.Length);
        foreach (string user in names)
        {
            RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(user));
        }
    }

    /// <summary>HELLO [protover [AUTH username password] [SETNAME name]]: switches RESP version, signs in, names the client.</summary>
    public void Hello(ClientSession session, ProxyRequest request)
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
                if (!ClientCommands.TryValidateName(frame.Arg(i + 1), out string? error))
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
        WriteHello(session, request.ReplyWriter);
    }

    /// <summary>HELLO's reply: a standalone Redis of the version Slotgate presents, as a map in RESP3.</summary>
    private static void WriteHello(ClientSession session, IBufferWriter<byte> reply)
    {
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
    public void Auth(ClientSession session, ProxyRequest request)
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
    public void Category(ProxyRequest request)
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
        CommandIntrospection.WriteNames(reply, names);
    }

    /// <summary>ACL DRYRUN username command [arg...]: whether that user could run it, without running it.</summary>
    public void DryRun(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        string name = Encoding.UTF8.GetString(frame.Arg(2));
        AclUser? user = users.Find(name);
        if (user is null && !(name == UserDirectory.DefaultUserName && !users.Enabled))
        {
            request.SetError($"ERR User '{name}' not found");
            return;
        }
        RequestFrame inner = CommandIntrospection.InnerCommand(frame, 3);
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
}
