using Slotgate.Tests.Clients;
using Xunit.Abstractions;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// A real client library's client-side cache through Slotgate: node-redis 5 with <c>clientSideCache</c> over RESP3
/// (pinned in tests/clients/node/package-lock.json), running tests/clients/node/check_client_cache.js.
/// </summary>
[Collection(ProxyCollection.Name)]
public class TrackingClientLibraryTests(ProxyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task NodeRedisClientSideCache_ThroughSlotgate_CachesAndIsInvalidated()
    {
        string folder = ClientScript.Folder("node");
        string node = await ClientScript.FindWorkingOrFailAsync("node",
            "Node.js is not on PATH. Install Node.js 20 or later with npm, then run `npm ci` in tests/clients/node (scripts/test.sh does the npm ci).",
            "--version");
        if (!File.Exists(Path.Combine(folder, "node_modules", "redis", "package.json")))
        {
            Assert.Fail($"node-redis is not installed in {folder}/node_modules. Run `npm ci` there (scripts/test.sh does).");
        }
        await ClientScript.AssertPassesAsync(node, "node", "check_client_cache.js", fixture.Endpoint, output);
    }
}
