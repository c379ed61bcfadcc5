using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Answers the CLUSTER introspection commands as a healthy one-node cluster: Slotgate itself, at the address the client
/// connected to, owning all 16384 slots. A cluster-aware client pointed at Slotgate therefore sends everything to
/// Slotgate and keeps working; Slotgate does the real routing behind it. CLUSTER NODES is the exception (see there).
/// </summary>
internal sealed class ClusterEmulation(ServerIdentity identity, TopologyRefresher topology)
{
    public void Execute(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        IBufferWriter<byte> reply = request.ReplyWriter;
        var (host, port) = SplitEndpoint(session.Info.LocalEndpoint);
        switch (command.Local)
        {
            case LocalCommand.ClusterKeySlot:
                RespWriter.WriteInteger(reply, HashSlot.Of(request.Frame.Arg(2)));
                break;
            case LocalCommand.ClusterMyId:
                RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(identity.RunId));
                break;
            case LocalCommand.ClusterInfo:
                RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(Info()));
                break;
            case LocalCommand.ClusterNodes:
                // Deliberately a standalone server's answer: clients that auto-detect cluster mode from CLUSTER NODES
                // (StackExchange.Redis) would otherwise switch to cluster mode and refuse cross-slot MGET/MSET/DEL
                // themselves, which Slotgate exists to allow. Clients that ask for CLUSTER SLOTS/SHARDS get the view.
                request.SetError("ERR This instance has cluster support disabled");
                break;
            case LocalCommand.ClusterSlots:
                RespWriter.WriteArrayHeader(reply, 1);
                RespWriter.WriteArrayHeader(reply, 3);
                RespWriter.WriteInteger(reply, 0);
                RespWriter.WriteInteger(reply, HashSlot.Count - 1);
                RespWriter.WriteArrayHeader(reply, 4);
                RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(host));
                RespWriter.WriteInteger(reply, port);
                RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(identity.RunId));
                RespWriter.WriteArrayHeader(reply, 0);
                break;
            case LocalCommand.ClusterShards:
                WriteShards(reply, host, port);
                break;
            default:
                request.SetError($"ERR Slotgate: {command.Name.ToUpperInvariant().Replace('|', ' ')} is not available through the proxy (Slotgate presents itself as a one-node cluster)");
                break;
        }
    }

    /// <summary>The slot named by <c>CLUSTER COUNTKEYSINSLOT slot</c> / <c>GETKEYSINSLOT slot count</c>, or -1 with Redis's error.</summary>
    public static int ParseSlot(ReadOnlySpan<byte> argument) =>
        System.Buffers.Text.Utf8Parser.TryParse(argument, out int slot, out int used) && used == argument.Length && slot is >= 0 and < HashSlot.Count
            ? slot
            : -1;

    private string Info()
    {
        SlotMap map = topology.Current;
        return new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"cluster_state:{(map.IsFullyCovered ? "ok" : "fail")}\r\n")
            .Append(CultureInfo.InvariantCulture, $"cluster_slots_assigned:{HashSlot.Count}\r\ncluster_slots_ok:{map.CoveredSlots}\r\n")
            .Append("cluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:1\r\ncluster_size:1\r\n")
            .Append("cluster_current_epoch:1\r\ncluster_my_epoch:1\r\ncluster_stats_messages_sent:0\r\ncluster_stats_messages_received:0\r\n")
            .Append("total_cluster_links_buffer_limit_exceeded:0\r\n")
            .ToString();
    }

    private void WriteShards(IBufferWriter<byte> reply, string host, int port)
    {
        RespWriter.WriteArrayHeader(reply, 1);
        RespWriter.WriteArrayHeader(reply, 4);
        RespWriter.WriteBulkString(reply, "slots"u8);
        RespWriter.WriteArrayHeader(reply, 2);
        RespWriter.WriteInteger(reply, 0);
        RespWriter.WriteInteger(reply, HashSlot.Count - 1);
        RespWriter.WriteBulkString(reply, "nodes"u8);
        RespWriter.WriteArrayHeader(reply, 1);
        RespWriter.WriteArrayHeader(reply, 14);
        Field(reply, "id", identity.RunId);
        RespWriter.WriteBulkString(reply, "port"u8);
        RespWriter.WriteInteger(reply, port);
        Field(reply, "ip", host);
        Field(reply, "endpoint", host);
        Field(reply, "role", "master");
        RespWriter.WriteBulkString(reply, "replication-offset"u8);
        RespWriter.WriteInteger(reply, 0);
        Field(reply, "health", "online");
    }

    private static void Field(IBufferWriter<byte> reply, string name, string value)
    {
        RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(name));
        RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(value));
    }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0)
        {
            return ("127.0.0.1", 0);
        }
        string host = endpoint[..colon].Trim('[', ']');
        return (host, int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int port) ? port : 0);
    }
}
