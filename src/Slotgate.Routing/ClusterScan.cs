using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// SCAN across every primary, one primary at a time, with the position packed into the client's cursor
/// (<see cref="ScanCursor"/>). Primaries are visited in a stable order, by the first slot each serves; when a primary's
/// own cursor comes back 0 the scan moves to the next, and 0 goes to the client only after the last. MATCH, COUNT
/// and TYPE travel to the primaries as the client wrote them.
/// <para>
/// Redis's guarantee is that a full iteration returns every key present from its start to its end at least once.
/// Per node that holds, but a cluster can move keys between nodes mid-scan: a slot migrating from a primary not yet
/// scanned into one already scanned takes its keys past the scan, and they would never be returned. So after every
/// step Slotgate asks every primary for its own view (<c>CLUSTER NODES</c>, the <c>myself</c> line) and compares it with
/// the previous step's, carried in the cursor as a 16-bit token of (scan order, node ids, slots). If the token changed,
/// or any primary reports a slot migrating or importing, or the primaries' slots do not cover the cluster exactly once,
/// keys may have moved behind the scan: the cursor's repeat bit is set, and at the end of the pass the scan starts
/// again from the first primary instead of returning 0. A pass observed stable from its start to its end saw every
/// key that did not move during it, so the first stable pass completes the guarantee (duplicates are allowed by SCAN).
/// </para>
/// <para>
/// The first call (cursor 0) only takes that baseline and returns no keys, which SCAN permits: taking the baseline
/// before anything is scanned is what closes the window in which a whole migration could finish between the first
/// primary's reply and the first check. Every later step sends its SCAN at once, in the client's pipeline order.
/// Where it still breaks: a migration that starts and finishes between two checks and leaves the token unchanged
/// (a 1-in-65,536 hash collision), and keys moved by hand (MIGRATE with no SETSLOT MIGRATING/IMPORTING), which only an
/// ownership change reveals. While slots keep migrating the scan keeps repeating passes; it ends after the first pass
/// with no migration, as Redis's own SCAN ends only while its table is bounded.
/// </para>
/// </summary>
internal static class ClusterScan
{
    /// <summary>Starts one SCAN step; completes <paramref name="request"/> with the reply.</summary>
    public static void Execute(Router router, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        if (!ScanCursor.TryParse(frame.Arg(1), out ScanCursor cursor))
        {
            Fail(request, "ERR invalid cursor");
            return;
        }
        List<Shard> order = ScanOrder(router.Shards);
        if (order.Count == 0)
        {
            Fail(request, "CLUSTERDOWN No primary is known yet");
            return;
        }
        if (order.Count > ScanCursor.MaxShards)
        {
            Fail(request, $"ERR Slotgate: SCAN supports up to {ScanCursor.MaxShards} primaries");
            return;
        }
        ProxyRequest? scan = null;
        if (cursor.IsStart)
        {
            // No primary sees this call, so check the options here for the errors Redis would give.
            if (ValidateOptions(frame) is { } error)
            {
                Fail(request, error);
                return;
            }
        }
        else if (cursor.ShardIndex < order.Count)
        {
            // Sent now, not after an await, so the SCAN keeps its place among the client's pipelined commands.
            scan = request.Pool.Rent();
            scan.Frame.Begin(frame.ArgCount);
            scan.Frame.AppendArg(frame.Arg(0));
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(cursor.NodeCursor, digits, out int written);
            scan.Frame.AppendArg(digits[..written]);
            for (int i = 2; i < frame.ArgCount; i++)
            {
                scan.Frame.AppendArg(frame.Arg(i));
            }
            scan.Target = order[cursor.ShardIndex].Primary.Endpoint;
            scan.Affinity = request.Affinity;
            router.Dispatch(scan);
        }
        _ = FinishAsync(router, request, cursor, order, scan);
    }

