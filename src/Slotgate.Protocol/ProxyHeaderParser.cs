using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slotgate.Protocol;

/// <summary>
/// Reads the PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) that a proxy in front of Slotgate
/// sends before the client's own bytes; in an Istio Ambient "sandwich", ztunnel sends v2 with the client's SPIFFE ID
/// in TLV 0xD0. Stateless: called again with everything received so far until it answers Complete or Invalid, which
/// costs nothing worth saving since it runs once per connection. It never reads past the bytes it is given, never
/// throws for any input, and decides as early as the bytes allow (a first byte that starts neither form is Invalid at
/// once, so a plain RESP client on a PROXY listener does not wait for the timeout).
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>The longest v1 line, CRLF included (the spec's own bound: <c>PROXY UNKNOWN</c> with two IPv6 addresses).</summary>
    public const int MaxV1Length = 107;

    /// <summary>The v2 fixed part: signature, version/command, family/transport, length.</summary>
    public const int V2FixedLength = 16;

    /// <summary>Istio's TLV type for the peer's authenticated identity (a SPIFFE ID, UTF-8).</summary>
    public const byte IdentityTlv = 0xD0;

    /// <summary>SPIFFE IDs are at most 2048 bytes (SPIFFE ID specification, section 2.3).</summary>
    public const int MaxIdentityLength = 2048;

    private const int V2AddressInet = 12;
    private const int V2AddressInet6 = 36;
    private const int V2AddressUnix = 216;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Reads a header from the start of <paramref name="input"/>.</summary>
    /// <param name="header">The header, when Complete.</param>
    /// <param name="consumed">The header's length, when Complete: the client's RESP starts there.</param>
    /// <param name="error">Why the bytes are not a valid header, when Invalid (short, for a log line).</param>
    public static ProxyHeaderStatus TryParse(in ReadOnlySequence<byte> input, out ProxyHeader? header, out long consumed, out string? error)
    {
        header = null;
        consumed = 0;
        error = null;
        Span<byte> start = stackalloc byte[V2FixedLength];
        int have = (int)Math.Min(input.Length, V2FixedLength);
        if (have == 0)
        {
            return ProxyHeaderStatus.Incomplete;
        }
        input.Slice(0, have).CopyTo(start);
        start = start[..have];
        if (StartsLike(start, V2Signature))
        {
            return have < V2FixedLength
                ? ProxyHeaderStatus.Incomplete
                : ParseV2(input, start, out header, out consumed, out error);
        }
        if (StartsLike(start, V1Prefix))
        {
            return ParseV1(input, out header, out consumed, out error);
        }
        error = "not a PROXY protocol header (neither the v2 signature nor 'PROXY ')";
        return ProxyHeaderStatus.Invalid;
    }

    /// <summary>True when <paramref name="start"/> and <paramref name="prefix"/> agree on the bytes both have.</summary>
    private static bool StartsLike(ReadOnlySpan<byte> start, ReadOnlySpan<byte> prefix)
    {
        int n = Math.Min(start.Length, prefix.Length);
        return start[..n].SequenceEqual(prefix[..n]);
    }

    private static ProxyHeaderStatus ParseV2(in ReadOnlySequence<byte> input, ReadOnlySpan<byte> fixedPart, out ProxyHeader? header, out long consumed, out string? error)
    {
        header = null;
        consumed = 0;
        error = null;
        int version = fixedPart[12] >> 4;
        int command = fixedPart[12] & 0x0F;
        if (version != 2)
        {
            error = $"v2 header with version {version}";
            return ProxyHeaderStatus.Invalid;
        }
        if (command > 1)
        {
            error = $"v2 header with unknown command {command}";
            return ProxyHeaderStatus.Invalid;
        }
        int family = fixedPart[13] >> 4;
        int transport = fixedPart[13] & 0x0F;
        int length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (input.Length < V2FixedLength + length)
        {
            return ProxyHeaderStatus.Incomplete;
        }
        long total = V2FixedLength + length;
        if (command == 0)
        {
            // LOCAL: the proxy's own connection (a health check). The spec says to accept it, use the socket's real
            // addresses and discard the rest of the block, family included.
            header = new ProxyHeader(2, null, null, null) { IsLocal = true };
            consumed = total;
            return ProxyHeaderStatus.Complete;
        }
        int addressLength;
        switch (family)
        {
            case 0: addressLength = 0; break;
            case 1: addressLength = V2AddressInet; break;
            case 2: addressLength = V2AddressInet6; break;
            case 3: addressLength = V2AddressUnix; break;
            default:
                error = $"v2 header with unknown address family {family}";
                return ProxyHeaderStatus.Invalid;
        }
        if (family != 0 && transport != 1)
        {
            error = transport == 2 ? "v2 header for a datagram connection" : $"v2 header with unknown transport {transport}";
            return ProxyHeaderStatus.Invalid;
        }
        if (length < addressLength)
        {
            error = $"v2 header of {length} bytes, too short for its addresses ({addressLength})";
            return ProxyHeaderStatus.Invalid;
        }
        byte[]? rented = null;
        Span<byte> body = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            input.Slice(V2FixedLength, length).CopyTo(body);
            IPEndPoint? source = null;
            IPEndPoint? destination = null;
            if (family == 1)
            {
                source = new IPEndPoint(new IPAddress(body[..4]), BinaryPrimitives.ReadUInt16BigEndian(body[8..]));
                destination = new IPEndPoint(new IPAddress(body[4..8]), BinaryPrimitives.ReadUInt16BigEndian(body[10..]));
            }
            else if (family == 2)
            {
                source = new IPEndPoint(Unmapped(new IPAddress(body[..16])), BinaryPrimitives.ReadUInt16BigEndian(body[32..]));
                destination = new IPEndPoint(Unmapped(new IPAddress(body[16..32])), BinaryPrimitives.ReadUInt16BigEndian(body[34..]));
            }
            // UNSPEC and UNIX carry no IP address: the socket's own stand, as for LOCAL; their TLVs still count.
            if (ReadTlvs(body[addressLength..], out string? identity, out error))
            {
                header = new ProxyHeader(2, source, destination, identity);
                consumed = total;
                return ProxyHeaderStatus.Complete;
            }
            return ProxyHeaderStatus.Invalid;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Walks the type-length-value entries after the addresses; each must fit exactly. Keeps TLV 0xD0.</summary>
    private static bool ReadTlvs(ReadOnlySpan<byte> tlvs, out string? identity, out string? error)
    {
        identity = null;
        error = null;
        while (tlvs.Length > 0)
        {
            if (tlvs.Length < 3)
            {
                error = $"v2 header ends inside a TLV ({tlvs.Length} bytes left)";
                return false;
            }
            byte type = tlvs[0];
            int length = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..]);
            if (length > tlvs.Length - 3)
            {
                error = $"v2 TLV 0x{type:X2} of {length} bytes runs past the header";
                return false;
            }
            ReadOnlySpan<byte> value = tlvs.Slice(3, length);
            if (type == IdentityTlv)
            {
                if (identity is not null)
                {
                    error = "v2 header with two identities (TLV 0xD0)";
                    return false;
                }
                if (!TryReadIdentity(value, out identity, out error))
                {
                    return false;
                }
            }
            tlvs = tlvs[(3 + length)..];
        }
        return true;
    }

    private static bool TryReadIdentity(ReadOnlySpan<byte> value, out string? identity, out string? error)
    {
        identity = null;
        error = null;
        if (value.Length is 0 or > MaxIdentityLength)
        {
            error = $"v2 identity (TLV 0xD0) of {value.Length} bytes (1 to {MaxIdentityLength} allowed)";
            return false;
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            error = "v2 identity (TLV 0xD0) is not UTF-8";
            return false;
        }
        foreach (char c in text)
        {
            // Shown in CLIENT LIST (space-separated fields), INFO (comma-separated) and logs: a SPIFFE ID never
            // holds spaces or control characters, so one that does is not trusted.
            if (c <= ' ' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                error = "v2 identity (TLV 0xD0) contains spaces or control characters";
                return false;
            }
        }
        identity = text;
        return true;
    }

    private static ProxyHeaderStatus ParseV1(in ReadOnlySequence<byte> input, out ProxyHeader? header, out long consumed, out string? error)
    {
        header = null;
        consumed = 0;
        error = null;
        int have = (int)Math.Min(input.Length, MaxV1Length);
        Span<byte> line = stackalloc byte[MaxV1Length];
        input.Slice(0, have).CopyTo(line);
        line = line[..have];
        int newline = line.IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (have >= MaxV1Length)
            {
                error = $"v1 header without CRLF within {MaxV1Length} bytes";
                return ProxyHeaderStatus.Invalid;
            }
            // Bytes no v1 line can hold fail now rather than at the timeout (a CR may only be the last byte so far).
            ReadOnlySpan<byte> sofar = line[^1] == (byte)'\r' ? line[..^1] : line;
            if (sofar.IndexOfAnyExceptInRange((byte)' ', (byte)'~') >= 0)
            {
                error = "v1 header with a byte outside printable ASCII";
                return ProxyHeaderStatus.Invalid;
            }
            return ProxyHeaderStatus.Incomplete;
        }
        if (newline == 0 || line[newline - 1] != (byte)'\r')
        {
            error = "v1 header ends in LF without CR";
            return ProxyHeaderStatus.Invalid;
        }
        ReadOnlySpan<byte> fields = line[V1Prefix.Length..(newline - 1)];
        if (fields.IndexOfAnyExceptInRange((byte)' ', (byte)'~') >= 0)
        {
            error = "v1 header with a byte outside printable ASCII";
            return ProxyHeaderStatus.Invalid;
        }
        consumed = newline + 1;
        if (fields.StartsWith("UNKNOWN"u8) && (fields.Length == 7 || fields[7] == (byte)' '))
        {
            // The spec: a receiver must ignore whatever follows UNKNOWN and use the socket's addresses.
            header = new ProxyHeader(1, null, null, null);
            return ProxyHeaderStatus.Complete;
        }
        AddressFamily family;
        if (fields.StartsWith("TCP4 "u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (fields.StartsWith("TCP6 "u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            consumed = 0;
            error = "v1 header with a protocol other than TCP4, TCP6 or UNKNOWN";
            return ProxyHeaderStatus.Invalid;
        }
        string text = Encoding.ASCII.GetString(fields[5..]);
        string[] parts = text.Split(' ');
        if (parts.Length != 4
            || !TryParseAddress(parts[0], family, out IPAddress? source)
            || !TryParseAddress(parts[1], family, out IPAddress? destination)
            || !TryParsePort(parts[2], out int sourcePort)
            || !TryParsePort(parts[3], out int destinationPort))
        {
            consumed = 0;
            error = "v1 header with malformed addresses or ports";
            return ProxyHeaderStatus.Invalid;
        }
        header = new ProxyHeader(1, new IPEndPoint(Unmapped(source), sourcePort), new IPEndPoint(Unmapped(destination), destinationPort), null);
        return ProxyHeaderStatus.Complete;
    }

    /// <summary>
    /// An IPv4 client of a dual-stack proxy arrives as <c>::ffff:a.b.c.d</c>: shown and counted as the IPv4 address it
    /// is, so per-address limits see one client whichever family the proxy used.
    /// </summary>
    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Dotted-quad IPv4 or plain IPv6 text; nothing IPAddress.Parse also takes (<c>1</c>, <c>0x7f.1</c>, scopes).</summary>
    private static bool TryParseAddress(string text, AddressFamily family, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (family == AddressFamily.InterNetwork)
        {
            string[] octets = text.Split('.');
            if (octets.Length != 4)
            {
                return false;
            }
            foreach (string octet in octets)
            {
                if (octet.Length is 0 or > 3 || !octet.All(char.IsAsciiDigit) || (octet.Length > 1 && octet[0] == '0') || int.Parse(octet, System.Globalization.CultureInfo.InvariantCulture) > 255)
                {
                    return false;
                }
            }
        }
        else if (text.Length == 0 || !text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))
        {
            return false;
        }
        return IPAddress.TryParse(text, out address) && address.AddressFamily == family;
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port <= 65535;
    }
}
