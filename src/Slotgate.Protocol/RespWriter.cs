using System.Buffers;
using System.Text;

namespace Slotgate.Protocol;

/// <summary>Encodes RESP values into an <see cref="IBufferWriter{T}"/>, for local replies and merged replies.</summary>
internal static class RespWriter
{
    // Type byte, sign, 20 digits, CRLF.
    private const int MaxHeaderLength = 24;

    public static ReadOnlySpan<byte> Ok => "+OK\r\n"u8;

    public static ReadOnlySpan<byte> Pong => "+PONG\r\n"u8;

    public static ReadOnlySpan<byte> NullBulk => "$-1\r\n"u8;

    public static ReadOnlySpan<byte> NullArray => "*-1\r\n"u8;

    public static ReadOnlySpan<byte> Resp3Null => "_\r\n"u8;

    public static ReadOnlySpan<byte> EmptyArray => "*0\r\n"u8;

    /// <summary><c>+text\r\n</c>. CR and LF would end the line early and let the rest be read as another reply, so they become spaces.</summary>
    public static void WriteSimpleString(IBufferWriter<byte> writer, ReadOnlySpan<byte> text) => WriteLine(writer, (byte)'+', text);

    /// <summary><c>-text\r\n</c> with CR and LF turned into spaces, as Redis's <c>addReplyError</c> does.</summary>
    public static void WriteError(IBufferWriter<byte> writer, ReadOnlySpan<byte> text) => WriteLine(writer, (byte)'-', text);

    /// <summary>
    /// <c>-text\r\n</c> from a string such as a <see cref="RespProtocolException"/> message prefixed with <c>ERR </c>.
    /// Encoded straight into the writer's memory, so nothing is allocated.
    /// </summary>
    public static void WriteError(IBufferWriter<byte> writer, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length) + 3;
        Span<byte> span = writer.GetSpan(max);
        span[0] = (byte)'-';
        int length = Encoding.UTF8.GetBytes(text, span[1..]);
        Sanitize(span.Slice(1, length));
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        writer.Advance(length + 3);
    }

    /// <summary><c>:value\r\n</c>.</summary>
    public static void WriteInteger(IBufferWriter<byte> writer, long value) => WriteHeader(writer, (byte)':', value);

    /// <summary><c>$len\r\npayload\r\n</c>.</summary>
    public static void WriteBulkString(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload)
    {
        WriteHeader(writer, (byte)'$', payload.Length);
        writer.Write(payload);
        writer.Write("\r\n"u8);
    }

    /// <summary><c>$len\r\npayload\r\n</c> from a payload spanning several segments.</summary>
    public static void WriteBulkString(IBufferWriter<byte> writer, in ReadOnlySequence<byte> payload)
    {
        WriteHeader(writer, (byte)'$', payload.Length);
        WriteRaw(writer, payload);
        writer.Write("\r\n"u8);
    }

    /// <summary><c>$-1\r\n</c>, RESP2's null (RESP3 clients accept it too).</summary>
    public static void WriteNullBulk(IBufferWriter<byte> writer) => writer.Write(NullBulk);

    /// <summary><c>_\r\n</c>, RESP3's null.</summary>
    public static void WriteNull(IBufferWriter<byte> writer) => writer.Write(Resp3Null);

    /// <summary><c>*count\r\n</c>; the caller writes the elements after it.</summary>
    public static void WriteArrayHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, (byte)'*', count);

    /// <summary><c>%count\r\n</c> (RESP3 map of <paramref name="count"/> pairs); the caller writes keys and values after it.</summary>
    public static void WriteMapHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, (byte)'%', count);

    /// <summary><c>*-1\r\n</c>.</summary>
    public static void WriteNullArray(IBufferWriter<byte> writer) => writer.Write(NullArray);

    /// <summary>Already encoded bytes (a backend reply or one element of it), copied as they are.</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> encoded) => writer.Write(encoded);

    /// <summary>Already encoded bytes spanning several segments.</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, in ReadOnlySequence<byte> encoded)
    {
        foreach (ReadOnlyMemory<byte> segment in encoded)
        {
            writer.Write(segment.Span);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte type, long value)
    {
        Span<byte> span = writer.GetSpan(MaxHeaderLength);
        span[0] = type;
        int n = RespFormatter.FormatInt(value, span[1..]);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        writer.Advance(n + 3);
    }

    private static void WriteLine(IBufferWriter<byte> writer, byte type, ReadOnlySpan<byte> text)
    {
        Span<byte> span = writer.GetSpan(text.Length + 3);
        span[0] = type;
        text.CopyTo(span[1..]);
        Sanitize(span.Slice(1, text.Length));
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        writer.Advance(text.Length + 3);
    }

    private static void Sanitize(Span<byte> text)
    {
        text.Replace((byte)'\r', (byte)' ');
        text.Replace((byte)'\n', (byte)' ');
    }
}
