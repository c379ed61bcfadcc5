using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Proxy;

/// <summary>
/// The invalidation messages of client-side caching, byte for byte as Redis sends them, and the reading of the ones
/// the nodes send Slotgate.
/// </summary>
internal static class TrackingMessages
{
    /// <summary>
    /// An invalidation of <paramref name="keys"/>, or of everything when null: a RESP3 <c>invalidate</c> push, or for a
    /// RESP2 redirect target a message on the <c>__redis__:invalidate</c> channel.
    /// </summary>
    public static byte[] Invalidate(List<byte[]>? keys, bool resp3)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        buffer.Write(resp3
            ? ">2\r\n$10\r\ninvalidate\r\n"u8
            : "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"u8);
        if (keys is null)
        {
            buffer.Write(resp3 ? RespWriter.Resp3Null : RespWriter.NullBulk);
        }
        else
        {
            RespWriter.WriteArrayHeader(buffer, keys.Count);
            foreach (byte[] key in keys)
            {
                RespWriter.WriteBulkString(buffer, key);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The push a RESP3 client gets when the client it redirects invalidations to is gone.</summary>
    public static byte[] RedirectBroken(long redirect) =>
        Encoding.ASCII.GetBytes($">2\r\n$21\r\ntracking-redir-broken\r\n:{redirect.ToString(CultureInfo.InvariantCulture)}\r\n");

    /// <summary>
    /// Reads a node's <c>invalidate</c> push: true with the keys it names, or with null keys for "everything" (the node
    /// was flushed). False for any other frame.
    /// </summary>
    public static bool TryReadInvalidation(in ReadOnlySequence<byte> frame, out List<byte[]>? keys)
    {
        keys = null;
        byte[] data = frame.ToArray();
        int at = 0;
        if (!ReadHeader(data, ref at, out byte type, out long count) || type != (byte)'>' || count != 2
            || !ReadBulk(data, ref at, out byte[]? kind) || kind is null || !kind.AsSpan().SequenceEqual("invalidate"u8)
            || !ReadHeader(data, ref at, out type, out count))
        {
            return false;
        }
        if (type == (byte)'_' || count < 0)
        {
            return true;
        }
        if (type != (byte)'*')
        {
            return false;
        }
        keys = new List<byte[]>((int)count);
        for (long i = 0; i < count; i++)
        {
            if (!ReadBulk(data, ref at, out byte[]? key) || key is null)
            {
                return false;
            }
            keys.Add(key);
        }
        return true;
    }

    private static bool ReadHeader(byte[] data, ref int at, out byte type, out long value)
    {
        type = 0;
        value = 0;
        int end = data.AsSpan(at).IndexOf("\r\n"u8);
        if (at >= data.Length || end < 0)
        {
            return false;
        }
        type = data[at];
        ReadOnlySpan<byte> number = data.AsSpan(at + 1, end - 1);
        at += end + 2;
        return number.IsEmpty || System.Buffers.Text.Utf8Parser.TryParse(number, out value, out _);
    }

    private static bool ReadBulk(byte[] data, ref int at, out byte[]? value)
    {
        value = null;
        if (!ReadHeader(data, ref at, out byte type, out long length))
        {
            return false;
        }
        if (type == (byte)'+')
        {
            return false;
        }
        if (type != (byte)'$' || length < 0 || at + length + 2 > data.Length)
        {
            return false;
        }
        value = data.AsSpan(at, (int)length).ToArray();
        at += (int)length + 2;
        return true;
    }
}
