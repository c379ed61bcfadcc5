using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Slotgate.Tests.Transport;

/// <summary>
/// A Slotgate out of file descriptors (EMFILE on accept): it pauses accepting on the loop rather than spin, keeps
/// serving the clients it has, and accepts the waiting ones once descriptors are free again, on both event-loop
/// transports. The limit must be the process's own, so Slotgate runs as a child process, and once it serves, its limit
/// is lowered with <c>prlimit</c> to what it uses plus a few.
/// </summary>
[Collection(ProxyCollection.Name)]
public class DescriptorLimitTests(ProxyFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    // Descriptors left for clients once the limit is lowered: fewer than the clients that connect, more than the half
    // of them that stay.
    private const int Headroom = 40;
    private const int Clients = 64;

    [Theory]
    [InlineData("epoll")]
    [InlineData("io_uring")]
    public async Task Accept_OutOfDescriptors_PausesThenServesWaitingClients(string transport)
    {
        int port = FreePort.Next();
        string slotgate = Path.Combine(AppContext.BaseDirectory, "slotgate.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])[slotgate,
            "--seed", fixture.Cluster.SeedEndpoints[0], "--listen", $"127.0.0.1:{port}", "--admin:listen=off",
            $"--io:transport={transport}", "--io:eventLoops=1"])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sockets = new List<Socket>();
        try
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, port);
            await WaitForPongAsync(endpoint);
            int open = Directory.GetFiles($"/proc/{process.Id}/fd").Length;
            using (var limit = Process.Start("prlimit", ["--pid", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"--nofile={open + Headroom}:{open + Headroom}"]))
            {
                await limit.WaitForExitAsync();
                Assert.Equal(0, limit.ExitCode);
            }

            // More clients than Slotgate has descriptors for: the kernel completes every handshake (the backlog is
            // larger), Slotgate accepts until EMFILE, then pauses.
            for (int i = 0; i < Clients; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint);
                sockets.Add(socket);
            }
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                while (!log.Any(line => line.Contains("Accepting clients failed (errno 24)", StringComparison.Ordinal)))
                {
                    await Task.Delay(50, deadline.Token);
                }
            }

            // The first client is served meanwhile; then half the clients leave, and every one left must be answered,
            // those still waiting in the backlog too, once accepting resumes.
            Assert.Equal("+PONG\r\n", await PingAsync(sockets[0]));
            for (int i = 1; i < Clients; i += 2)
            {
                sockets[i].Dispose();
            }
            for (int i = 0; i < Clients; i += 2)
            {
                Assert.Equal("+PONG\r\n", await PingAsync(sockets[i]));
            }
            Assert.False(process.HasExited);
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
            foreach (string line in log.Take(40))
            {
                output.WriteLine(line);
            }
        }
    }

    private static async Task<string> PingAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.SendAsync("PING\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
        byte[] buffer = new byte[16];
        int total = 0;
        while (total < 7)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return System.Text.Encoding.ASCII.GetString(buffer, 0, total);
    }

    private static async Task WaitForPongAsync(IPEndPoint endpoint)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(endpoint);
                if (await PingAsync(socket) == "+PONG\r\n")
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"slotgate did not answer on {endpoint}");
    }
}
