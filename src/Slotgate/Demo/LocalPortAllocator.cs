using System.Net;
using System.Net.Sockets;

namespace Slotgate.Demo;

/// <summary>
/// Hands out loopback ports that are free now and not handed out before in this process. Every port user in the
/// process (clusters, test proxies) goes through here, so two clusters started by parallel test collections can
/// never pick the same ports between the free-check and redis-server binding them.
/// </summary>
internal static class LocalPortAllocator
{
    // Client ports 12000..21999 put bus ports at 22000..31999: both below Linux's default ephemeral range
    // (32768..60999), so outgoing connections cannot be holding them by chance.
    private const int FirstPort = 12000;
    private const int PortCount = 10000;

    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Issued = [];
    private static int _cursor = Random.Shared.Next(PortCount);

    /// <summary>Ports <c>p .. p+count-1</c> whose bus ports <c>+10000</c> are free too; returns p.</summary>
    public static int ReserveRedisPorts(int count)
    {
        lock (Gate)
        {
            for (int attempt = 0; attempt < PortCount; attempt++)
            {
                int start = FirstPort + (_cursor++ % (PortCount - count));
                if (Enumerable.Range(start, count).All(p => IsAvailable(p) && IsAvailable(p + LocalClusterOptions.ClusterBusPortOffset)))
                {
                    foreach (int p in Enumerable.Range(start, count))
                    {
                        Issued.Add(p);
                        Issued.Add(p + LocalClusterOptions.ClusterBusPortOffset);
                    }
                    _cursor += count;
                    return start;
                }
            }
        }
        throw new LocalClusterException($"pick ports: no run of {count} free ports (with bus ports +{LocalClusterOptions.ClusterBusPortOffset}) in {FirstPort}..{FirstPort + PortCount}.");
    }

    /// <summary>One free loopback port, for anything that is not a Redis node (a proxy listener in a test).</summary>
    public static int ReservePort()
    {
        lock (Gate)
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Issued.Add(port))
                {
                    return port;
                }
            }
        }
        throw new LocalClusterException("pick ports: the OS kept returning ports already handed out.");
    }

    private static bool IsAvailable(int port)
    {
        if (Issued.Contains(port))
        {
            return false;
        }
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