    private static async Task FinishAsync(Router router, ProxyRequest request, ScanCursor cursor, List<Shard> order, ProxyRequest? scan)
    {
        var checks = new List<ProxyRequest>(order.Count);
        try
        {
            if (scan is not null)
            {
                await scan.WaitAsync().ConfigureAwait(false);
                if (scan.ReplyIsError)
                {
                    request.SetReply(new ReadOnlySequence<byte>(scan.Reply));
                    return;
                }
            }
            // The check follows the SCAN's reply, so a key that left a primary before that primary's scan finished
            // is seen by this check or by the next one.
            foreach (Shard shard in order)
            {
                ProxyRequest check = request.Pool.Rent();
                check.Frame.Begin(2);
                check.Frame.AppendArg("CLUSTER"u8);
                check.Frame.AppendArg("NODES"u8);
                check.Target = shard.Primary.Endpoint;
                check.Affinity = request.Affinity;
                checks.Add(check);
                router.Dispatch(check);
            }
            foreach (ProxyRequest check in checks)
            {
                await check.WaitAsync().ConfigureAwait(false);
            }
            foreach (ProxyRequest check in checks)
            {
                if (check.ReplyIsError)
                {
                    // The client may retry with the same cursor: a repeated step only returns duplicates.
                    request.SetReply(new ReadOnlySequence<byte>(check.Reply));
                    return;
                }
            }
            (ushort token, bool stable) = Observe(router, order, checks);
            ScanCursor? next = NextCursor(cursor, order.Count, scan, token, stable, out bool invalid);
            if (invalid)
            {
                request.SetError("ERR invalid cursor");
                return;
            }
            WriteReply(request, next, scan);
        }
        catch (Exception ex) when (ex is RespProtocolException or FormatException or OverflowException or InvalidOperationException)
        {
            request.SetError("ERR Slotgate: SCAN failed: " + ex.Message);
        }
        finally
        {
            if (scan is not null)
            {
                request.Pool.Return(scan);
            }
            foreach (ProxyRequest check in checks)
            {
                request.Pool.Return(check);
            }
            if (request.Reply.IsEmpty)
            {
                // Whatever went wrong, the client must get exactly one reply or its later replies would be misread.
                request.SetError("ERR Slotgate: SCAN failed");
            }
            request.Complete();
        }
    }

    /// <summary>The cursor to hand back, or null when the scan is complete; the keys are in <paramref name="scan"/>'s reply.</summary>
    private static ScanCursor? NextCursor(ScanCursor cursor, int shardCount, ProxyRequest? scan, ushort token, bool stable, out bool invalid)
    {
        invalid = false;
        if (cursor.IsStart)
        {
            // A pass that starts on an unstable cluster is repeated like one that became unstable.
            return new ScanCursor(0, 0, !stable, token);
        }
        bool repeat = cursor.Repeat || !stable || token != cursor.Token;
        if (scan is null)
        {
            // The cursor names a primary beyond the current order. After a topology change that is expected (fewer
            // primaries): start a new pass. Otherwise no Slotgate produced this cursor.
            invalid = !repeat;
            return new ScanCursor(0, 0, false, token);
        }
        ulong nodeCursor = ParseNodeCursor(scan.Reply.Span, out _);
        if (nodeCursor != 0)
        {
            if (nodeCursor > ScanCursor.MaxNodeCursor)
            {
                throw new InvalidOperationException("a primary's cursor does not fit in Slotgate's cursor");
            }
            return new ScanCursor(nodeCursor, cursor.ShardIndex, repeat, token);
        }
        if (cursor.ShardIndex + 1 < shardCount)
        {
            return new ScanCursor(0, cursor.ShardIndex + 1, repeat, token);
        }
        // The last primary is done. The next pass starts with this check as its baseline.
        return repeat ? new ScanCursor(0, 0, false, token) : null;
    }

    /// <summary>Redis's shape: the cursor as a bulk string, then the primary's key array exactly as it sent it.</summary>
    private static void WriteReply(ProxyRequest request, ScanCursor? next, ProxyRequest? scan)
    {
        IBufferWriter<byte> output = request.ReplyWriter;
        RespWriter.WriteArrayHeader(output, 2);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(next?.Encode() ?? 0UL, digits, out int written);
        RespWriter.WriteBulkString(output, digits[..written]);
        if (scan is null)
        {
            output.Write(RespWriter.EmptyArray);
            return;
        }
        ParseNodeCursor(scan.Reply.Span, out int keysOffset);
        output.Write(scan.Reply.Span[keysOffset..]);
    }

