using System.Buffers;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Proxy;

/// <summary>
/// The frames of a client's pub/sub conversation that Slotgate reads or writes itself: the kind of a frame a node
/// pushed, the (un)subscribe commands it sends on the client's behalf, and the confirmations it answers in Redis's
/// shape when no node can (never subscribed) or when several nodes each know only part of the answer (shard channels).
/// </summary>
internal static class PubSubFrames
{
    /// <summary>"-" for an error, otherwise the first element of a push array (message, subscribe, ...), lower case.</summary>
    public static string Kind(in ReadOnlySequence<byte> frame)
    {
        if (frame.FirstSpan[0] == (byte)'-')
        {
            return "-";
        }
        if (frame.FirstSpan[0] is not ((byte)'*' or (byte)'>'))
        {
            return string.Empty;
        }
        RespArrayReader items = RespReplyReader.ReadArray(frame);
        if (!items.MoveNext() || !RespReplyReader.TryGetBulkString(items.Current, out ReadOnlySequence<byte> name) || name.Length > 16)
        {
            return string.Empty;
        }
        return Encoding.ASCII.GetString(name).ToLowerInvariant();
    }

    /// <summary>The channel a node's confirmation names (its second element); null when it names none.</summary>
    public static string? ChannelOf(in ReadOnlySequence<byte> frame)
    {
        RespValue value = RespValue.Parse(frame);
        return value.Items is { Count: >= 2 } items ? items[1].Text : null;
    }

    /// <summary>Encodes <paramref name="command"/> with <paramref name="names"/> as its arguments.</summary>
    public static byte[] Encode(string command, IReadOnlyCollection<string> names) => RequestFrame.Encode([command, .. names]);

    /// <summary>
    /// Writes Redis's confirmation of <paramref name="kind"/> for <paramref name="channel"/> (a nil channel when null),
    /// with <paramref name="count"/>, the client's subscriptions left.
    /// </summary>
    public static void WriteConfirmation(IBufferWriter<byte> reply, bool push, string kind, string? channel, int count)
    {
        Header(reply, push);
        RespWriter.WriteBulkString(reply, Encoding.ASCII.GetBytes(kind));
        if (channel is null)
        {
            RespWriter.WriteNullBulk(reply);
        }
        else
        {
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(channel));
        }
        RespWriter.WriteInteger(reply, count);
    }

    /// <summary>
    /// Writes one confirmation per name, or a single one with a nil channel when there are none, each with
    /// <paramref name="remaining"/>: Redis's answer to an unsubscribe that changes nothing on any node.
    /// </summary>
    public static void WriteConfirmations(IBufferWriter<byte> reply, bool push, string kind, List<string> names, int remaining)
    {
        if (names.Count == 0)
        {
            WriteConfirmation(reply, push, kind, null, remaining);
            return;
        }
        foreach (string name in names)
        {
            WriteConfirmation(reply, push, kind, name, remaining);
        }
    }

    /// <summary>A three-element confirmation: an array in RESP2, a push frame in RESP3 (as Redis sends them).</summary>
    private static void Header(IBufferWriter<byte> reply, bool push) =>
        reply.Write(push ? ">3\r\n"u8 : "*3\r\n"u8);
}
