using System.Buffers;
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
/// Dispatched on <see cref="CommandInfo.Local"/>, the id the command table gives each of them, one family per file:
/// connection, authentication and ACL, CLIENT, COMMAND, server information; CLUSTER is <see cref="ClusterEmulation"/>.
/// </summary>
internal sealed partial class LocalCommands
{
    private readonly CommandTable _commands;
    private readonly ServerIdentity _identity;
    private readonly TopologyRefresher _topology;
    private readonly ClusterEmulation _cluster;
    private readonly PubSubService _pubSub;
    private readonly Diagnostics.SlotgateMetrics _metrics;
    private readonly UserDirectory _users;

    public LocalCommands(CommandTable commands, ServerIdentity identity, TopologyRefresher topology, ClusterEmulation cluster, PubSubService pubSub, Diagnostics.SlotgateMetrics metrics, UserDirectory users)
    {
        _commands = commands;
        _identity = identity;
        _topology = topology;
        _cluster = cluster;
        _pubSub = pubSub;
        _metrics = metrics;
        _users = users;
    }

    /// <summary>Answers <paramref name="command"/>, which the route table says Slotgate answers itself.</summary>
    public void Execute(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        switch (command.Local)
        {
            case >= LocalCommand.FirstConnection and <= LocalCommand.LastConnection:
                Connection(session, request, command);
                break;
            case >= LocalCommand.FirstAccess and <= LocalCommand.LastAccess:
                Access(session, request, command);
                break;
            case >= LocalCommand.FirstClient and <= LocalCommand.LastClient:
                Client(session, request, command);
                break;
            case >= LocalCommand.FirstCommand and <= LocalCommand.LastCommand:
                CommandMetadata(request, command);
                break;
            case >= LocalCommand.FirstCluster and <= LocalCommand.LastCluster:
                _cluster.Execute(session, request, command);
                break;
            case >= LocalCommand.FirstServer and <= LocalCommand.LastServer:
                Server(request, command);
                break;
            default:
                NotAnswered(request, command);
                break;
        }
    }

    /// <summary>A command routed here that no family answers (CLIENT HELP, COMMAND HELP): an error naming it.</summary>
    private static void NotAnswered(ProxyRequest request, CommandInfo command) =>
        request.SetError($"ERR Slotgate: {command.Name.ToUpperInvariant().Replace('|', ' ')} is not answered by Slotgate");

    /// <summary>The command a DRYRUN or GETKEYS asks about: the arguments from <paramref name="first"/> on.</summary>
    private static RequestFrame InnerCommand(RequestFrame frame, int first)
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
    private static void WriteNames(IBufferWriter<byte> reply, List<string> names)
    {
        RespWriter.WriteArrayHeader(reply, names.Count);
        foreach (string name in names)
        {
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(name));
        }
    }
}
