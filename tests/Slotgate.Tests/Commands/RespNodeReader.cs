using System.Globalization;
using System.Text;

namespace Slotgate.Tests.Commands;

/// <summary>Parses complete RESP2/RESP3 replies from a stream or a byte array into <see cref="RespNode"/>s.</summary>
internal sealed class RespNodeReader(Stream stream)
{
    public static RespNode Parse(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var reader = new RespNodeReader(stream);
        RespNode node = reader.Read();
        Assert.Equal(bytes.Length, stream.Position);
        return node;
    }

    public RespNode Read()
    {
        int type = stream.ReadByte();
        string line = ReadLine();
        switch (type)
        {
            case '+' or '-' or ',' or '#':
                return new RespNode((char)type, line, 0, null);
            case ':':
                return new RespNode(':', null, long.Parse(line, CultureInfo.InvariantCulture), null);
            case '_':
                return new RespNode('_', null, 0, null);
            case '$':
                int length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return new RespNode('_', null, 0, null);
                }
                byte[] payload = new byte[length + 2];
                stream.ReadExactly(payload);
                return new RespNode('$', Encoding.UTF8.GetString(payload, 0, length), 0, null);
            case '*' or '~' or '%':
                int count = int.Parse(line, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return new RespNode('_', null, 0, null);
                }
                int items = type == '%' ? count * 2 : count;
                var children = new List<RespNode>(items);
                for (int i = 0; i < items; i++)
                {
                    children.Add(Read());
                }
                return new RespNode((char)type, null, 0, children);
            default:
                throw new InvalidDataException($"Unexpected RESP type byte {type}.");
        }
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException();
            }
            if (b == '\r')
            {
                stream.ReadByte();
                return sb.ToString();
            }
            sb.Append((char)b);
        }
    }
}