    private static (ushort Token, bool Stable) Observe(Router router, List<Shard> order, List<ProxyRequest> checks)
    {
        var description = new StringBuilder();
        bool stable = true;
        var covered = new bool[HashSlot.Count];
        int coveredCount = 0;
        for (int i = 0; i < order.Count; i++)
        {
            RespValue reply = RespValue.Parse(new ReadOnlySequence<byte>(checks[i].Reply));
            NodeSelfView? self = NodeSelfView.Parse(reply.Text ?? string.Empty);
            description.Append(order[i].Primary.Endpoint).Append(' ');
            if (self is null)
            {
                stable = false;
                description.Append('?').Append('\n');
                continue;
            }
            stable &= !self.Migrating;
            description.Append(self.Id);
            foreach (SlotRange range in self.Slots)
            {
                description.Append(' ').Append(range.ToString());
                for (int slot = Math.Max(range.From, 0); slot <= Math.Min(range.To, HashSlot.Count - 1); slot++)
                {
                    if (covered[slot])
                    {
                        stable = false;
                    }
                    else
                    {
                        covered[slot] = true;
                        coveredCount++;
                    }
                }
            }
            description.Append('\n');
        }
        if (coveredCount != HashSlot.Count)
        {
            // Slots served by a primary this proxy does not know yet (or by none): learn the topology again.
            stable = false;
            router.Topology.RequestRefresh("SCAN: the known primaries do not serve every slot");
        }
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(description.ToString()));
        ushort token = (ushort)((hash[0] << 8) | hash[1]);
        return (token == 0 ? (ushort)1 : token, stable);
    }

    /// <summary>Reads the cursor of a primary's <c>*2 $n cursor *m keys...</c> reply; <paramref name="keysOffset"/> is where the key array starts.</summary>
    private static ulong ParseNodeCursor(ReadOnlySpan<byte> reply, out int keysOffset)
    {
        // "*2\r\n$<len>\r\n<digits>\r\n"
        if (!reply.StartsWith("*2\r\n$"u8))
        {
            throw new RespProtocolException("Protocol error: SCAN reply is not a two-element array");
        }
        ReadOnlySpan<byte> rest = reply[5..];
        int lineEnd = rest.IndexOf("\r\n"u8);
        if (lineEnd < 1 || !Utf8Parser.TryParse(rest[..lineEnd], out int length, out _) || rest.Length < lineEnd + 2 + length + 2 ||
            !Utf8Parser.TryParse(rest.Slice(lineEnd + 2, length), out ulong cursor, out int consumed) || consumed != length)
        {
            throw new RespProtocolException("Protocol error: SCAN reply has no valid cursor");
        }
        keysOffset = 5 + lineEnd + 2 + length + 2;
        return cursor;
    }

    /// <summary>Primaries ordered by the first slot each serves (primaries with none last), then by endpoint.</summary>
    private static List<Shard> ScanOrder(IReadOnlyList<Shard> shards)
    {
        var order = new List<Shard>(shards);
        order.Sort(static (a, b) =>
        {
            int bySlot = FirstSlot(a).CompareTo(FirstSlot(b));
            return bySlot != 0 ? bySlot : string.CompareOrdinal(a.Primary.Endpoint, b.Primary.Endpoint);
        });
        return order;
    }

    private static int FirstSlot(Shard shard)
    {
        int first = int.MaxValue;
        foreach (SlotRange range in shard.Ranges)
        {
            first = Math.Min(first, range.From);
        }
        return first;
    }

    /// <summary>Redis 7.0's SCAN option rules: MATCH/COUNT/TYPE each with a value; COUNT a positive integer.</summary>
    private static string? ValidateOptions(RequestFrame frame)
    {
        for (int i = 2; i < frame.ArgCount; i += 2)
        {
            ReadOnlySpan<byte> option = frame.Arg(i);
            bool hasValue = i + 1 < frame.ArgCount;
            if (hasValue && Ascii.EqualsIgnoreCase(option, "COUNT"u8))
            {
                ReadOnlySpan<byte> value = frame.Arg(i + 1);
                if (!Utf8Parser.TryParse(value, out long count, out int consumed) || consumed != value.Length)
                {
                    return "ERR value is not an integer or out of range";
                }
                if (count < 1)
                {
                    return "ERR syntax error";
                }
            }
            else if (!hasValue || !(Ascii.EqualsIgnoreCase(option, "MATCH"u8) || Ascii.EqualsIgnoreCase(option, "TYPE"u8)))
            {
                return "ERR syntax error";
            }
        }
        return null;
    }

    private static void Fail(ProxyRequest request, string error)
    {
        request.SetError(error);
        request.Complete();
    }
}
