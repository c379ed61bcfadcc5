using System.Net;

namespace Slotgate.Tests.Hosting.Admin;

[Collection(ProxyCollection.Name)]
public class OtlpExportTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Otlp_EndpointConfigured_MetricsPushedToCollector()
    {
        // A stand-in collector: accepts OTLP/HTTP posts and keeps their bodies (protobuf carries names as plain UTF-8).
        int port = FreePort.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new TaskCompletionSource<(string Path, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                string text = Encoding.UTF8.GetString(body.ToArray());
                context.Response.StatusCode = 200;
                context.Response.Close();
                if (text.Contains("slotgate.commands", StringComparison.Ordinal))
                {
                    received.TrySetResult((context.Request.Url!.AbsolutePath, text));
                }
            }
        });

        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Diagnostics = new DiagnosticsOptions { OtlpEndpoint = $"http://127.0.0.1:{port}", OtlpInterval = TimeSpan.FromMilliseconds(300) },
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "otlp:key", "v")).Text);

        var (path, payload) = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("/v1/metrics", path);
        Assert.Contains("slotgate.command.duration", payload, StringComparison.Ordinal);
        Assert.Contains("set", payload, StringComparison.Ordinal);
        collector.Stop();
    }

    [Fact]
    public void Validate_OtlpEndpointNotHttp_Error()
    {
        var options = new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = ["a:1"] },
            Diagnostics = new DiagnosticsOptions { OtlpEndpoint = "collector:4318" },
        };
        Assert.Contains("diagnostics.otlpEndpoint: 'collector:4318' is not an http:// or https:// URL", SlotgateConfiguration.Validate(options));
        Assert.Equal(new Uri("http://c:4318/v1/metrics"), new DiagnosticsOptions { OtlpEndpoint = "http://c:4318" }.OtlpMetricsUri);
        Assert.Equal(new Uri("http://c:4318/custom"), new DiagnosticsOptions { OtlpEndpoint = "http://c:4318/custom" }.OtlpMetricsUri);
    }
}
