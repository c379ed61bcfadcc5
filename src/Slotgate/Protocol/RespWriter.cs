// TEMPORARY stub until the protocol branch lands.
using System.Buffers;
using System.Text;

namespace Slotgate.Protocol;

internal static class RespWriter
{
    public static void WriteError(IBufferWriter<byte> w, string text) { w.Write("-"u8); w.Write(Encoding.UTF8.GetBytes(text.Replace('\r', ' ').Replace('\n', ' '))); w.Write("\r\n"u8); }
    public static void WriteSimpleString(IBufferWriter<byte> w, ReadOnlySpan<byte> text) { w.Write("+"u8); w.Write(text); w.Write("\r\n"u8); }
    public static void WriteInteger(IBufferWriter<byte> w, long value) { w.Write(":"u8); w.Write(Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture))); w.Write("\r\n"u8); }
    public static void WriteBulkString(IBufferWriter<byte> w, ReadOnlySpan<byte> value) { w.Write("$"u8); w.Write(Encoding.ASCII.GetBytes(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))); w.Write("\r\n"u8); w.Write(value); w.Write("\r\n"u8); }
    public static void WriteNullBulkString(IBufferWriter<byte> w) => w.Write("$-1\r\n"u8);
    public static void WriteArrayHeader(IBufferWriter<byte> w, int count) { w.Write("*"u8); w.Write(Encoding.ASCII.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture))); w.Write("\r\n"u8); }
}
