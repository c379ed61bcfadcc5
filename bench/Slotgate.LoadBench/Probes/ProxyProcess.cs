using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Slotgate.Demo;

namespace Slotgate.LoadBench.Probes;

/// <summary>
/// Slotgate as a separate process, started from a published build so the numbers are those of what ships, not of a
/// debug build hosted inside the harness.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly BoundedLineBuffer _output = new(40);

    private ProxyProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>From <see cref="Process.Start()"/> to the first +PONG on the listen port.</summary>
    public TimeSpan TimeToReady { get; private set; }

    public bool HasExited => _process.HasExited;

    public static async Task<ProxyProcess> StartAsync(string slotgatePath, IReadOnlyList<string> seeds, int port, CancellationToken ct)
    {
        string fullPath = Path.GetFullPath(slotgatePath);
        if (!File.Exists(fullPath))
        {
            throw new LoadBenchException($"--slotgate: '{fullPath}' does not exist; publish Slotgate first (bench/run.sh does).");
        }
        // A framework-dependent slotgate.dll needs the dotnet host; a native or apphost binary runs as it is.
        bool isDll = fullPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var startInfo = new ProcessStartInfo(isDll ? "dotnet" : fullPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isDll)
        {
            startInfo.ArgumentList.Add(fullPath);
        }
        foreach (string seed in seeds)
        {
            startInfo.ArgumentList.Add("--seed");
            startInfo.ArgumentList.Add(seed);
        }
        startInfo.ArgumentList.Add("--listen");
        startInfo.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"));
        // Information-level logs per connection would be measured along with the proxy; warnings still show.
        startInfo.ArgumentList.Add("--log-level");
        startInfo.ArgumentList.Add("Warning");

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var proxy = new ProxyProcess(process, port);
        process.OutputDataReceived += (_, e) => proxy._output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => proxy._output.Add(e.Data);

        Stopwatch clock = Stopwatch.StartNew();
        process.Start();
        ChildProcessRegistry.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await proxy.WaitForFirstPongAsync(clock, ct).ConfigureAwait(false);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public long ReadRssKiB() => ProcFs.ReadRssKiB(_process.Id);

    public string OutputTail() => string.Join('\n', _output.Snapshot());

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Gone already, or stuck in the kernel; ChildProcessRegistry tries once more at exit.
        }
        finally
        {
            ChildProcessRegistry.Remove(_process);
            _process.Dispose();
        }
    }

    private async Task WaitForFirstPongAsync(Stopwatch clock, CancellationToken ct)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, Port);
        string last = "no attempt yet";
        while (clock.Elapsed < ReadyTimeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new LoadBenchException($"slotgate exited with code {_process.ExitCode} before answering PING:\n{OutputTail()}");
            }
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(TimeSpan.FromSeconds(1));
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint, attempt.Token).ConfigureAwait(false);
                if (await RespPing.PingAsync(socket, attempt.Token).ConfigureAwait(false))
                {
                    TimeToReady = clock.Elapsed;
                    return;
                }
                last = "connected, but the reply was not +PONG";
            }
            catch (SocketException ex)
            {
                last = ex.Message;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "no reply within 1 s";
            }
            // Short polls: the figure is start-up time, so the polling interval is its resolution.
            await Task.Delay(2, ct).ConfigureAwait(false);
        }
        throw new LoadBenchException(
            $"slotgate did not answer PING on 127.0.0.1:{Port} within {ReadyTimeout.TotalSeconds:0} s (last: {last}):\n{OutputTail()}");
    }
}
