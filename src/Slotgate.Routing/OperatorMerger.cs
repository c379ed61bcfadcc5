using System.Buffers;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// Merges for the operator's commands sent to several nodes (<see cref="OperatorRoutes"/>). Unlike the data merges,
/// the commands that change the nodes see every node's error: an operator must learn which nodes took a change and
/// which did not, never a silent half-apply.
/// </summary>
internal static class OperatorMerger
{
    /// <summary>True for the merges that read the nodes' errors themselves (the others fail with the first error).</summary>
    public static bool HandlesErrors(MergeKind merge) => merge is MergeKind.EveryNode or MergeKind.AnyKilled or MergeKind.NodeReports
        or MergeKind.MemoryStats or MergeKind.LatencyLatest or MergeKind.LatencyHistory or MergeKind.LatencyHistogram or MergeKind.NodeSlowLog or MergeKind.DebugDigest;

    public static void Merge(ProxyRequest parent, IBufferWriter<byte> output)
    {
        // Static method groups: the compiler caches each delegate, so choosing one allocates nothing.
        Action<ProxyRequest, IBufferWriter<byte>> merge = parent.Merge switch
        {
            MergeKind.EveryNode => MergeEveryNode,
            MergeKind.AnyKilled => MergeAnyKilled,
            MergeKind.ConfigGet => MergeConfigGet,
            MergeKind.FunctionStats => MergeFunctionStats,
            MergeKind.NodeReports => MergeNodeReports,
            MergeKind.MemoryStats => NodeStatsMerger.MergeMemoryStats,
            MergeKind.LatencyLatest => NodeStatsMerger.MergeLatencyLatest,
            MergeKind.LatencyHistory => NodeStatsMerger.MergeLatencyHistory,
            MergeKind.LatencyHistogram => NodeStatsMerger.MergeLatencyHistogram,
            MergeKind.NodeSlowLog => MergeNodeSlowLog,
            MergeKind.DebugDigest => MergeDebugDigest,
            _ => throw new InvalidOperationException($"No merge for {parent.Merge}"),
        };
        // The statistics merges fail with a node's error, as the data merges do (a partial sum would mislead).
        if (parent.Merge is not (MergeKind.EveryNode or MergeKind.AnyKilled or MergeKind.NodeReports) &&
            ReplyShapes.FirstError(parent) is { } failed)
        {
            output.Write(failed.Reply.Span);
            return;
        }
        merge(parent, output);
    }

    /// <summary>
    /// CONFIG SET and the like: success only when every node succeeded. When every node refused with the same error
    /// (an unknown parameter, a bad value) that error is the reply unchanged, as one Redis would give it; otherwise
    /// the reply names each failing node with its error and says how many nodes did apply the change.
    /// </summary>
    private static void MergeEveryNode(ProxyRequest parent, IBufferWriter<byte> output)
    {
        List<ProxyRequest> children = parent.Children;
        int failed = 0;
        bool alike = true;
        ProxyRequest? firstFailure = null;
        foreach (ProxyRequest child in children)
        {
            if (!child.ReplyIsError)
            {
                continue;
            }
            failed++;
            firstFailure ??= child;
            alike &= child.Reply.Span.SequenceEqual(firstFailure.Reply.Span);
        }
        if (failed == 0)
        {
            output.Write(children[0].Reply.Span);
            return;
        }
        if (failed == children.Count && alike)
        {
            output.Write(firstFailure!.Reply.Span);
            return;
        }
        var text = new StringBuilder("ERR Slotgate: ").Append(CommandName(parent)).Append(" failed on ");
        string separator = string.Empty;
        foreach (ProxyRequest child in children)
        {
            if (child.ReplyIsError)
            {
                text.Append(separator).Append(child.Target).Append(": ").Append(ErrorText(child.Reply.Span));
                separator = "; ";
            }
        }
        int applied = children.Count - failed;
        text.Append(applied switch
        {
            0 => "; applied on no node",
            1 => "; applied on the other node",
            _ => $"; applied on the other {applied} nodes",
        });
        RespWriter.WriteError(output, text.ToString());
    }

