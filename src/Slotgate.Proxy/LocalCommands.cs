using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// Commands Slotgate answers itself, the way a single Redis node would: the client talks to "one server", so
/// connection-level commands (PING, ECHO, SELECT 0, HELLO, CLIENT SETNAME...) and server metadata (COMMAND, INFO)
/// describe Slotgate and the session, not whichever node a forwarded copy would reach.
/// Dispatched on <see cref="CommandInfo.Local"/>, the id the command table gives each of them by name, to one type per
/// family: <see cref="ConnectionCommands"/>, <see cref="AuthCommands"/>, <see cref="ClientCommands"/>,
/// <see cref="CommandIntrospection"/>, <see cref="ClusterEmulation"/> and <see cref="ServerInfoCommands"/>.
/// </summary>
internal sealed class LocalCommands
{
    private readonly AuthCommands _auth;
    private readonly CommandIntrospection _commandTable;
    private readonly ClusterEmulation _cluster;
    private readonly ServerInfoCommands _server;

    public LocalCommands(CommandTable commands, ServerIdentity identity, TopologyRefresher topology, ClusterEmulation cluster, PubSubService pubSub, Diagnostics.SlotgateMetrics metrics, UserDirectory users)
    {
        _auth = new AuthCommands(commands, metrics, users);
        _commandTable = new CommandIntrospection(commands);
        _cluster = cluster;
        _server = new ServerInfoCommands(identity, topology, pubSub, metrics);
    }

    /// <summary>Answers <paramref name="command"/>, which the route table says Slotgate answers itself.</summary>
    public void Execute(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        switch (command.Local)
        {
            case LocalCommand.Ping:
                ConnectionCommands.Ping(request);
                break;
            case LocalCommand.Echo:
                ConnectionCommands.Echo(request);
                break;
            case LocalCommand.Quit:
                ConnectionCommands.Quit(session, request);
                break;
            case LocalCommand.Select:
                ConnectionCommands.Select(request);
                break;
            case LocalCommand.ReadOnly or LocalCommand.ReadWrite or LocalCommand.Asking:
            case LocalCommand.ClientNoEvict or LocalCommand.ClientNoTouch:
                // Cluster handshakes (Slotgate picks nodes and connections itself) and client modes with no effect on a proxy.
                ConnectionCommands.Ok(request);
                break;
            case LocalCommand.Reset:
                ConnectionCommands.Reset(session, request);
                break;
            case LocalCommand.Monitor:
                ConnectionCommands.Monitor(session, request);
                break;

            case LocalCommand.Auth:
                _auth.Auth(session, request);
                break;
            case LocalCommand.Hello:
                _auth.Hello(session, request);
                break;
            case LocalCommand.AclWhoAmI:
                AuthCommands.WhoAmI(session, request);
                break;
            case LocalCommand.AclUsers:
                _auth.Users(request);
                break;
            case LocalCommand.AclCat:
                _auth.Category(request);
                break;
            case LocalCommand.AclDryRun:
                _auth.DryRun(request);
                break;

            case LocalCommand.ClientSetName:
                ClientCommands.SetName(session, request);
                break;
            case LocalCommand.ClientGetName:
                ClientCommands.GetName(session, request);
                break;
            case LocalCommand.ClientId:
                ClientCommands.Id(session, request);
                break;
            case LocalCommand.ClientSetInfo:
                ClientCommands.SetInfo(session, request);
                break;
            case LocalCommand.ClientInfoLine:
                ClientCommands.Info(session, request);
                break;
            case LocalCommand.ClientList:
                ClientIntrospection.List(session, request);
                break;
            case LocalCommand.ClientKill:
                ClientIntrospection.Kill(session, request);
                break;
            case LocalCommand.ClientReply:
                ClientCommands.Reply(request);
                break;

            case LocalCommand.Command or LocalCommand.CommandCount or LocalCommand.CommandList or LocalCommand.CommandInfo
                or LocalCommand.CommandDocs or LocalCommand.CommandGetKeys or LocalCommand.CommandGetKeysAndFlags:
                _commandTable.Execute(request, command.Local);
                break;
            case LocalCommand.ClusterInfo or LocalCommand.ClusterSlots or LocalCommand.ClusterShards or LocalCommand.ClusterNodes
                or LocalCommand.ClusterMyId or LocalCommand.ClusterKeySlot:
                _cluster.Execute(session, request, command);
                break;
            case LocalCommand.SlowLogGet or LocalCommand.SlowLogLen or LocalCommand.SlowLogReset or LocalCommand.SlowLogHelp:
                _server.SlowLog(request, command.Local);
                break;
            case LocalCommand.PubSubNumPat:
                _server.PatternCount(request);
                break;

            default:
                // Routed here without an answer of its own (CLIENT HELP, COMMAND HELP).
                request.SetError($"ERR Slotgate: {command.Name.ToUpperInvariant().Replace('|', ' ')} is not answered by Slotgate");
                break;
        }
    }

    /// <summary>
    /// INFO: Slotgate's own server, clients, replication and cluster sections. When the keyspace section is asked for,
    /// children are added that fetch each primary's keyspace to be summed.
    /// </summary>
    public void Info(ClientSession session, ProxyRequest request) => _server.Info(session, request);

    /// <summary>CONFIG RESETSTAT: Slotgate's own INFO counts start again, as the nodes' do.</summary>
    public void ResetStats() => _server.ResetStats();
}
