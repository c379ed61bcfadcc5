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

    /// <summary>
    /// For fixed ports (<c>slotgate-demo</c>): waits until <c>p .. p+count-1</c> and their bus ports can be bound, as
    /// they can a moment after a previous cluster on them was stopped; names the first busy one if they stay busy.
    /// </summary>
    public static async Task WaitForRedisPortsAsync(int start, int count, TimeSpan timeout, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            int busy = Enumerable.Range(start, count)
                .SelectMany(p => new[] { p, p + LocalClusterOptions.ClusterBusPortOffset })
                .FirstOrDefault(p => !IsBindable(p, asRedisDoes: true));
            if (busy == 0)
            {
                return;
            }
            if (waited.Elapsed >= timeout)
            {
                throw new LocalClusterException(
                    $"pick ports: 127.0.0.1:{busy} is in use by another process (ports {start}..{start + count - 1} and their cluster bus ports " +
                    $"{start + LocalClusterOptions.ClusterBusPortOffset}..{start + count - 1 + LocalClusterOptions.ClusterBusPortOffset} are needed). " +
                    "Is another local cluster or demo running?");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }
    }

    private static bool IsAvailable(int port) => !Issued.Contains(port) && IsBindable(port, asRedisDoes: false);

    /// <param name="asRedisDoes">Bind with SO_REUSEADDR, as redis-server does: a port whose old connections linger in
    /// TIME_WAIT counts as free, one another process listens on does not.</param>
    private static bool IsBindable(int port, bool asRedisDoes)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            if (asRedisDoes)
            {
                listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
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
