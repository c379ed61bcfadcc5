using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Commands;
using Slotgate.Diagnostics;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// SLOWLOG GET/LEN/RESET/HELP over Slotgate's own slow log, with Redis's reply shapes: the commands as its clients sent
/// them, timed from read to reply. <c>SLOWLOG GET count NODES</c> gives the nodes' slow logs instead, merged by time
/// (<see cref="MergeKind.NodeSlowLog"/>): commands as the nodes ran them, from every client of the cluster.
/// </summary>
internal static class SlowLogCommand
{
    public static void Execute(SlowLog log, Cluster.SlotMap topology, ProxyRequest request, LocalCommand command)
    {
        var reply = request.ReplyWriter;
        switch (command)
        {
            case LocalCommand.SlowLogLen:
                RespWriter.WriteInteger(reply, log.Count);
                break;
            case LocalCommand.SlowLogReset:
                log.Reset();
                reply.Write("+OK\r\n"u8);
                break;
            case LocalCommand.SlowLogHelp:
                string[] help =
                [
                    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                    "    Entries are made of: id, timestamp, time in microseconds, arguments array, client IP and port, client name",
                    "GET <count> NODES", "    Return top <count> entries of the cluster nodes' slowlogs, newest first; client name is the node's address.",
                    "LEN", "    Return the length of the slowlog.",
                    "RESET", "    Reset the slowlog.",
                    "HELP", "    Print this help.",
                ];
                RespWriter.WriteArrayHeader(reply, help.Length);
                foreach (string line in help)
                {
                    RespWriter.WriteSimpleString(reply, Encoding.ASCII.GetBytes(line));
                }
                break;
            default:
                Get(log, topology, request);
                break;
        }
    }

    private static void Get(SlowLog log, Cluster.SlotMap topology, ProxyRequest request)
    {
        int count = 10;
        RequestFrame frame = request.Frame;
        bool nodes = frame.ArgCount == 4 && Ascii.EqualsIgnoreCase(frame.Arg(3), "NODES"u8);
        if (frame.ArgCount > 3 && !nodes)
        {
            request.SetError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(frame.Arg(1))}'. Try SLOWLOG HELP.");
            return;
        }
        if (frame.ArgCount > 2)
        {
            if (!int.TryParse(Encoding.ASCII.GetString(frame.Arg(2)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count) || count < -1)
            {
                request.SetError("ERR count should be greater than or equal to -1");
                return;
            }
        }
        if (nodes)
        {
            AskNodes(topology, request, frame.Arg(2).ToArray());
            return;
        }
        var reply = request.ReplyWriter;
        IReadOnlyList<SlowLogEntry> entries = log.Get(count);
        RespWriter.WriteArrayHeader(reply, entries.Count);
        foreach (SlowLogEntry entry in entries)
        {
            RespWriter.WriteArrayHeader(reply, 6);
            RespWriter.WriteInteger(reply, entry.Id);
            RespWriter.WriteInteger(reply, entry.UnixTime);
            RespWriter.WriteInteger(reply, entry.Micros);
            RespWriter.WriteArrayHeader(reply, entry.Arguments.Count);
            foreach (byte[] argument in entry.Arguments)
            {
                RespWriter.WriteBulkString(reply, argument);
            }
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(entry.ClientAddress));
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(entry.ClientName));
        }
    }

    /// <summary>One <c>SLOWLOG GET count</c> per node, primaries and healthy replicas (reads may run on replicas).</summary>
    private static void AskNodes(Cluster.SlotMap topology, ProxyRequest request, byte[] count)
    {
        if (topology.Shards.Count == 0)
        {
            request.SetError("CLUSTERDOWN No primary is known yet");
            return;
        }
        request.Merge = MergeKind.NodeSlowLog;
        foreach (Cluster.Shard shard in topology.Shards)
        {
            Add(request, shard.Primary.Endpoint, count);
            foreach (Cluster.ClusterNode replica in shard.Replicas)
            {
                if (replica.Healthy)
                {
                    Add(request, replica.Endpoint, count);
                }
            }
        }
    }

    private static void Add(ProxyRequest request, string endpoint, byte[] count)
    {
        ProxyRequest child = request.Pool.Rent();
        child.Frame.Begin(3);
        child.Frame.AppendArg("SLOWLOG"u8);
        child.Frame.AppendArg("GET"u8);
        child.Frame.AppendArg(count);
        child.Target = endpoint;
        request.AddChild(child);
    }
}
