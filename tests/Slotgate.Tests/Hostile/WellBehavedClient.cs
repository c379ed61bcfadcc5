using System.Diagnostics;
using System.Net;

namespace Slotgate.Tests.Hostile;

/// <summary>
/// The client that must keep working while a hostile one attacks: a SET and a GET through the cluster, over and over,
/// recording the slowest round trip and any wrong answer, until stopped.
/// </summary>
internal sealed class WellBehavedClient : IAsyncDisposable
{
    private readonly RespTestClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _key = $"hostile:good:{Guid.NewGuid():N}";

    private WellBehavedClient(RespTestClient client)
    {
        _client = client;
        _loop = Task.Run(LoopAsync);
    }

    public int Calls { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public string? Error { get; private set; }

    public static async Task<WellBehavedClient> StartAsync(IPEndPoint endpoint) =>
        new(await RespTestClient.ConnectAsync(endpoint));

    /// <summary>Stops the loop and returns once the last call completed.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task LoopAsync()
    {
        var watch = new Stopwatch();
        for (int i = 0; !_stop.IsCancellationRequested && Error is null; i++)
        {
            watch.Restart();
            string value = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            RespValue set = await _client.CallAsync("SET", _key, value);
            RespValue get = await _client.CallAsync("GET", _key);
            watch.Stop();
            if (set.Text != "OK" || get.Text != value)
            {
                Error = $"call {i}: SET gave {set}, GET gave {get}";
            }
            Slowest = watch.Elapsed > Slowest ? watch.Elapsed : Slowest;
            Calls++;
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
        await _client.DisposeAsync();
    }
}
