using System.Globalization;
using System.Text;

namespace Slotgate.Tools.CommandTableGen;

/// <summary>
/// Reads one RESP2 reply from a stream into plain objects: long, string, List&lt;object?&gt; or null.
/// Just enough for COMMAND and INFO; the generator talks to a trusted local server.
/// </summary>
internal sealed class RespValueReader(Stream stream)
{
    private readonly BufferedStream _stream = new(stream);

    public object? Read()
    {
        int prefix = _stream.ReadByte();
        string line = ReadLine();
        switch (prefix)
        {
            case '+':
                return line;
            case '-':
                throw new InvalidOperationException("Redis replied with an error: " + line);
            case ':':
                return long.Parse(line, CultureInfo.InvariantCulture);
            case '$':
                int length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }
                byte[] payload = new byte[length + 2];
                _stream.ReadExactly(payload);
                return Encoding.UTF8.GetString(payload, 0, length);
            case '*':
                int count = int.Parse(line, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }
                var items = new List<object?>(count);
                for (int i = 0; i < count; i++)
                {
                    items.Add(Read());
                }
                return items;
            default:
                throw new InvalidOperationException($"Unexpected RESP prefix {prefix}.");
        }
    }

    private string ReadLine()
    {
        var builder = new StringBuilder();
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException();
            }
            if (b == '\r')
            {
                _stream.ReadByte();
                return builder.ToString();
            }
            builder.Append((char)b);
        }
    }
}