    /// <summary>
    /// SCRIPT KILL, FUNCTION KILL: a script runs on at most the primaries a client's EVAL or FCALL reached; OK when
    /// one of them stopped it. Otherwise an error other than NOTBUSY (UNKILLABLE: the script already wrote) matters
    /// more than the primaries that were idle; with all idle, Redis's NOTBUSY.
    /// </summary>
    private static void MergeAnyKilled(ProxyRequest parent, IBufferWriter<byte> output)
    {
        ProxyRequest? error = null;
        foreach (ProxyRequest child in parent.Children)
        {
            if (!child.ReplyIsError)
            {
                output.Write(child.Reply.Span);
                return;
            }
            if (error is null || (error.Reply.Span.StartsWith("-NOTBUSY"u8) && !child.Reply.Span.StartsWith("-NOTBUSY"u8)))
            {
                error = child;
            }
        }
        output.Write(error!.Reply.Span);
    }

    /// <summary>
    /// CONFIG GET: every node's parameters, each parameter once, in the first node's order. Where nodes differ (a
    /// node's own port or directory, or a change not applied everywhere) the value most nodes have is given, ties going
    /// to the earlier node (primaries come first).
    /// </summary>
    private static void MergeConfigGet(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var order = new List<string>();
        var values = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (ProxyRequest child in parent.Children)
        {
            IReadOnlyList<RespValue> items = RespValue.Parse(new ReadOnlySequence<byte>(child.Reply)).ItemsOrEmpty;
            for (int i = 0; i + 1 < items.Count; i += 2)
            {
                string name = items[i].Text ?? string.Empty;
                string value = items[i + 1].Text ?? string.Empty;
                if (!values.TryGetValue(name, out Dictionary<string, int>? counts))
                {
                    order.Add(name);
                    values[name] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
                    firstSeen[name] = [];
                }
                if (counts.TryAdd(value, 1))
                {
                    firstSeen[name].Add(value);
                }
                else
                {
                    counts[value]++;
                }
            }
        }
        if (parent.Resp3)
        {
            RespWriter.WriteMapHeader(output, order.Count);
        }
        else
        {
            RespWriter.WriteArrayHeader(output, order.Count * 2);
        }
        foreach (string name in order)
        {
            string chosen = firstSeen[name][0];
            foreach (string value in firstSeen[name])
            {
                if (values[name][value] > values[name][chosen])
                {
                    chosen = value;
                }
            }
            RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(name));
            RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(chosen));
        }
    }

    /// <summary>
    /// FUNCTION STATS: the engines part is the same on every primary (FUNCTION LOAD reaches them all), the running
    /// function is on at most one of those a client reached; so the reply of a primary running one, else the first's.
    /// </summary>
    private static void MergeFunctionStats(ProxyRequest parent, IBufferWriter<byte> output)
    {
        foreach (ProxyRequest child in parent.Children)
        {
            IReadOnlyList<RespValue> items = RespValue.Parse(new ReadOnlySequence<byte>(child.Reply)).ItemsOrEmpty;
            if (items.Count > 1 && !items[1].IsNull)
            {
                NodeStatsMerger.WriteFunctionStats(child, parent.Resp3, output);
                return;
            }
        }
        NodeStatsMerger.WriteFunctionStats(parent.Children[0], parent.Resp3, output);
    }

    /// <summary>
    /// MEMORY DOCTOR, LATENCY GRAPH and the like: one text (verbatim under RESP3, as Redis's), each node's report after a
    /// line with the node's address. A node that failed is named with its error, except that a node with no samples of
    /// the event asked for is left out; when no node has a report, the first node's error is the reply.
    /// </summary>
    private static void MergeNodeReports(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var text = new StringBuilder();
        foreach (ProxyRequest child in parent.Children)
        {
            if (child.ReplyIsError && child.Reply.Span.StartsWith("-ERR No samples available"u8))
            {
                continue;
            }
            string report = child.ReplyIsError ? "(error) " + ErrorText(child.Reply.Span) : ReplyShapes.Parse(child).Text ?? string.Empty;
            text.Append(child.Target).Append(":\n").Append(report);
            if (!report.EndsWith('\n'))
            {
                text.Append('\n');
            }
        }
        if (text.Length == 0 && ReplyShapes.FirstError(parent) is { } failed)
        {
            output.Write(failed.Reply.Span);
            return;
        }
        ReplyShapes.WriteText(output, text.ToString(), parent.Resp3);
    }

    /// <summary>
    /// SLOWLOG GET count NODES: the entries of every node's slow log, newest first (by time, then by each node's own
    /// order), at most count of them (-1: all). Each keeps Redis's six fields; the last, the client name, is the node's
    /// address, since the client a node saw is Slotgate's connection.
    /// </summary>
    private static void MergeNodeSlowLog(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var entries = new List<(long Time, int Node, int Index, RespValue Entry, string Target)>();
        for (int c = 0; c < parent.Children.Count; c++)
        {
            ProxyRequest child = parent.Children[c];
            IReadOnlyList<RespValue> items = ReplyShapes.Parse(child).ItemsOrEmpty;
            for (int i = 0; i < items.Count; i++)
            {
                if (items[i].ItemsOrEmpty.Count >= 6)
                {
                    entries.Add((items[i].Items![1].Integer, c, i, items[i], child.Target ?? string.Empty));
                }
            }
        }
        entries.Sort((a, b) => a.Time != b.Time ? b.Time.CompareTo(a.Time) : a.Node != b.Node ? a.Node.CompareTo(b.Node) : a.Index.CompareTo(b.Index));
        // The parent is SLOWLOG GET count NODES, its count checked before the nodes were asked.
        System.Buffers.Text.Utf8Parser.TryParse(parent.Frame.Arg(2), out int asked, out _);
        int count = asked < 0 ? entries.Count : Math.Min(asked, entries.Count);
        RespWriter.WriteArrayHeader(output, count);
        for (int e = 0; e < count; e++)
        {
            IReadOnlyList<RespValue> fields = entries[e].Entry.Items!;
            RespWriter.WriteArrayHeader(output, 6);
            for (int f = 0; f < 5; f++)
            {
                ReplyShapes.WriteValue(output, fields[f], parent.Resp3);
            }
            ReplyShapes.WriteBulk(output, entries[e].Target);
        }
    }

    /// <summary>
    /// DEBUG DIGEST: a node's digest is that of database 0 (mixed in once when it has keys) xored with each of its keys'
    /// digests, so xoring the primaries' digests gives the whole data set's, with database 0 mixed in once per primary
    /// that has keys; an even number of those cancel it out, and it is mixed in again. No keys at all: Redis's zeros.
    /// </summary>
    private static void MergeDebugDigest(ProxyRequest parent, IBufferWriter<byte> output)
    {
        byte[] digest = new byte[20];
        int withKeys = 0;
        foreach (ProxyRequest child in parent.Children)
        {
            byte[] node = Convert.FromHexString(ReplyShapes.Parse(child).Text ?? string.Empty);
            if (node.Length == digest.Length && node.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
            {
                withKeys++;
                for (int i = 0; i < digest.Length; i++)
                {
                    digest[i] ^= node[i];
                }
            }
        }
        if (withKeys > 0 && withKeys % 2 == 0)
        {
            // Redis's mix of database 0 into an empty digest: SHA1 of the SHA1 of the 4 bytes of the id 0.
            byte[] mixed = System.Security.Cryptography.SHA1.HashData(System.Security.Cryptography.SHA1.HashData(new byte[4]));
            for (int i = 0; i < digest.Length; i++)
            {
                digest[i] ^= mixed[i];
            }
        }
        RespWriter.WriteSimpleString(output, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(digest)));
    }

    private static string CommandName(ProxyRequest parent)
    {
        RequestFrame frame = parent.Frame;
        string name = Encoding.UTF8.GetString(frame.Arg(0)).ToUpperInvariant();
        return frame.ArgCount > 1 ? name + " " + Encoding.UTF8.GetString(frame.Arg(1)).ToUpperInvariant() : name;
    }

    /// <summary>An error reply's text: without the leading '-' and the line end.</summary>
    private static string ErrorText(ReadOnlySpan<byte> reply)
    {
        int end = reply.IndexOf("\r\n"u8);
        return Encoding.UTF8.GetString(reply[1..(end < 0 ? reply.Length : end)]);
    }
}
