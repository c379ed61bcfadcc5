using System.Buffers;
using System.Net;

namespace Slotgate.Tests.Protocol;

/// <summary>The PROXY protocol header parser: every valid header in every split, malformed ones, and a mutation fuzz.</summary>
public class ProxyHeaderParserTests
{
    private const string Cart = "spiffe://cluster.local/ns/shop/sa/cart";
    private static readonly byte[] Resp = "*1\r\n$4\r\nPING\r\n"u8.ToArray();
    private static readonly IPEndPoint Source4 = IPEndPoint.Parse("10.1.2.3:40000");
    private static readonly IPEndPoint Destination4 = IPEndPoint.Parse("10.9.8.7:15088");
    private static readonly IPEndPoint Source6 = IPEndPoint.Parse("[fd00::1:2]:40001");
    private static readonly IPEndPoint Destination6 = IPEndPoint.Parse("[fd00::9]:15088");

    /// <summary>Every valid header, with what it must parse to (compared as text).</summary>
    public static TheoryData<string, byte[], string> ValidHeaders => new()
    {
        { "v2 inet with identity", ProxyHeaders.V2(Source4, Destination4, Cart), $"2 {Source4} {Destination4} {Cart} local=False" },
        { "v2 inet without identity", ProxyHeaders.V2(Source4, Destination4), $"2 {Source4} {Destination4} - local=False" },
        { "v2 inet6 with identity", ProxyHeaders.V2(Source6, Destination6, Cart), $"2 {Source6} {Destination6} {Cart} local=False" },
        {
            "v2 other TLVs around the identity",
            ProxyHeaders.V2(Source4, Destination4, Cart, (0x01, "redis"u8.ToArray()), (0x04, new byte[7]), (0xE0, [])),
            $"2 {Source4} {Destination4} {Cart} local=False"
        },
        { "v2 local", ProxyHeaders.V2Local(), "2 - - - local=True" },
        { "v2 local with an address block", ProxyHeaders.Build(0x20, 0x11, new byte[12]), "2 - - - local=True" },
        {
            "v2 unspec with identity",
            ProxyHeaders.Build(0x21, 0x00, ProxyHeaders.Tlvs([(0xD0, Encoding.UTF8.GetBytes(Cart))])),
            $"2 - - {Cart} local=False"
        },
        { "v2 unix stream", ProxyHeaders.Build(0x21, 0x31, new byte[216]), "2 - - - local=False" },
        {
            "v2 inet6 with IPv4-mapped addresses",
            ProxyHeaders.V2(IPEndPoint.Parse("[::ffff:10.1.2.3]:40000"), IPEndPoint.Parse("[::ffff:10.9.8.7]:15088"), Cart),
            $"2 {Source4} {Destination4} {Cart} local=False"
        },
        { "v1 tcp6 with IPv4-mapped addresses", ProxyHeaders.V1("PROXY TCP6 ::ffff:10.1.2.3 ::ffff:10.9.8.7 40000 15088\r\n"), $"1 {Source4} {Destination4} - local=False" },
        { "v1 tcp4", ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 40000 15088\r\n"), $"1 {Source4} {Destination4} - local=False" },
        { "v1 tcp6", ProxyHeaders.V1("PROXY TCP6 fd00::1:2 fd00::9 40001 15088\r\n"), $"1 {Source6} {Destination6} - local=False" },
        { "v1 unknown", ProxyHeaders.V1("PROXY UNKNOWN\r\n"), "1 - - - local=False" },
        { "v1 unknown with addresses", ProxyHeaders.V1("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"), "1 - - - local=False" },
        { "v1 longest line", ProxyHeaders.V1("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
            "1 [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535 [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535 - local=False" },
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void TryParse_ValidHeaderInEveryShape_CompleteAndRespKept(string name, byte[] header, string expected)
    {
        byte[] data = [.. header, .. Resp];
        foreach ((string shape, ReadOnlySequence<byte> sequence) in Sequences.AllShapes(data))
        {
            ProxyHeaderStatus status = ProxyHeaderParser.TryParse(sequence, out ProxyHeader? parsed, out long consumed, out string? error);
            Assert.True(status == ProxyHeaderStatus.Complete, $"{name}, {shape}: {status} {error}");
            Assert.Equal(header.Length, consumed);
            Assert.Equal(expected, Describe(parsed!));
            Assert.Equal(Resp, sequence.Slice(consumed).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void TryParse_EveryProperPrefixInEveryShape_Incomplete(string name, byte[] header, string expected)
    {
        _ = expected;
        for (int length = 0; length < header.Length; length++)
        {
            byte[] prefix = header[..length];
            foreach ((string shape, ReadOnlySequence<byte> sequence) in Sequences.AllShapes(prefix))
            {
                ProxyHeaderStatus status = ProxyHeaderParser.TryParse(sequence, out ProxyHeader? parsed, out long consumed, out string? error);
                Assert.True(status == ProxyHeaderStatus.Incomplete, $"{name}, first {length} bytes, {shape}: {status} {error}");
                Assert.Null(parsed);
                Assert.Equal(0, consumed);
            }
        }
    }

    public static TheoryData<string, byte[], string> MalformedHeaders => new()
    {
        { "plain RESP", Resp, "not a PROXY protocol header" },
        { "inline command", "PING\r\n"u8.ToArray(), "not a PROXY protocol header" },
        { "signature with a wrong byte", [.. ProxyHeaders.Signature[..11], 0x0B, 0x21, 0x11, 0, 12], "not a PROXY protocol header" },
        { "v2 version 1", ProxyHeaders.Build(0x11, 0x11, new byte[12]), "version 1" },
        { "v2 version 3", ProxyHeaders.Build(0x31, 0x11, new byte[12]), "version 3" },
        { "v2 command 2", ProxyHeaders.Build(0x22, 0x11, new byte[12]), "unknown command 2" },
        { "v2 family 4", ProxyHeaders.Build(0x21, 0x41, new byte[12]), "unknown address family 4" },
        { "v2 udp4", ProxyHeaders.Build(0x21, 0x12, new byte[12]), "datagram" },
        { "v2 transport 3", ProxyHeaders.Build(0x21, 0x13, new byte[12]), "unknown transport 3" },
        { "v2 inet too short", ProxyHeaders.Build(0x21, 0x11, new byte[11]), "too short for its addresses" },
        { "v2 inet6 too short", ProxyHeaders.Build(0x21, 0x21, new byte[12]), "too short for its addresses" },
        { "v2 TLV header cut", ProxyHeaders.Build(0x21, 0x11, [.. new byte[12], 0xD0, 0x00]), "ends inside a TLV" },
        { "v2 TLV overruns", ProxyHeaders.Build(0x21, 0x11, [.. new byte[12], 0xD0, 0x00, 0x09, (byte)'s']), "runs past the header" },
        { "v2 two identities", ProxyHeaders.V2(Source4, Destination4, Cart, (0xD0, "spiffe://x/y"u8.ToArray())), "two identities" },
        { "v2 empty identity", ProxyHeaders.V2(Source4, Destination4, null, (0xD0, [])), "of 0 bytes" },
        { "v2 identity too long", ProxyHeaders.V2(Source4, Destination4, null, (0xD0, Enumerable.Repeat((byte)'a', 2049).ToArray())), "of 2049 bytes" },
        { "v2 identity not UTF-8", ProxyHeaders.V2(Source4, Destination4, null, (0xD0, [(byte)'s', 0xC3, 0x28])), "not UTF-8" },
        { "v2 identity with a space", ProxyHeaders.V2(Source4, Destination4, "spiffe://a/b c"), "spaces or control" },
        { "v2 identity with CRLF", ProxyHeaders.V2(Source4, Destination4, "spiffe://a/b\r\nX"), "spaces or control" },
        { "v1 without CR", ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 40000 15088\n"), "LF without CR" },
        { "v1 too long", ProxyHeaders.V1("PROXY UNKNOWN " + new string('x', 100)), "without CRLF within 107" },
        { "v1 control byte", ProxyHeaders.V1("PROXY TCP4 10.1.2.3\t"), "outside printable ASCII" },
        { "v1 TCP5", ProxyHeaders.V1("PROXY TCP5 10.1.2.3 10.9.8.7 40000 15088\r\n"), "other than TCP4" },
        { "v1 empty", ProxyHeaders.V1("PROXY \r\n"), "other than TCP4" },
        { "v1 octet above 255", ProxyHeaders.V1("PROXY TCP4 10.1.2.256 10.9.8.7 40000 15088\r\n"), "malformed" },
        { "v1 octet with leading zero", ProxyHeaders.V1("PROXY TCP4 10.01.2.3 10.9.8.7 40000 15088\r\n"), "malformed" },
        { "v1 short IPv4", ProxyHeaders.V1("PROXY TCP4 10.1.2 10.9.8.7 40000 15088\r\n"), "malformed" },
        { "v1 IPv6 for TCP4", ProxyHeaders.V1("PROXY TCP4 fd00::1 10.9.8.7 40000 15088\r\n"), "malformed" },
        { "v1 IPv4 for TCP6", ProxyHeaders.V1("PROXY TCP6 10.1.2.3 fd00::9 40000 15088\r\n"), "malformed" },
        { "v1 IPv6 scope", ProxyHeaders.V1("PROXY TCP6 fe80::1%eth0 fd00::9 40000 15088\r\n"), "malformed" },
        { "v1 port above 65535", ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 65536 15088\r\n"), "malformed" },
        { "v1 port with leading zero", ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 040000 15088\r\n"), "malformed" },
        { "v1 missing port", ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 40000\r\n"), "malformed" },
        { "v1 extra field", ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 40000 15088 x\r\n"), "malformed" },
        { "v1 double space", ProxyHeaders.V1("PROXY TCP4 10.1.2.3  10.9.8.7 40000 15088\r\n"), "malformed" },
        { "v1 lower case", ProxyHeaders.V1("proxy TCP4 10.1.2.3 10.9.8.7 40000 15088\r\n"), "not a PROXY protocol header" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void TryParse_MalformedInEveryShape_InvalidWithReason(string name, byte[] header, string reason)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in Sequences.AllShapes([.. header, .. Resp]))
        {
            ProxyHeaderStatus status = ProxyHeaderParser.TryParse(sequence, out ProxyHeader? parsed, out long consumed, out string? error);
            Assert.True(status == ProxyHeaderStatus.Invalid, $"{name}, {shape}: {status}");
            Assert.Contains(reason, error, StringComparison.Ordinal);
            Assert.Null(parsed);
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void TryParse_FirstByteStartsNeitherForm_InvalidAtOnce()
    {
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>("*"u8.ToArray()), out _, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>("PROXI"u8.ToArray()), out _, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>([0x0D, 0x0A, 0x0D, 0x0B]), out _, out _, out _));
    }

    [Fact]
    public void TryParse_V2LargestLength_WaitsForTheWholeBlock()
    {
        byte[] header = ProxyHeaders.V2(Source4, Destination4, Cart, (0x04, new byte[65535 - 12 - 3 - 3 - Cart.Length]));
        Assert.Equal(16 + 65535, header.Length);
        Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(header[..^1]), out _, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(header), out ProxyHeader? parsed, out long consumed, out _));
        Assert.Equal(header.Length, consumed);
        Assert.Equal(Cart, parsed!.Identity);
    }

    /// <summary>
    /// Mutations of valid headers (bytes changed, inserted, removed, lengths rewritten, cut short), parsed whole and
    /// split: the parser only ever answers one of its three results, the same for every shape, and a Complete header
    /// never claims more bytes than it was given.
    /// </summary>
    [Fact]
    public void TryParse_RandomMutations_OnlyOwnResultsAndConsistentAcrossShapes()
    {
        var random = new Random(1616);
        byte[][] seeds =
        [
            ProxyHeaders.V2(Source4, Destination4, Cart),
            ProxyHeaders.V2(Source6, Destination6, Cart, (0x01, "redis"u8.ToArray())),
            ProxyHeaders.V2Local(),
            ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 40000 15088\r\n"),
            ProxyHeaders.V1("PROXY TCP6 fd00::1:2 fd00::9 40001 15088\r\n"),
            ProxyHeaders.V1("PROXY UNKNOWN\r\n"),
        ];
        var counts = new Dictionary<ProxyHeaderStatus, int>();
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            byte[] data = Mutate(seeds[random.Next(seeds.Length)], random);
            ProxyHeaderStatus whole = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(data), out ProxyHeader? header, out long consumed, out string? error);
            counts[whole] = counts.GetValueOrDefault(whole) + 1;
            Assert.True(Enum.IsDefined(whole));
            if (whole == ProxyHeaderStatus.Complete)
            {
                Assert.InRange(consumed, 1, data.Length);
                Assert.NotNull(header);
            }
            else if (whole == ProxyHeaderStatus.Invalid)
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
            int split = data.Length == 0 ? 0 : random.Next(data.Length + 1);
            ProxyHeaderStatus splitStatus = ProxyHeaderParser.TryParse(Sequences.SplitAt(data, split), out ProxyHeader? splitHeader, out long splitConsumed, out _);
            Assert.Equal(whole, splitStatus);
            Assert.Equal(consumed, splitConsumed);
            Assert.Equal(header is null ? null : Describe(header), splitHeader is null ? null : Describe(splitHeader));
        }
        // The mutations reach all three outcomes, so the fuzz explores more than one path.
        Assert.All(Enum.GetValues<ProxyHeaderStatus>(), status => Assert.True(counts.GetValueOrDefault(status) > 100, $"{status}: {counts.GetValueOrDefault(status)}"));
    }

    /// <summary>One to three random edits of <paramref name="seed"/>, as the socket-level fuzz test uses them too.</summary>
    internal static byte[] Mutate(byte[] seed, Random random)
    {
        var data = seed.ToList();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(6))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 1:
                    data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                    break;
                case 2 when data.Count > 0:
                    data.RemoveAt(random.Next(data.Count));
                    break;
                case 3 when data.Count > 17 && data[0] == 0x0D:
                    // The v2 length field, or a TLV length further on.
                    int at = random.Next(2) == 0 ? 14 : random.Next(16, data.Count - 1);
                    data[at] = (byte)random.Next(256);
                    data[at + 1] = (byte)random.Next(256);
                    break;
                case 4 when data.Count > 0:
                    int from = random.Next(data.Count);
                    data.RemoveRange(from, random.Next(1, Math.Min(8, data.Count - from) + 1));
                    break;
                default:
                    data = data.Take(random.Next(data.Count + 1)).ToList();
                    break;
            }
        }
        return [.. data];
    }

    private static string Describe(ProxyHeader header) =>
        $"{header.Version} {header.Source?.ToString() ?? "-"} {header.Destination?.ToString() ?? "-"} {header.Identity ?? "-"} local={header.IsLocal}";
}
