using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// Writes the reply types whose encoding depends on the client's protocol, as Redis does: the nodes answer the parts of
/// a fanned-out command in RESP2, and the merged reply is written in the client's protocol (maps, doubles, nulls and
/// verbatim text under RESP3; flat arrays and bulk strings under RESP2).
/// </summary>
internal static class ReplyShapes
{
    /// <summary>A map of <paramref name="pairs"/> entries (RESP3), or an array of twice as many items (RESP2).</summary>
    public static void WritePairsHeader(IBufferWriter<byte> output, int pairs, bool resp3)
    {
        if (resp3)
        {
            RespWriter.WriteMapHeader(output, pairs);
        }
        else
        {
            RespWriter.WriteArrayHeader(output, pairs * 2);
        }
    }

    public static void WriteBulk(IBufferWriter<byte> output, string text) => RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(text));

    /// <summary>A double: RESP3's <c>,</c> type, or a bulk string under RESP2, with 17 significant digits as Redis prints it.</summary>
    public static void WriteDouble(IBufferWriter<byte> output, double value, bool resp3)
    {
        string text = value.ToString("G17", CultureInfo.InvariantCulture);
        if (resp3)
        {
            RespWriter.WriteRaw(output, Encoding.ASCII.GetBytes("," + text + "\r\n"));
        }
        else
        {
            WriteBulk(output, text);
        }
    }

    /// <summary>A text report: RESP3's verbatim string (format <c>txt</c>), or a bulk string under RESP2.</summary>
    public static void WriteText(IBufferWriter<byte> output, string text, bool resp3)
    {
        if (!resp3)
        {
            WriteBulk(output, text);
            return;
        }
        byte[] payload = Encoding.UTF8.GetBytes("txt:" + text);
        RespWriter.WriteRaw(output, Encoding.ASCII.GetBytes("=" + payload.Length.ToString(CultureInfo.InvariantCulture) + "\r\n"));
        RespWriter.WriteRaw(output, payload);
        RespWriter.WriteRaw(output, "\r\n"u8);
    }

    /// <summary>
    /// A node's RESP2 value written again: scalars as they were (a null as RESP3's null under RESP3), arrays item by item.
    /// </summary>
    public static void WriteValue(IBufferWriter<byte> output, RespValue value, bool resp3)
    {
        if (value.IsNull)
        {
            RespWriter.WriteRaw(output, resp3 ? RespWriter.Resp3Null : value.Type == '*' ? RespWriter.NullArray : RespWriter.NullBulk);
            return;
        }
        switch (value.Type)
        {
            case ':':
                RespWriter.WriteInteger(output, value.Integer);
                break;
            case '+':
                RespWriter.WriteSimpleString(output, Encoding.UTF8.GetBytes(value.Text!));
                break;
            case '*':
                RespWriter.WriteArrayHeader(output, value.Items!.Count);
                foreach (RespValue item in value.Items)
                {
                    WriteValue(output, item, resp3);
                }
                break;
            default:
                WriteBulk(output, value.Text ?? string.Empty);
                break;
        }
    }

    /// <summary>A node's flat [name, value, ...] array written as a map (RESP3) or unchanged (RESP2).</summary>
    public static void WritePairs(IBufferWriter<byte> output, RespValue pairs, bool resp3)
    {
        IReadOnlyList<RespValue> items = pairs.ItemsOrEmpty;
        WritePairsHeader(output, items.Count / 2, resp3);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            WriteValue(output, items[i], resp3);
            WriteValue(output, items[i + 1], resp3);
        }
    }

    /// <summary>The reply of a node, decoded.</summary>
    public static RespValue Parse(ProxyRequest child) => RespValue.Parse(new ReadOnlySequence<byte>(child.Reply));

    /// <summary>The first error among the parts' replies, or null.</summary>
    public static ProxyRequest? FirstError(ProxyRequest parent)
    {
        foreach (ProxyRequest child in parent.Children)
        {
            if (child.ReplyIsError)
            {
                return child;
            }
        }
        return null;
    }
}
