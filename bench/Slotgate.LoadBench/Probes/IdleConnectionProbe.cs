using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Slotgate.LoadBench.Probes;

/// <summary>
/// Opens many client connections to the proxy, each PINGed once so the proxy has really set up its session, and
/// compares the proxy's RSS before and after. Then PINGs every connection again: all must still be served.
/// </summary>
internal static class IdleConnectionProbe
{
    // Enough in flight to open 10,000 connections in seconds, few enough to stay inside the listen backlog.
    private const int Concurrency = 200;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task<IdleConnectionResult> RunAsync(ProxyProcess proxy, int clients, CancellationToken ct)
    {
        CheckFileLimit(Environment.ProcessId, "this harness", clients);
        CheckFileLimit(proxy.ProcessId, "slotgate", clients);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        // The proxy has just been under load: let its pools and GC settle so "before" is its idle footprint.
        await Task.Delay(Settle, deadline.Token).ConfigureAwait(false);
        long before = proxy.ReadRssKiB();

        var sockets = new Socket?[clients];
        try
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, proxy.Port);
            Stopwatch clock = Stopwatch.StartNew();
            int opened = await ForEachAsync(clients, async (i, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets[i] = socket;
                await socket.ConnectAsync(endpoint, token).ConfigureAwait(false);
                return await RespPing.PingAsync(socket, token).ConfigureAwait(false);
            }, deadline.Token).ConfigureAwait(false);
            TimeSpan openTime = clock.Elapsed;
            if (opened != clients)
            {
                throw new LoadBenchException($"idle clients: only {opened} of {clients} connections got +PONG on opening.");
            }

            await Task.Delay(Settle, deadline.Token).ConfigureAwait(false);
            long after = proxy.ReadRssKiB();

            int answered = await ForEachAsync(clients, (i, token) => RespPing.PingAsync(sockets[i]!, token), deadline.Token).ConfigureAwait(false);
            return new IdleConnectionResult(clients, before, after, answered, openTime);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new LoadBenchException($"idle clients: {clients} connections were not opened and PINGed within {Timeout.TotalSeconds:0} s.");
        }
        finally
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> for 0..count-1, <see cref="Concurrency"/> at a time; returns how many returned true.</summary>
    private static async Task<int> ForEachAsync(int count, Func<int, CancellationToken, Task<bool>> action, CancellationToken ct)
    {
        int succeeded = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (i, token) =>
        {
            try
            {
                if (await action(i, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
            catch (SocketException)
            {
                // Counted as a failure; the caller reports how many did not make it.
            }
        }).ConfigureAwait(false);
        return succeeded;
    }

    private static void CheckFileLimit(int pid, string who, int clients)
    {
        long limit = ProcFs.ReadOpenFilesLimit(pid);
        // Each client is one socket in the harness and one in the proxy, plus what both already hold open.
        long needed = clients + 512L;
        if (limit < needed)
        {
            throw new LoadBenchException(
                $"idle clients: {who} may open {limit} files but {clients} clients need about {needed}; raise it (ulimit -n 65536, as bench/run.sh does) or pass --idle-clients.");
        }
    }
}
