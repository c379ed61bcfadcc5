using System.Buffers;
using System.Text;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>COMMAND and its subcommands, answered from Slotgate's command table: the commands it knows and routes by.</summary>
internal sealed class CommandIntrospection(CommandTable commands)
{
    public void Execute(ProxyRequest request, LocalCommand id)
    {
        IBufferWriter<byte> reply = request.ReplyWriter;
        switch (id)
        {
            case LocalCommand.Command:
                CommandInfoWriter.WriteAll(reply, commands, resp3: false);
                break;
            case LocalCommand.CommandCount:
                RespWriter.WriteInteger(reply, commands.Count);
                break;
            case LocalCommand.CommandList:
                CommandList(request);
                break;
            case LocalCommand.CommandInfo:
                CommandInfoReply(request);
                break;
            case LocalCommand.CommandDocs:
                CommandDocsReply(request);
                break;
            case LocalCommand.CommandGetKeys:
                GetKeys(request, withFlags: false);
                break;
            case LocalCommand.CommandGetKeysAndFlags:
                GetKeys(request, withFlags: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(id), id, "Not a COMMAND subcommand.");
        }
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
    /// COMMAND DOCS [name...]: each command's doc map (as the cluster's nodes document it, or Slotgate's own entry for
    /// what they do not), for every command or for the names given, as a flat name/doc list; names without docs are
    /// left out, as Redis leaves out unknown names. Subcommands are answered by their full name ("client|list").
    /// </summary>
    private void CommandDocsReply(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        CommandDocs docs = commands.Docs;
        var found = new List<(string Name, byte[] Doc)>();
        if (frame.ArgCount == 2)
        {
            foreach (CommandInfo command in commands.Commands)
            {
                if (docs.Find(command.Name) is { } doc)
                {
                    found.Add((command.Name, doc));
                }
            }
        }
        for (int i = 2; i < frame.ArgCount; i++)
        {
            string name = Encoding.UTF8.GetString(frame.Arg(i)).ToLowerInvariant();
            if (commands.Find(name) is not null && docs.Find(name) is { } doc)
            {
                found.Add((name, doc));
            }
        }
        RespWriter.WriteArrayHeader(request.ReplyWriter, found.Count * 2);
        foreach ((string name, byte[] doc) in found)
        {
            RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(name));
            RespWriter.WriteRaw(request.ReplyWriter, doc);
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
                AclCategories? category = Security.AclRules.Category(Encoding.UTF8.GetString(frame.Arg(4)));
                keep = c => category is { } wanted && (c.AclCategories & wanted) != 0;
            }
            else if (Ascii.EqualsIgnoreCase(kind, "PATTERN"u8))
            {
                // Redis matches the pattern without regard to case; command names are lower case here.
                byte[] pattern = frame.Arg(4).ToArray();
                Ascii.ToLowerInPlace(pattern, out _);
                keep = c => Security.GlobPattern.Matches(pattern, Encoding.UTF8.GetBytes(c.Name.ToLowerInvariant()));
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
        WriteNames(request.ReplyWriter, names);
    }

    /// <summary>
    /// COMMAND GETKEYS / GETKEYSANDFLAGS command [arg...]: the keys (with their key-spec flags), with Redis's checks in
    /// Redis's order: unknown command, a command without keys, then the command's own arity.
    /// </summary>
    private void GetKeys(ProxyRequest request, bool withFlags)
    {
        RequestFrame inner = InnerCommand(request.Frame, 2);
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
            WriteKeyFlags(reply, flags[i]);
        }
    }

    /// <summary>A key's flags as GETKEYSANDFLAGS lists them: their names, as simple strings.</summary>
    private static void WriteKeyFlags(IBufferWriter<byte> reply, KeySpecFlags flags)
    {
        int named = 0;
        foreach ((KeySpecFlags flag, _) in CommandMetadataNames.KeySpecFlagNames)
        {
            named += (flags & flag) != 0 ? 1 : 0;
        }
        RespWriter.WriteArrayHeader(reply, named);
        foreach ((KeySpecFlags flag, string name) in CommandMetadataNames.KeySpecFlagNames)
        {
            if ((flags & flag) != 0)
            {
                RespWriter.WriteSimpleString(reply, Encoding.ASCII.GetBytes(name));
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

    /// <summary>The command a DRYRUN or GETKEYS asks about: the arguments from <paramref name="first"/> on.</summary>
    public static RequestFrame InnerCommand(RequestFrame frame, int first)
    {
        var inner = new RequestFrame();
        inner.Begin(frame.ArgCount - first);
        for (int i = first; i < frame.ArgCount; i++)
        {
            inner.AppendArg(frame.Arg(i));
        }
        return inner;
    }

    /// <summary>An array of bulk strings, as ACL CAT and COMMAND LIST answer.</summary>
    public static void WriteNames(IBufferWriter<byte> reply, List<string> names)
    {
        RespWriter.WriteArrayHeader(reply, names.Count);
        foreach (string name in names)
        {
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(name));
        }
    }
}
