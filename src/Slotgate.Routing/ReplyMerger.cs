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
        if (OperatorMerger.HandlesErrors(parent.Merge))
        {
            OperatorMerger.Merge(parent, output);
            return;
        }
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
                InfoAggregator.Merge(parent, output);
                break;
            case MergeKind.ConfigGet or MergeKind.FunctionStats or MergeKind.NodeReports:
                OperatorMerger.Merge(parent, output);
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
