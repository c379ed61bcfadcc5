using System.Buffers;
using System.Text;

namespace Slotgate.Protocol;

/// <summary>
/// A decoded RESP2 or RESP3 reply as a small tree. Control-plane only (topology discovery, INFO aggregation): it allocates,
/// so the command hot path never uses it and forwards raw bytes instead.
/// </summary>
internal sealed class RespValue
{
    private RespValue(char type, string? text, long integer, IReadOnlyList<RespValue>? items)
    {
        Type = type;
        Text = text;
        Integer = integer;
        Items = items;
    }

    /// <summary>
    /// The RESP type byte: '+', '-', ':', '$', '*' and, for RESP3, '_', ',', '#', '(', '=', '!', '%', '~', '>'. Maps
    /// keep their pairs as a flat <see cref="Items"/> list. Null bulk and null array have null <see cref="Text"/>/<see cref="Items"/>.
    /// </summary>
    public char Type { get; }

    public string? Text { get; }

    public long Integer { get; }

    public IReadOnlyList<RespValue>? Items { get; }

    /// <summary><see cref="Items"/>, or an empty list for scalars and null aggregates.</summary>
    public IReadOnlyList<RespValue> ItemsOrEmpty => Items ?? [];

    public bool IsError => Type == '-';

    public bool IsNull => Type == '_' || (Type is '$' or '=' && Text is null) || (Type == '*' && Items is null);

    public override string ToString() => Type switch
    {
        ':' => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        '*' => Items is null ? "(nil)" : "[" + string.Join(", ", Items) + "]",
        _ => Text ?? "(nil)",
    };

    /// <summary>Decodes one complete reply; throws <see cref="RespProtocolException"/> when it is not valid RESP2.</summary>
    public static RespValue Parse(ReadOnlySequence<byte> reply)
    {
        var reader = new SequenceReader<byte>(reply);
        return Read(ref reader, depth: 0);
    }

    public static RespValue Parse(byte[] reply) => Parse(new ReadOnlySequence<byte>(reply));

    private static RespValue Read(ref SequenceReader<byte> reader, int depth)
    {
        if (depth > 64 || !reader.TryRead(out byte type))
        {
            throw new RespProtocolException("Protocol error: truncated or too deeply nested reply");
        }
        string line = ReadLine(ref reader);
        switch (type)
        {
            case (byte)'+':
            case (byte)'-':
            case (byte)',':
            case (byte)'#':
            case (byte)'(':
                return new RespValue((char)type, line, 0, null);
            case (byte)'_':
                return new RespValue('_', null, 0, null);
            case (byte)':':
                return new RespValue(':', null, ParseInt(line), null);
            case (byte)'$':
            case (byte)'=':
            case (byte)'!':
            {
                long length = ParseInt(line);
                if (length < 0)
                {
                    return new RespValue((char)type, null, 0, null);
                }
                if (reader.Remaining < length + 2)
                {
                    throw new RespProtocolException("Protocol error: truncated bulk string");
                }
                ReadOnlySequence<byte> payload = reader.Sequence.Slice(reader.Position, length);
                reader.Advance(length + 2);
                string text = Encoding.UTF8.GetString(payload);
                // A verbatim string carries a three-letter format and a colon ("txt:") before its text.
                return new RespValue((char)type, type == (byte)'=' && text.Length >= 4 ? text[4..] : text, 0, null);
            }
            case (byte)'*':
            case (byte)'>':
            case (byte)'~':
            case (byte)'%':
            case (byte)'|':
            {
                long count = ParseInt(line);
                if (count < 0)
                {
                    return new RespValue('*', null, 0, null);
                }
                // Maps and attributes are kept as flat key/value lists.
                if (type is (byte)'%' or (byte)'|')
                {
                    count *= 2;
                }
                var items = new RespValue[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = Read(ref reader, depth + 1);
                }
                if (type == (byte)'|')
                {
                    return Read(ref reader, depth + 1); // attributes describe the value that follows; the value is what counts
                }
                return new RespValue((char)type, null, 0, items);
            }
            default:
                throw new RespProtocolException($"Protocol error: unexpected reply type '{(char)type}'");
        }
    }

    private static string ReadLine(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            throw new RespProtocolException("Protocol error: truncated reply line");
        }
        return Encoding.UTF8.GetString(line);
    }

    private static long ParseInt(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new RespProtocolException($"Protocol error: invalid integer '{text}'");
}
