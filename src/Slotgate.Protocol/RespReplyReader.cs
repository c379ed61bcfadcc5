using System.Buffers;

namespace Slotgate.Protocol;

/// <summary>
/// Reads one complete reply (as delimited by <see cref="RespScanner"/>) for the few places that must look inside a
/// reply: merging the parts of a split command, and spotting redirections. Allocation-free: results are slices.
/// </summary>
internal static class RespReplyReader
{
    public static RespReplyKind GetKind(in ReadOnlySequence<byte> reply)
    {
        if (reply.Length < 3)
        {
            return RespReplyKind.Invalid;
        }
        var reader = new SequenceReader<byte>(reply);
        reader.TryRead(out byte type);
        bool negative = reader.IsNext((byte)'-');
        return type switch
        {
            (byte)'+' => RespReplyKind.SimpleString,
            (byte)'-' => RespReplyKind.Error,
            (byte)':' => RespReplyKind.Integer,
            (byte)'$' => negative ? RespReplyKind.Null : RespReplyKind.BulkString,
            (byte)'*' => negative ? RespReplyKind.Null : RespReplyKind.Array,
            (byte)'_' => RespReplyKind.Null,
            (byte)',' => RespReplyKind.Double,
            (byte)'#' => RespReplyKind.Boolean,
            (byte)'(' => RespReplyKind.BigNumber,
            (byte)'!' => RespReplyKind.BulkError,
            (byte)'=' => RespReplyKind.VerbatimString,
            (byte)'%' => RespReplyKind.Map,
            (byte)'~' => RespReplyKind.Set,
            (byte)'>' => RespReplyKind.Push,
            (byte)'|' => RespReplyKind.Attribute,
            _ => RespReplyKind.Invalid,
        };
    }

    /// <summary>Whether the reply is an error, simple (<c>-</c>) or RESP3 bulk (<c>!</c>).</summary>
    public static bool IsError(in ReadOnlySequence<byte> reply) => TypeByte(reply) is (byte)'-' or (byte)'!';

    /// <summary>The text of an error reply (e.g. <c>MOVED 3999 10.0.0.1:6381</c>), without type byte or CRLF.</summary>
    public static ReadOnlySequence<byte> GetErrorText(in ReadOnlySequence<byte> reply)
    {
        if (!IsError(reply))
        {
            throw new InvalidOperationException("The reply is not an error.");
        }
        return TypeByte(reply) == (byte)'-' ? LineContent(reply) : BlobContent(reply);
    }

    /// <summary>Whether the reply is an error whose text starts with <paramref name="prefix"/> (e.g. <c>"MOVED "u8</c>).</summary>
    public static bool ErrorStartsWith(in ReadOnlySequence<byte> reply, ReadOnlySpan<byte> prefix)
    {
        if (!IsError(reply))
        {
            return false;
        }
        var reader = new SequenceReader<byte>(GetErrorText(reply));
        return reader.IsNext(prefix);
    }

    /// <summary>Reads an integer reply (<c>:42\r\n</c>); false for any other reply or a malformed number.</summary>
    public static bool TryReadInteger(in ReadOnlySequence<byte> reply, out long value)
    {
        value = 0;
        if (GetKind(reply) != RespReplyKind.Integer)
        {
            return false;
        }
        ReadOnlySequence<byte> digits = LineContent(reply);
        if (digits.Length > RespNumber.MaxInt64Digits)
        {
            return false;
        }
        if (digits.IsSingleSegment)
        {
            return RespNumber.TryParseInt64(digits.FirstSpan, out value);
        }
        Span<byte> copy = stackalloc byte[RespNumber.MaxInt64Digits];
        digits.CopyTo(copy);
        return RespNumber.TryParseInt64(copy[..(int)digits.Length], out value);
    }

    /// <summary>The text of a simple string reply (<c>+OK\r\n</c> gives <c>OK</c>).</summary>
    public static bool TryGetSimpleString(in ReadOnlySequence<byte> reply, out ReadOnlySequence<byte> text)
    {
        if (GetKind(reply) != RespReplyKind.SimpleString)
        {
            text = default;
            return false;
        }
        text = LineContent(reply);
        return true;
    }

    /// <summary>The payload of a bulk string reply; false for a null bulk string or any other reply.</summary>
    public static bool TryGetBulkString(in ReadOnlySequence<byte> reply, out ReadOnlySequence<byte> payload)
    {
        if (GetKind(reply) != RespReplyKind.BulkString)
        {
            payload = default;
            return false;
        }
        payload = BlobContent(reply);
        return true;
    }

    /// <summary>
    /// The elements of an array, set or push reply, each as its raw encoding; a null array gives
    /// <see cref="RespArrayReader.IsNull"/>. Throws <see cref="InvalidOperationException"/> for other replies.
    /// </summary>
    public static RespArrayReader ReadArray(in ReadOnlySequence<byte> reply)
    {
        RespReplyKind kind = GetKind(reply);
        if (kind == RespReplyKind.Invalid || TypeByte(reply) is not ((byte)'*' or (byte)'~' or (byte)'>'))
        {
            throw new InvalidOperationException("The reply is not an array.");
        }
        var reader = new SequenceReader<byte>(reply);
        long count = ReadHeader(ref reader);
        return new RespArrayReader(reply.Slice(reader.Position), (int)count);
    }

    // The first segment of a slice can be empty (a slice starting at a segment's end), so FirstSpan[0] is not safe.
    private static byte TypeByte(in ReadOnlySequence<byte> reply)
    {
        var reader = new SequenceReader<byte>(reply);
        return reader.TryPeek(out byte type) ? type : (byte)0;
    }

    // "+text\r\n" → "text". The reply is complete, so it ends with CRLF.
    private static ReadOnlySequence<byte> LineContent(in ReadOnlySequence<byte> reply) => reply.Slice(1, reply.Length - 3);

    // "$5\r\nhello\r\n" → "hello".
    private static ReadOnlySequence<byte> BlobContent(in ReadOnlySequence<byte> reply)
    {
        var reader = new SequenceReader<byte>(reply);
        long length = ReadHeader(ref reader);
        return reply.Slice(reader.Position, Math.Max(length, 0));
    }

    private static long ReadHeader(ref SequenceReader<byte> reader)
    {
        RespHeaderStatus status = RespHeader.Read(ref reader, RespNumber.MaxInt64Digits + 2, out _, out long value, out bool isNumber);
        if (status != RespHeaderStatus.Ok || !isNumber)
        {
            throw new RespProtocolException(RespErrors.InvalidReplyLength);
        }
        return value;
    }
}
