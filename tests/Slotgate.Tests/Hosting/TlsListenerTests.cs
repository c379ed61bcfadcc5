using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Slotgate.Tests.Hosting;

[Collection(ProxyCollection.Name)]
public sealed class TlsListenerTests(ProxyFixture fixture) : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private TestCertificates? _foreign;

    /// <summary>Another CA, for a client certificate the listener must not trust.</summary>
    private TestCertificates Foreign => _foreign ??= new TestCertificates("Other CA");

    public void Dispose()
    {
        _certificates.Dispose();
        _foreign?.Dispose();
    }

    [Fact]
    public async Task TlsListen_RedisCliAndStackExchange_ServedBesidePlaintextListener()
    {
        IssuedCertificate server = _certificates.Issue("slotgate");
        await using SlotgateServer proxy = await StartAsync(new TlsOptions { Listen = ["127.0.0.1:0"], CertFile = server.CertFile, KeyFile = server.KeyFile });
        Assert.Single(proxy.Endpoints);
        IPEndPoint tls = Assert.Single(proxy.TlsEndpoints);

        var (output, error, exit) = await RedisCli.RunAsync(
            ["--tls", "--cacert", _certificates.CaFile, "-h", "127.0.0.1", "-p", Port(tls)],
            "SET tls:cli hello\nGET tls:cli\nMSET tls:a 1 tls:b 2\nMGET tls:a tls:b\n");
        Assert.True(exit == 0, error);
        Assert.Equal("OK\nhello\nOK\n1\n2\n", output);

        var configuration = new ConfigurationOptions
        {
            EndPoints = { tls },
            Ssl = true,
            SslHost = "localhost",
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
        };
        configuration.TrustIssuer(_certificates.CaFile);
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        IDatabase db = redis.GetDatabase();
        await db.StringSetAsync("tls:se", "over tls");
        Assert.Equal("over tls", (string?)await db.StringGetAsync("tls:se"));
        Assert.Equal("hello", (string?)await db.StringGetAsync("tls:cli"));

        // The plaintext listener works at the same time, on the same data.
        await using var plain = await RespTestClient.ConnectAsync(proxy.Endpoints[0]);
        Assert.Equal("over tls", (await plain.CallAsync("GET", "tls:se")).Text);
        Assert.Equal("hello", (string?)await db.StringGetAsync("tls:cli"));
    }

    [Fact]
    public async Task TlsListen_NoPlaintextListener_ServesTlsOnly()
    {
        IssuedCertificate server = _certificates.Issue("slotgate");
        await using SlotgateServer proxy = await StartAsync(new TlsOptions { Listen = ["127.0.0.1:0"], CertFile = server.CertFile, KeyFile = server.KeyFile }, listen: []);
        Assert.Empty(proxy.Endpoints);
        await using RespTestClient client = await RespTestClient.ConnectTlsAsync(proxy.TlsEndpoints[0], _certificates.CaFile);
        Assert.Equal("OK", (await client.CallAsync("SET", "tls-only:k", "v")).Text);
        Assert.Equal("v", (await client.CallAsync("GET", "tls-only:k")).Text);
    }

    [Fact]
    public async Task TlsListen_PlaintextClientOnTlsPort_OnlyThatConnectionClosedAndLoggedWithPeer()
    {
        IssuedCertificate server = _certificates.Issue("slotgate");
        var logs = new ConcurrentQueue<string>();
        await using SlotgateServer proxy = await StartAsync(
            new TlsOptions { Listen = ["127.0.0.1:0"], CertFile = server.CertFile, KeyFile = server.KeyFile }, logs);
        await using RespTestClient good = await RespTestClient.ConnectTlsAsync(proxy.TlsEndpoints[0], _certificates.CaFile);

        await using var plain = await RespTestClient.ConnectAsync(proxy.TlsEndpoints[0]);
        await plain.SendAsync("PING");
        await Assert.ThrowsAnyAsync<Exception>(() => plain.ReadAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal("PONG", (await good.CallAsync("PING")).Text);
        await Wait.UntilAsync(() => logs.Any(l => l.Contains("TLS handshake with 127.0.0.1:", StringComparison.Ordinal)));
        Assert.DoesNotContain(logs, l => l.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TlsListen_CertificateFilesSwappedLikeKubernetesSecret_NextHandshakeGetsNewCertificate()
    {
        IssuedCertificate first = _certificates.Issue("first");
        IssuedCertificate second = _certificates.Issue("second");
        // The Kubernetes layout: tls.crt -> ..data/tls.crt, ..data -> ..v1; an update swaps ..data to a new directory.
        string mount = Path.Combine(_certificates.Directory, "mount");
        WriteVersion(mount, "..v1", first);
        File.CreateSymbolicLink(Path.Combine(mount, "..data"), "..v1");
        File.CreateSymbolicLink(Path.Combine(mount, "tls.crt"), Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(Path.Combine(mount, "tls.key"), Path.Combine("..data", "tls.key"));

        await using SlotgateServer proxy = await StartAsync(new TlsOptions
        {
            Listen = ["127.0.0.1:0"],
            CertFile = Path.Combine(mount, "tls.crt"),
            KeyFile = Path.Combine(mount, "tls.key"),
            ReloadInterval = TimeSpan.FromMilliseconds(200),
        });
        await using RespTestClient before = await RespTestClient.ConnectTlsAsync(proxy.TlsEndpoints[0], _certificates.CaFile);
        Assert.Equal(first.Certificate.Thumbprint, before.ServerCertificate.Thumbprint);

        WriteVersion(mount, "..v2", second);
        File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), "..v2");
        // rename(2) over the old link, as the kubelet does (File.Move would follow the link to a directory).
        using (var rename = System.Diagnostics.Process.Start("mv", ["-T", Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")]))
        {
            await rename.WaitForExitAsync();
            Assert.Equal(0, rename.ExitCode);
        }

        string? seen = null;
        await Wait.UntilAsync(async () =>
        {
            await using RespTestClient next = await RespTestClient.ConnectTlsAsync(proxy.TlsEndpoints[0], _certificates.CaFile);
            seen = next.ServerCertificate.SerialNumber;
            return seen == second.Certificate.SerialNumber;
        });
        Assert.Equal(second.Certificate.SerialNumber, seen);
        // The connection made before the swap keeps working.
        Assert.Equal("PONG", (await before.CallAsync("PING")).Text);

        // A broken replacement is not taken: new handshakes keep the last good certificate.
        File.WriteAllText(Path.Combine(mount, "..v2", "tls.crt"), "not a certificate");
        Assert.False(proxy.Services.GetService(typeof(TlsListenerCertificates)) is TlsListenerCertificates c && c.ReloadNow());
        await using RespTestClient after = await RespTestClient.ConnectTlsAsync(proxy.TlsEndpoints[0], _certificates.CaFile);
        Assert.Equal(second.Certificate.Thumbprint, after.ServerCertificate.Thumbprint);
    }

    [Fact]
    public async Task TlsListen_ClientCertificateRequired_ClientWithoutOrWithForeignCertificateRefused()
    {
        var logs = new ConcurrentQueue<string>();
        await using SlotgateServer proxy = await StartWithClientCertificatesAsync("required", logs);
        IssuedCertificate client = _certificates.Issue("app"), stranger = Foreign.Issue("stranger");
        IPEndPoint endpoint = proxy.TlsEndpoints[0];

        await using (RespTestClient trusted = await RespTestClient.ConnectTlsAsync(endpoint, _certificates.CaFile, client.WithKey()))
        {
            Assert.Equal("PONG", (await trusted.CallAsync("PING")).Text);
        }
        Assert.False(await CanPingAsync(endpoint, null));
        Assert.False(await CanPingAsync(endpoint, stranger.WithKey()));
        await Wait.UntilAsync(() => logs.Any(l => l.Contains("the client sent no certificate", StringComparison.Ordinal)));
        await Wait.UntilAsync(() => logs.Any(l => l.Contains("client certificate 'CN=stranger' rejected", StringComparison.Ordinal)));

        var (_, _, exit) = await RedisCli.RunAsync(["--tls", "--cacert", _certificates.CaFile, "-h", "127.0.0.1", "-p", Port(endpoint), "PING"], string.Empty);
        var (output, error, withCert) = await RedisCli.RunAsync(
            ["--tls", "--cacert", _certificates.CaFile, "--cert", client.CertFile, "--key", client.KeyFile, "-h", "127.0.0.1", "-p", Port(endpoint), "PING"], string.Empty);
        Assert.True(withCert == 0, error);
        Assert.Equal("PONG\n", output);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public async Task TlsListen_ClientCertificateOptional_ClientWithoutCertificateServedForeignRefused()
    {
        await using SlotgateServer proxy = await StartWithClientCertificatesAsync("optional");
        IssuedCertificate client = _certificates.Issue("app"), stranger = Foreign.Issue("stranger");
        IPEndPoint endpoint = proxy.TlsEndpoints[0];

        Assert.True(await CanPingAsync(endpoint, null));
        Assert.True(await CanPingAsync(endpoint, client.WithKey()));
        Assert.False(await CanPingAsync(endpoint, stranger.WithKey()));
    }

    private async Task<bool> CanPingAsync(IPEndPoint endpoint, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        try
        {
            // In TLS 1.3 the server checks the client's certificate after the client considers the handshake done,
            // so a refusal may only show on the first read.
            await using RespTestClient client = await RespTestClient.ConnectTlsAsync(endpoint, _certificates.CaFile, certificate);
            return (await client.CallAsync("PING")).Text == "PONG";
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>A TLS listener that asks clients for a certificate from the test CA (<paramref name="mode"/>: required or optional).</summary>
    private Task<SlotgateServer> StartWithClientCertificatesAsync(string mode, ConcurrentQueue<string>? logs = null)
    {
        IssuedCertificate server = _certificates.Issue("slotgate");
        return StartAsync(new TlsOptions
        {
            Listen = ["127.0.0.1:0"],
            CertFile = server.CertFile,
            KeyFile = server.KeyFile,
            ClientCaFile = _certificates.CaFile,
            ClientCertificates = mode,
        }, logs);
    }

    private Task<SlotgateServer> StartAsync(TlsOptions tls, ConcurrentQueue<string>? logs = null, string[]? listen = null)
    {
        var options = new SlotgateOptions
        {
            Listen = listen ?? ["127.0.0.1:0"],
            Admin = new AdminOptions { Listen = "off" },
            Tls = tls,
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            // The level switch (logging.logLevel) filters every logger, so debug lines need it too.
            Logging = new LoggingOptions { LogLevel = logs is null ? "Warning" : "Debug" },
        };
        Assert.Empty(SlotgateConfiguration.Validate(options));
        return SlotgateServer.StartAsync(options, logging =>
        {
            logging.SetMinimumLevel(logs is null ? LogLevel.Warning : LogLevel.Debug);
            if (logs is not null)
            {
                logging.AddProvider(new LogCollector(logs));
            }
        });
    }

    private static void WriteVersion(string mount, string version, IssuedCertificate certificate)
    {
        string directory = Path.Combine(mount, version);
        Directory.CreateDirectory(directory);
        File.Copy(certificate.CertFile, Path.Combine(directory, "tls.crt"));
        File.Copy(certificate.KeyFile, Path.Combine(directory, "tls.key"));
    }

    private static string Port(IPEndPoint endpoint) => endpoint.Port.ToString(CultureInfo.InvariantCulture);
}
