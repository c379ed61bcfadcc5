using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Slotgate.Tests.Protocol;

/// <summary>Builds PROXY protocol headers as a proxy (HAProxy, ztunnel) sends them, for parser and listener tests.</summary>
internal static class ProxyHeaders
{
    public static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A v2 PROXY header for a TCP connection from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static byte[] V2(IPEndPoint source, IPEndPoint destination, string? identity = null, params (byte Type, byte[] Value)[] tlvs)
    {
        bool v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var body = new List<byte>();
        body.AddRange(source.Address.GetAddressBytes());
        body.AddRange(destination.Address.GetAddressBytes());
        body.AddRange(Port(source.Port));
        body.AddRange(Port(destination.Port));
        var all = tlvs.ToList();
        if (identity is not null)
        {
            all.Add((0xD0, Encoding.UTF8.GetBytes(identity)));
        }
        return Build(0x21, v6 ? (byte)0x21 : (byte)0x11, [.. body, .. Tlvs(all)]);
    }

    /// <summary>A v2 LOCAL header (the proxy's own health check).</summary>
    public static byte[] V2Local() => Build(0x20, 0x00, []);

    /// <summary>A v2 header with any version/command, family/transport and body, for malformed cases.</summary>
    public static byte[] Build(byte versionCommand, byte familyTransport, byte[] body, int? length = null) =>
        [.. Signature, versionCommand, familyTransport, .. Port(length ?? body.Length), .. body];

    public static byte[] Tlvs(IEnumerable<(byte Type, byte[] Value)> tlvs)
    {
        var bytes = new List<byte>();
        foreach ((byte type, byte[] value) in tlvs)
        {
            bytes.Add(type);
            bytes.AddRange(Port(value.Length));
            bytes.AddRange(value);
        }
        return [.. bytes];
    }

    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    private static byte[] Port(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
        return bytes;
    }
}
