using System.Diagnostics;
using System.Net.Sockets;

namespace Slotgate.Tests.Support;

/// <summary>
/// A throwaway standalone redis-server on a free loopback port, without persistence: the live server that tests
/// compare Slotgate's command table with, and the standalone upstreams of route tests.
/// </summary>
public sealed class RedisServerFixture : IDisposable
{
    private readonly Process _process;

    public RedisServerFixture()
    {
        Port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        // Drain its log so a full pipe can never stall it.
        _process.OutputDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        WaitUntilReady();
    }

    public int Port { get; }

    /// <summary>A new connection; RESP3 after HELLO 3 when asked.</summary>
    internal RespTestClient Connect(bool resp3 = false)
    {
        RespTestClient client = RespTestClient.Connect(Port);
        if (resp3)
        {
            RespValue hello = client.Call("HELLO", "3");
            Assert.False(hello.IsError, hello.ToString());
        }
        return client;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void WaitUntilReady()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using RespTestClient client = RespTestClient.Connect(Port);
                if (client.Call("PING").Text == "PONG")
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not become ready.");
    }
}
