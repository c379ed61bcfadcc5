using Slotgate.Tests.Support;
using Xunit.Abstractions;

namespace Slotgate.Tests.Clients;

/// <summary>phpredis (Debian's php-redis), configured for one standalone server, against the whole cluster.</summary>
[Collection(ProxyCollection.Name)]
public class PhpClientTests(ProxyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Phpredis_StandaloneClientThroughSlotgate_AllSectionsPass()
    {
        string php = await ClientScript.FindWorkingOrFailAsync("php",
            "No php on PATH has the redis extension (phpredis). Install it with `apt-get install -y php-cli php-redis` (scripts/test.sh does).",
            "-r", "exit(extension_loaded('redis') ? 0 : 1);");
        await ClientScript.AssertPassesAsync(php, "php", "check_slotgate.php", fixture.Endpoint, output);
    }
}
