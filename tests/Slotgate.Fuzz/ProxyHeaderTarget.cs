using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Fuzz;

/// <summary>
/// Fuzz target 4: <see cref="ProxyHeaderParser"/>, the PROXY protocol header before a <c>proxyProtocol.listen</c>
/// client's RESP. Invariants: it never throws; it answers the same (status, header, length) whether the bytes come in
/// one segment, at random cuts or one byte per segment; a Complete header claims no more bytes than it was given,
/// and every shorter prefix of it is Incomplete (a pipe delivering it byte by byte would get there); an undamaged
/// generated header is Complete with exactly its own length.
/// </summary>
internal sealed class ProxyHeaderTarget
{
    private const string Name = "proxyheader";
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyHeaderTarget Create() => new();

    public void RunOne(Random random)
    {
        byte[] header = Generate(random);
        byte[] input = [.. header, .. Tail(random)];
        bool mutated = random.Next(8) != 0;
        if (mutated)
        {
            input = Mutator.Mutate(random, input, 1 + random.Next(3));
        }
        Check(input, mutated ? null : header.Length, random);
    }

    public void Check(byte[] input, int? headerLength, Random random)
    {
        Outcome whole = Parse(input, new ReadOnlySequence<byte>(input));
        Compare(input, whole, Parse(input, FuzzSegments.Chain(input, 0, input.Length, FuzzSegments.RandomCuts(random, input.Length, 8))), "random cuts");
        if (input.Length <= 256)
        {
            Compare(input, whole, Parse(input, FuzzSegments.Chain(input, 0, input.Length, FuzzSegments.EveryByte(input.Length))), "one byte per segment");
        }
        if (whole.Status == ProxyHeaderStatus.Complete)
        {
            if (whole.Consumed < 1 || whole.Consumed > input.Length)
            {
                throw new FuzzFailure(Name, $"Complete with {whole.Consumed} bytes of {input.Length}", input);
            }
            // Prefixes: a few at random, and the one a byte short.
            foreach (int length in new[] { (int)whole.Consumed - 1, random.Next((int)whole.Consumed), random.Next((int)whole.Consumed) })
            {
                Outcome prefix = Parse(input, new ReadOnlySequence<byte>(input, 0, length));
                if (prefix.Status != ProxyHeaderStatus.Incomplete)
                {
                    throw new FuzzFailure(Name, $"the first {length} bytes of a {whole.Consumed}-byte header gave {prefix}", input);
                }
            }
        }
        else if (whole.Status == ProxyHeaderStatus.Invalid && whole.Consumed != 0)
        {
            throw new FuzzFailure(Name, $"Invalid but consumed {whole.Consumed}", input);
        }
        if (headerLength is { } expected && (whole.Status != ProxyHeaderStatus.Complete || whole.Consumed != expected))
        {
            throw new FuzzFailure(Name, $"undamaged {expected}-byte header gave {whole}", input);
        }
    }

    private static Outcome Parse(byte[] input, ReadOnlySequence<byte> sequence)
    {
        try
        {
            ProxyHeaderStatus status = ProxyHeaderParser.TryParse(sequence, out ProxyHeader? header, out long consumed, out string? error);
            if (status == ProxyHeaderStatus.Invalid && string.IsNullOrEmpty(error))
            {
                throw new FuzzFailure(Name, "Invalid without a reason", input);
            }
            if ((status == ProxyHeaderStatus.Complete) != (header is not null))
            {
                throw new FuzzFailure(Name, $"{status} with header {header}", input);
            }
            return new Outcome(status, consumed, header is null ? "" : $"{header.Version} {header.Source} {header.Destination} {header.Identity} {header.IsLocal}");
        }
        catch (Exception ex) when (ex is not FuzzFailure)
        {
            throw new FuzzFailure(Name, $"threw {ex.GetType().Name}: {ex.Message}", input, ex);
        }
    }

    private static void Compare(byte[] input, Outcome expected, Outcome actual, string shape)
    {
        if (expected != actual)
        {
            throw new FuzzFailure(Name, $"{shape} gave {actual}, whole input gave {expected}", input);
        }
    }

    /// <summary>A valid header: v2 (INET, INET6, UNIX, UNSPEC, LOCAL; TLVs, perhaps an identity) or v1.</summary>
    private static byte[] Generate(Random random)
    {
        if (random.Next(4) == 0)
        {
            return Encoding.ASCII.GetBytes(random.Next(3) switch
            {
                0 => $"PROXY TCP4 {V4(random)} {V4(random)} {random.Next(65536)} {random.Next(65536)}\r\n",
                1 => $"PROXY TCP6 {V6(random)} {V6(random)} {random.Next(65536)} {random.Next(65536)}\r\n",
                _ => "PROXY UNKNOWN\r\n",
            });
        }
        (byte family, int addresses) = random.Next(5) switch
        {
            0 => ((byte)0x11, 12),
            1 => ((byte)0x21, 36),
            2 => ((byte)0x31, 216),
            3 => ((byte)0x00, 0),
            _ => ((byte)0x11, 12),
        };
        bool local = random.Next(8) == 0;
        var body = new List<byte>();
        body.AddRange(Bytes(random, addresses));
        int tlvs = random.Next(4);
        bool identity = false;
        for (int i = 0; i < tlvs; i++)
        {
            if (!identity && random.Next(2) == 0)
            {
                identity = true;
                Tlv(body, 0xD0, Encoding.UTF8.GetBytes($"spiffe://cluster.local/ns/n{random.Next(100)}/sa/s{random.Next(100)}"));
            }
            else
            {
                // Any type but the identity's: others are skipped, whatever they hold.
                byte type = (byte)random.Next(256);
                Tlv(body, type == 0xD0 ? (byte)0x04 : type, Bytes(random, random.Next(random.Next(8) == 0 ? 600 : 20)));
            }
        }
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)body.Count);
        return [.. Signature, local ? (byte)0x20 : (byte)0x21, family, .. length, .. body];
    }

    private static byte[] Tail(Random random) => random.Next(3) switch
    {
        0 => [],
        1 => "*1\r\n$4\r\nPING\r\n"u8.ToArray(),
        _ => Bytes(random, random.Next(16)),
    };

    private static void Tlv(List<byte> body, byte type, byte[] value)
    {
        body.Add(type);
        body.Add((byte)(value.Length >> 8));
        body.Add((byte)value.Length);
        body.AddRange(value);
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string V4(Random random) =>
        string.Join('.', Enumerable.Range(0, 4).Select(_ => random.Next(256).ToString(CultureInfo.InvariantCulture)));

    private static string V6(Random random) =>
        string.Join(':', Enumerable.Range(0, 8).Select(_ => random.Next(65536).ToString("x", CultureInfo.InvariantCulture)));

    private readonly record struct Outcome(ProxyHeaderStatus Status, long Consumed, string Header);
}
