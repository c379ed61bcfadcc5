using System.Buffers;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Encodes a decoded reply back into RESP2: maps and sets become flat arrays, doubles and verbatim strings bulk
/// strings, booleans integers, RESP3 nulls null bulks. Control path only (learned COMMAND DOCS entries).
/// </summary>
internal static class RespValueWriter
{
    public static void Write(IBufferWriter<byte> writer, RespValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Type)
        {
            case '+':
                RespWriter.WriteSimpleString(writer, Encoding.UTF8.GetBytes(value.Text ?? string.Empty));
                break;
            case '-' or '!':
                RespWriter.WriteError(writer, Encoding.UTF8.GetBytes(value.Text ?? string.Empty));
                break;
            case ':' or '#':
                RespWriter.WriteInteger(writer, value.Integer);
                break;
            case '*' or '%' or '~' or '>' when value.Items is { } items:
                RespWriter.WriteArrayHeader(writer, items.Count);
                foreach (RespValue item in items)
                {
                    Write(writer, item);
                }
                break;
            case '*' or '%' or '~' or '>':
                RespWriter.WriteNullArray(writer);
                break;
            case '_':
                RespWriter.WriteNullBulk(writer);
                break;
            default:
                if (value.Text is { } text)
                {
                    RespWriter.WriteBulkString(writer, Encoding.UTF8.GetBytes(text));
                }
                else
                {
                    RespWriter.WriteNullBulk(writer);
                }
                break;
        }
    }
}
