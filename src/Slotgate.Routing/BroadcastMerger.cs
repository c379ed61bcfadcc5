using System.Buffers;
using System.Buffers.Text;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// Merges for commands broadcast to every primary so that the cluster answers as one server would: keyspace-wide
/// commands (KEYS, RANDOMKEY, LASTSAVE) and the script and function management that must reach every primary for
/// EVALSHA/FCALL to work on whichever shard a key lives. <see cref="ReplyMerger"/> has already turned any part's error
/// into the reply before these run, so every child reply here is a success.
/// </summary>
internal static class BroadcastMerger
{
    public static void Merge(ProxyRequest parent, IBufferWriter<byte> output)
    {
        switch (parent.Merge)
        {
            case MergeKind.Same:
                MergeSame(parent, output);
                break;
            case MergeKind.AllExist:
                MergeAllExist(parent, output);
                break;
            case MergeKind.Union:
                MergeUnion(parent, output);
                break;
            case MergeKind.PairSum:
                MergePairSum(parent, output);
                break;
            case MergeKind.Concat:
                MergeConcat(parent, output);
                break;
            case MergeKind.AnyNonNull:
                MergeAnyNonNull(parent, output);
                break;
            case MergeKind.Min:
                long min = long.MaxValue;
                foreach (ProxyRequest child in parent.Children)
                {
                    min = Math.Min(min, ReadArrayOrInteger(child.Reply.Span, out _));
                }
                RespWriter.WriteInteger(output, min);
                break;
            default:
                throw new InvalidOperationException($"No merge for {parent.Merge}");
        }
    }

    /// <summary>
    /// SCRIPT LOAD and FUNCTION LOAD: the SHA1 of a script, or a library's name, is a function of the code alone, so
    /// primaries that disagree mean something is wrong (say, a different Redis version); say so rather than pick one.
    /// </summary>
    private static void MergeSame(ProxyRequest parent, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> first = parent.Children[0].Reply.Span;
        for (int i = 1; i < parent.Children.Count; i++)
        {
            if (!parent.Children[i].Reply.Span.SequenceEqual(first))
            {
                RespWriter.WriteError(output, "ERR Slotgate: the primaries gave different replies to this broadcast command");
                return;
            }
        }
        output.Write(first);
    }

    /// <summary>SCRIPT EXISTS: 1 only where every primary said 1, since EVALSHA may reach any of them.</summary>
    private static void MergeAllExist(ProxyRequest parent, IBufferWriter<byte> output)
    {
        int count = (int)ReadArrayOrInteger(parent.Children[0].Reply.Span, out _);
        bool[] exists = new bool[count];
        Array.Fill(exists, true);
        foreach (ProxyRequest child in parent.Children)
        {
            ReadOnlySpan<byte> reply = child.Reply.Span;
            if ((int)ReadArrayOrInteger(reply, out int offset) != count)
            {
                throw new RespProtocolException("Protocol error: SCRIPT EXISTS replies differ in length");
            }
            for (int i = 0; i < count; i++)
            {
                long flag = ReadArrayOrInteger(reply[offset..], out int consumed);
                exists[i] &= flag != 0;
                offset += consumed;
            }
        }
        RespWriter.WriteArrayHeader(output, count);
        foreach (bool flag in exists)
        {
            RespWriter.WriteInteger(output, flag ? 1 : 0);
        }
    }

    private static void MergeUnion(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ProxyRequest child in parent.Children)
        {
            foreach (RespValue item in RespValue.Parse(new ReadOnlySequence<byte>(child.Reply)).Items ?? [])
            {
                names.Add(item.Text ?? string.Empty);
            }
        }
        RespWriter.WriteArrayHeader(output, names.Count);
        foreach (string name in names)
        {
            RespWriter.WriteBulkString(output, System.Text.Encoding.UTF8.GetBytes(name));
        }
    }

    private static void MergePairSum(ProxyRequest parent, IBufferWriter<byte> output)
    {
        List<string>? order = null;
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (ProxyRequest child in parent.Children)
        {
            IReadOnlyList<RespValue> items = RespValue.Parse(new ReadOnlySequence<byte>(child.Reply)).Items ?? [];
            order ??= [.. Enumerable.Range(0, items.Count / 2).Select(i => items[2 * i].Text ?? string.Empty)];
            for (int i = 0; i + 1 < items.Count; i += 2)
            {
                string channel = items[i].Text ?? string.Empty;
                sums[channel] = sums.GetValueOrDefault(channel) + items[i + 1].Integer;
            }
        }
        order ??= [];
        RespWriter.WriteArrayHeader(output, order.Count * 2);
        foreach (string channel in order)
        {
            RespWriter.WriteBulkString(output, System.Text.Encoding.UTF8.GetBytes(channel));
            RespWriter.WriteInteger(output, sums.GetValueOrDefault(channel));
        }
    }

    /// <summary>KEYS: each primary's array elements copied as they are, under one header with the total count.</summary>
    private static void MergeConcat(ProxyRequest parent, IBufferWriter<byte> output)
    {
        long total = 0;
        foreach (ProxyRequest child in parent.Children)
        {
            total += ReadArrayOrInteger(child.Reply.Span, out _);
        }
        RespWriter.WriteArrayHeader(output, checked((int)total));
        foreach (ProxyRequest child in parent.Children)
        {
            ReadArrayOrInteger(child.Reply.Span, out int offset);
            output.Write(child.Reply.Span[offset..]);
        }
    }

    /// <summary>
    /// RANDOMKEY: a primary chosen at random among those that have keys. Uniform over non-empty primaries rather than
    /// over keys, which is as random as Redis promises (it makes no promise about the distribution).
    /// </summary>
    private static void MergeAnyNonNull(ProxyRequest parent, IBufferWriter<byte> output)
    {
        Span<int> candidates = parent.Children.Count <= 256 ? stackalloc int[parent.Children.Count] : new int[parent.Children.Count];
        int found = 0;
        for (int i = 0; i < parent.Children.Count; i++)
        {
            if (!parent.Children[i].Reply.Span.StartsWith(RespWriter.NullBulk))
            {
                candidates[found++] = i;
            }
        }
        if (found == 0)
        {
            RespWriter.WriteNullBulk(output);
            return;
        }
        output.Write(parent.Children[candidates[Random.Shared.Next(found)]].Reply.Span);
    }

    /// <summary>Reads the number in a <c>:n\r\n</c> or <c>*n\r\n</c> line; <paramref name="consumed"/> is the line's length.</summary>
    private static long ReadArrayOrInteger(ReadOnlySpan<byte> reply, out int consumed)
    {
        int end = reply.IndexOf("\r\n"u8);
        if (end < 2 || (reply[0] != (byte)':' && reply[0] != (byte)'*') ||
            !Utf8Parser.TryParse(reply[1..end], out long value, out int digits) || digits != end - 1)
        {
            throw new RespProtocolException("Protocol error: expected an integer or array reply");
        }
        consumed = end + 2;
        return value;
    }
}
