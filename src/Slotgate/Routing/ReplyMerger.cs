using System.Buffers;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// Combines the replies of a split or fanned-out command's parts into exactly the reply Redis would give for
/// the whole command: MGET values back in the client's key order, integer counts summed, OK only if all said OK.
/// Any part's error becomes the reply (the first one, in part order), as no partial result is better than a wrong one.
/// </summary>
internal static class ReplyMerger
{
    public static void Merge(ProxyRequest parent)
    {
        IBufferWriter<byte> output = parent.ReplyWriter;
        foreach (ProxyRequest child in parent.Children)
        {
            if (child.ReplyIsError)
            {
                output.Write(child.Reply.Span);
                return;
            }
        }
        switch (parent.Merge)
        {
            case MergeKind.Values:
                MergeValues(parent, output);
                break;
            case MergeKind.Sum:
                long sum = 0;
                foreach (ProxyRequest child in parent.Children)
                {
                    sum += ReadInteger(child.Reply.Span);
                }
                RespWriter.WriteInteger(output, sum);
                break;
            case MergeKind.AllOk:
                RespWriter.WriteSimpleString(output, "OK"u8);
                break;
            case MergeKind.Info:
                MergeInfo(parent, output);
                break;
            default:
                BroadcastMerger.Merge(parent, output);
                break;
        }
    }

    /// <summary>MGET: each child's reply is an array of its keys' values; place each at its key's position.</summary>
    private static void MergeValues(ProxyRequest parent, IBufferWriter<byte> output)
    {
        int total = 0;
        foreach (ProxyRequest child in parent.Children)
        {
            total += child.KeyPositionCount;
        }
        // For each reply position: which child holds it and where its element sits in that child's reply.
        (int Child, int Start, int Length)[] elements = ArrayPool<(int, int, int)>.Shared.Rent(total);
        try
        {
            for (int c = 0; c < parent.Children.Count; c++)
            {
                ProxyRequest child = parent.Children[c];
                ReadOnlySequence<byte> reply = new(child.Reply);
                var reader = new SequenceReader<byte>(reply);
                if (!reader.TryRead(out byte type) || type != (byte)'*' || !reader.TryReadTo(out ReadOnlySpan<byte> _, (byte)'\n'))
                {
                    throw new RespProtocolException("Protocol error: MGET part did not return an array");
                }
                ReadOnlySpan<int> positions = child.KeyPositions;
                for (int i = 0; i < positions.Length; i++)
                {
                    long start = reader.Consumed;
                    if (!RespScanner.TrySkipValue(ref reader))
                    {
                        throw new RespProtocolException("Protocol error: MGET part returned too few values");
                    }
                    elements[positions[i]] = (c, (int)start, (int)(reader.Consumed - start));
                }
            }
            RespWriter.WriteArrayHeader(output, total);
            for (int i = 0; i < total; i++)
            {
                var (c, start, length) = elements[i];
                output.Write(parent.Children[c].Reply.Span.Slice(start, length));
            }
        }
        finally
        {
            ArrayPool<(int, int, int)>.Shared.Return(elements);
        }
    }

    /// <summary>INFO: sum the <c>db0:keys=..,expires=..</c> lines of every primary's keyspace section.</summary>
    private static void MergeInfo(ProxyRequest parent, IBufferWriter<byte> output)
    {
        long keys = 0;
        long expires = 0;
        foreach (ProxyRequest child in parent.Children)
        {
            RespValue value = RespValue.Parse(new ReadOnlySequence<byte>(child.Reply));
            foreach (string line in (value.Text ?? string.Empty).Split('\n'))
            {
                if (!line.StartsWith("db0:", StringComparison.Ordinal))
                {
                    continue;
                }
                foreach (string field in line[4..].TrimEnd('\r').Split(','))
                {
                    int eq = field.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0 && long.TryParse(field.AsSpan(eq + 1), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long n))
                    {
                        if (field.StartsWith("keys=", StringComparison.Ordinal))
                        {
                            keys += n;
                        }
                        else if (field.StartsWith("expires=", StringComparison.Ordinal))
                        {
                            expires += n;
                        }
                    }
                }
            }
        }
        var text = new System.Text.StringBuilder(parent.InfoPrefix);
        text.Append("# Keyspace\r\n");
        if (keys > 0)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"db0:keys={keys},expires={expires},avg_ttl=0\r\n");
        }
        RespWriter.WriteBulkString(output, System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static long ReadInteger(ReadOnlySpan<byte> reply)
    {
        if (reply.Length < 4 || reply[0] != (byte)':' ||
            !System.Buffers.Text.Utf8Parser.TryParse(reply[1..], out long value, out _))
        {
            throw new RespProtocolException("Protocol error: expected an integer reply");
        }
        return value;
    }
}
