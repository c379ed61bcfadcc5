using System.Globalization;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// A TLS-only cluster (<c>port 0</c>, <c>tls-port</c>, <c>tls-cluster yes</c>, <c>tls-auth-clients yes</c>) that also
/// demands a password, shared by the tests of this class, with Slotgate speaking TLS to it.
/// </summary>
public sealed class BackendTlsTests(BackendTlsTests.TlsClusterFixture fixture) : IClassFixture<BackendTlsTests.TlsClusterFixture>
{
    private const string Password = "tls-node-secret";

    [Fact]
    public async Task ClusterTls_TlsOnlyClusterWithClientCertificates_EveryConnectionKindWorks()
    {
        IssuedCertificate listener = fixture.Certificates.Issue("slotgate-listener");
        SlotgateOptions options = Options() with
        {
            Tls = new TlsOptions { Listen = ["127.0.0.1:0"], CertFile = listener.CertFile, KeyFile = listener.KeyFile },
            Routing = new RoutingOptions { ReadFrom = "replica" },
        };
        Assert.Empty(SlotgateConfiguration.Validate(options));
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));

        // Discovered over TLS: every node is known by its TLS port (the only port it has).
        Assert.All(server.Topology.Current.Shards, shard => Assert.Contains(shard.Primary.Endpoint, fixture.Cluster.SeedEndpoints));
        // Reads go to replicas (readFrom: replica), which the cluster reports as up once their replication link is.
        await Wait.UntilReplicasHealthyAsync(server, TimeSpan.FromSeconds(30));
        await ConnectionKinds.ExerciseAllAsync(server.Endpoints[0], "tls");

        // End to end over TLS twice: redis-cli to Slotgate's TLS listener, Slotgate to the TLS nodes.
        var (output, error, exit) = await RedisCli.RunAsync(
            ["--tls", "--cacert", fixture.Certificates.CaFile, "-h", "127.0.0.1", "-p", server.TlsEndpoints[0].Port.ToString(CultureInfo.InvariantCulture)],
            "SET tls:e2e both-ways\nGET tls:e2e\nGET tls:k\n");
        Assert.True(exit == 0, error);
        Assert.Equal("OK\nboth-ways\nv\n", output);
    }

    [Fact]
    public async Task TlsBackendConnector_ServerNameMatchesCertificate_Connects()
    {
        BackendTlsMaterial material = BackendSecrets.LoadTlsMaterial(Options().Cluster.Tls with { ServerName = "localhost" });
        Assert.Equal("+PONG", await PingAsync(new TlsBackendConnector(material)));
    }

    [Fact]
    public async Task TlsBackendConnector_ServerNameNotInCertificate_HandshakeFailsWithReason()
    {
        BackendTlsMaterial material = BackendSecrets.LoadTlsMaterial(Options().Cluster.Tls with { ServerName = "redis.example.com" });
        IOException error = await Assert.ThrowsAsync<IOException>(() => PingAsync(new TlsBackendConnector(material)));
        Assert.StartsWith("TLS handshake failed:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsBackendConnector_CaNotTrusted_HandshakeFails_InsecureSkipVerifyConnects()
    {
        using var other = new TestCertificates("Unrelated CA");
        ClusterTlsOptions tls = Options().Cluster.Tls;
        BackendTlsMaterial untrusted = BackendSecrets.LoadTlsMaterial(tls with { CaFile = other.CaFile });
        await Assert.ThrowsAsync<IOException>(() => PingAsync(new TlsBackendConnector(untrusted)));

        BackendTlsMaterial insecure = BackendSecrets.LoadTlsMaterial(tls with { CaFile = null, InsecureSkipVerify = true });
        Assert.Equal("+PONG", await PingAsync(new TlsBackendConnector(insecure)));
    }

    [Fact]
    public async Task TlsBackendConnector_NoClientCertificate_RefusedByNodeThatRequiresOne()
    {
        BackendTlsMaterial material = BackendSecrets.LoadTlsMaterial(Options().Cluster.Tls with { CertFile = null, KeyFile = null });
        string? reply = null;
        try
        {
            reply = await PingAsync(new TlsBackendConnector(material));
        }
        catch (IOException)
        {
            // Refused during the handshake (TLS 1.2) or on the first read (TLS 1.3).
        }
        Assert.Null(reply);
    }

    private SlotgateOptions Options() => new()
    {
        Listen = ["127.0.0.1:0"],
        Admin = new AdminOptions { Listen = "off" },
        Cluster = new ClusterOptions
        {
            Seeds = [fixture.Cluster.SeedEndpoints[0]],
            RefreshInterval = TimeSpan.FromSeconds(1),
            Password = Password,
            Tls = new ClusterTlsOptions
            {
                Enabled = true,
                CaFile = fixture.Certificates.CaFile,
                CertFile = fixture.Slotgate.CertFile,
                KeyFile = fixture.Slotgate.KeyFile,
            },
        },
        Backend = new BackendOptions { OperationTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(2) },
    };

    /// <summary>AUTH and PING on one raw connection from <paramref name="connector"/>; the PING reply's first line.</summary>
    private async Task<string> PingAsync(TlsBackendConnector connector)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        BackendTransport transport = await connector.ConnectAsync(fixture.Cluster.SeedEndpoints[0], timeout.Token);
        try
        {
            await transport.Output.WriteAsync(Slotgate.Protocol.RequestFrame.Encode("AUTH", Password), timeout.Token);
            await transport.Output.WriteAsync(Slotgate.Protocol.RequestFrame.Encode("PING"), timeout.Token);
            string text = string.Empty;
            while (text.Split("\r\n").Length < 3)
            {
                System.IO.Pipelines.ReadResult result = await transport.Input.ReadAsync(timeout.Token);
                text = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(result.Buffer));
                transport.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("closed by the node: " + text);
                }
            }
            string[] lines = text.Split("\r\n");
            Assert.Equal("+OK", lines[0]);
            return lines[1];
        }
        finally
        {
            transport.Abort();
        }
    }

    public sealed class TlsClusterFixture : IAsyncLifetime
    {
        internal TestCertificates Certificates { get; } = new();

        internal IssuedCertificate Slotgate { get; private set; } = null!;

        internal LocalRedisCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            IssuedCertificate node = Certificates.Issue("redis-node");
            Slotgate = Certificates.Issue("slotgate-client");
            Cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with
            {
                Password = Password,
                Tls = new LocalClusterTls { CertFile = node.CertFile, KeyFile = node.KeyFile, CaFile = Certificates.CaFile, AuthClients = "yes" },
            });
        }

        public async Task DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Certificates.Dispose();
        }
    }
}
