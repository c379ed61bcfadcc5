using System.Net;

namespace Slotgate.Tests.Configuration;

/// <summary>The settings of the sandwich waypoint: proxyProtocol.*, identities, shutdown.drainDelay.</summary>
public class ProxyProtocolOptionsTests
{
    private static readonly SlotgateOptions Valid = new() { Cluster = new ClusterOptions { Seeds = ["127.0.0.1:7000"] } };

    [Fact]
    public void Options_New_HasDocumentedDefaults()
    {
        var options = new SlotgateOptions();
        Assert.Empty(options.ProxyProtocol.Listen);
        Assert.Equal(["127.0.0.0/8", "::1/128"], options.ProxyProtocol.TrustedProxies);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ProxyProtocol.HeaderTimeout);
        Assert.Equal(TimeSpan.Zero, options.Shutdown.DrainDelay);
        Assert.Empty(options.Diagnostics.Identities);
    }

    [Fact]
    public void Load_EnvironmentVariablesOfTheContract_Read()
    {
        var result = SlotgateConfiguration.Load([], new Dictionary<string, string?>
        {
            ["SLOTGATE_SEEDS"] = "127.0.0.1:30001",
            ["SLOTGATE_PROXYPROTOCOL__LISTEN__0"] = "0.0.0.0:15088",
            ["SLOTGATE_PROXYPROTOCOL__TRUSTEDPROXIES__0"] = "10.0.0.0/8",
            ["SLOTGATE_PROXYPROTOCOL__HEADERTIMEOUT"] = "1s",
            ["SLOTGATE_SHUTDOWN__DRAINDELAY"] = "5s",
            ["SLOTGATE_AUTH__USERS__0__NAME"] = "cart",
            ["SLOTGATE_AUTH__USERS__0__IDENTITIES__0"] = "spiffe://cluster.local/ns/shop/sa/cart",
            ["SLOTGATE_DIAGNOSTICS__IDENTITIES"] = "spiffe://cluster.local/ns/shop/sa/*,spiffe://cluster.local/ns/web/sa/*",
        });
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        SlotgateOptions options = result.Options;
        Assert.Equal(["0.0.0.0:15088"], options.ProxyProtocol.Listen);
        Assert.Equal(["10.0.0.0/8"], options.ProxyProtocol.TrustedProxies);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ProxyProtocol.HeaderTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Shutdown.DrainDelay);
        Assert.Equal(["spiffe://cluster.local/ns/shop/sa/cart"], options.Auth.Users[0].Identities);
        Assert.Equal(["spiffe://cluster.local/ns/shop/sa/*", "spiffe://cluster.local/ns/web/sa/*"], options.Diagnostics.Identities);
    }

    [Fact]
    public void Render_LoadedBack_KeepsTheNewSettings()
    {
        SlotgateOptions options = Valid with
        {
            ProxyProtocol = new ProxyProtocolOptions { Listen = ["0.0.0.0:15088"], TrustedProxies = ["10.0.0.0/8", "fd00::/8"], HeaderTimeout = TimeSpan.FromSeconds(2) },
            Shutdown = new ShutdownOptions { DrainDelay = TimeSpan.FromSeconds(5) },
            Auth = new AuthOptions { Users = [new UserOptions { Name = "cart", Identities = ["spiffe://cluster.local/ns/shop/sa/cart"] }] },
            Diagnostics = new DiagnosticsOptions { Identities = ["spiffe://cluster.local/ns/*/sa/cart"] },
        };
        using var file = new TempYamlFile(SlotgateConfiguration.Render(options));
        var result = SlotgateConfiguration.Load(["-c", file.Path], new Dictionary<string, string?>());
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(options.ProxyProtocol.Listen, result.Options.ProxyProtocol.Listen);
        Assert.Equal(options.ProxyProtocol.TrustedProxies, result.Options.ProxyProtocol.TrustedProxies);
        Assert.Equal(options.ProxyProtocol.HeaderTimeout, result.Options.ProxyProtocol.HeaderTimeout);
        Assert.Equal(options.Shutdown, result.Options.Shutdown);
        Assert.Equal(options.Auth.Users[0].Identities, result.Options.Auth.Users[0].Identities);
        Assert.Equal(options.Diagnostics.Identities, result.Options.Diagnostics.Identities);
    }

    [Fact]
    public void Validate_BadProxyProtocolAndIdentitySettings_ReportsEach()
    {
        SlotgateOptions options = Valid with
        {
            Listen = ["0.0.0.0:7000"],
            Tls = new TlsOptions(),
            ProxyProtocol = new ProxyProtocolOptions
            {
                Listen = ["0.0.0.0:15088", "0.0.0.0:15088", "0.0.0.0:7000", "nope", "127.0.0.1:9090"],
                TrustedProxies = ["10.0.0.0/8", "10.1.2.3/8", "10.0.0.0", "fd00::/129", "pods"],
                HeaderTimeout = TimeSpan.Zero,
            },
            Shutdown = new ShutdownOptions { DrainDelay = TimeSpan.FromSeconds(-1) },
            Auth = new AuthOptions
            {
                Users =
                [
                    new UserOptions { Name = "cart", Identities = ["cluster.local/ns/shop/sa/cart", "spiffe://cluster.local/ns/shop/sa/c?rt"] },
                    new UserOptions { Name = "nothing" },
                ],
            },
            Diagnostics = new DiagnosticsOptions { Identities = ["spiffe://a/b", "spiffe://a/b", "shop"] },
        };
        IReadOnlyList<string> errors = SlotgateConfiguration.Validate(options);
        string[] expected =
        [
            "proxyProtocol.listen[1]: '0.0.0.0:15088' is listed twice",
            "proxyProtocol.listen[2]: '0.0.0.0:7000' is also a listen address",
            "proxyProtocol.listen[3]: 'nope'",
            "proxyProtocol.listen[4]: '127.0.0.1:9090' is also a admin.listen address",
            "proxyProtocol.trustedProxies[1]: '10.1.2.3/8' is not a CIDR",
            "proxyProtocol.trustedProxies[2]: '10.0.0.0' is not a CIDR",
            "proxyProtocol.trustedProxies[3]: 'fd00::/129' is not a CIDR",
            "proxyProtocol.trustedProxies[4]: 'pods' is not a CIDR",
            "proxyProtocol.headerTimeout: must be greater than 0",
            "shutdown.drainDelay: must not be negative",
            "auth.users[0].identities[0]: 'cluster.local/ns/shop/sa/cart' is not a SPIFFE ID",
            "auth.users[0].identities[1]: 'spiffe://cluster.local/ns/shop/sa/c?rt' contains '?'",
            "auth.users[1]: 'nothing' needs a password (passwords, passwordFiles or passwordHashes), identities, or noPass: true",
            "diagnostics.identities[1]: 'spiffe://a/b' is listed twice",
            "diagnostics.identities[2]: 'shop' is not a SPIFFE ID",
        ];
        foreach (string error in expected)
        {
            Assert.True(errors.Any(e => e.StartsWith(error, StringComparison.Ordinal)), $"missing: {error}\nall:\n{string.Join('\n', errors)}");
        }
        Assert.Equal(expected.Length, errors.Count);
    }

    [Fact]
    public void Validate_OnlyProxyProtocolListeners_Allowed()
    {
        SlotgateOptions options = Valid with { Listen = [], ProxyProtocol = new ProxyProtocolOptions { Listen = ["0.0.0.0:15088"] } };
        Assert.Empty(SlotgateConfiguration.Validate(options));
    }

    [Fact]
    public void Validate_UserWithIdentitiesOnly_Accepted()
    {
        SlotgateOptions options = Valid with
        {
            Auth = new AuthOptions { Users = [new UserOptions { Name = "cart", Identities = ["spiffe://cluster.local/ns/shop/sa/cart"], Rules = "+@read ~cart:*" }] },
        };
        Assert.Empty(SlotgateConfiguration.Validate(options));
    }

    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("[::ffff:127.0.0.1]:5000", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("10.244.3.7:5000", true)]
    [InlineData("[::ffff:10.244.3.7]:5000", true)]
    [InlineData("10.245.0.1:5000", false)]
    [InlineData("[::2]:5000", false)]
    [InlineData("192.168.1.1:5000", false)]
    public void IsTrusted_PeerAddress_InOneOfTheCidrs(string peer, bool expected)
    {
        IPNetwork[] trusted = [.. new[] { "127.0.0.0/8", "::1/128", "10.244.0.0/16" }.Select(cidr =>
            OptionsValidator.TryParseCidr(cidr, out IPNetwork network) ? network : throw new InvalidOperationException(cidr))];
        Assert.Equal(expected, ProxyProtocolConnectionHandler.IsTrusted(IPEndPoint.Parse(peer), trusted));
    }
}
