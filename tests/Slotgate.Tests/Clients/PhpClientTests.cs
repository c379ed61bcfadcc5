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
        string? php = await ClientScript.FindWorkingAsync("php", "-r", "exit(extension_loaded('redis') ? 0 : 1);");
        if (php is null)
        {
            Assert.Fail("No php on PATH has the redis extension (phpredis). Install it with `apt-get install -y php-cli php-redis` " +
                $"(scripts/test.sh does). php candidates on PATH: [{string.Join(", ", ClientScript.FindOnPath("php"))}]");
        }

        ScriptRun run = await ClientScript.RunAgainstAsync(php, "php", "check_slotgate.php", fixture.Endpoint);

        output.WriteLine(run.Describe($"{php} check_slotgate.php"));
        Assert.True(run.Passed, run.Describe($"{php} check_slotgate.php"));
    }
}
