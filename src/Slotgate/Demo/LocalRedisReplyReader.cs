using System.Globalization;
using System.Text;

namespace Slotgate.Demo;

/// <summary>Reads RESP2 replies for <see cref="LocalRedisClient"/> from a stream through its own buffer.</summary>
internal sealed class LocalRedisReplyReader(Stream stream)
{
    private const int MaxLineLength = 64 * 1024;

    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public async Task<LocalRedisReply> ReadAsync(CancellationToken ct)
    {
        string line = await ReadLineAsync(ct).ConfigureAwait(false);
        if (line.Length == 0)
        {
            throw new IOException("Empty RESP line.");
        }
        string rest = line[1..];
        switch (line[0])
        {
            case '+':
                return LocalRedisReply.Simple(rest);
            case '-':
                return LocalRedisReply.Error(rest);
            case ':':
                return LocalRedisReply.Number(long.Parse(rest, CultureInfo.InvariantCulture));
            case '$':
            {
                int length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return LocalRedisReply.Null;
                }
                byte[] payload = await ReadExactAsync(length + 2, ct).ConfigureAwait(false);
                return LocalRedisReply.Bulk(Encoding.UTF8.GetString(payload, 0, length));
            }
            case '*':
            {
                int count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return LocalRedisReply.Null;
                }
                var items = new List<LocalRedisReply>(count);
                for (int i = 0; i < count; i++)
                {
                    items.Add(await ReadAsync(ct).ConfigureAwait(false));
                }
                return LocalRedisReply.List(items);
            }
            default:
                throw new IOException($"Unexpected RESP type byte '{line[0]}'.");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                await FillAsync(ct).ConfigureAwait(false);
            }
            byte b = _buffer[_start++];
            if (b == (byte)'\n' && line.Count > 0 && line[^1] == (byte)'\r')
            {
                return Encoding.UTF8.GetString([.. line[..^1]]);
            }
            line.Add(b);
            if (line.Count > MaxLineLength)
            {
                throw new IOException("RESP line too long.");
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
    {
        byte[] result = new byte[count];
        int copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(ct).ConfigureAwait(false);
            }
            int chunk = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, chunk);
            _start += chunk;
            copied += chunk;
        }
        return result;
    }

    private async Task FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
        if (_end == 0)
        {
            throw new IOException("Connection closed before the reply was complete.");
        }
    }
}
