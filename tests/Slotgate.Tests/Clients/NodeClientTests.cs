using Slotgate.Tests.Support;
using Xunit.Abstractions;

namespace Slotgate.Tests.Clients;

/// <summary>ioredis (pinned in tests/clients/node/package-lock.json), configured for one standalone server, against the whole cluster.</summary>
[Collection(ProxyCollection.Name)]
public class NodeClientTests(ProxyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Ioredis_StandaloneClientThroughSlotgate_AllSectionsPass()
    {
        string folder = ClientScript.Folder("node");
        string node = await ClientScript.FindWorkingOrFailAsync("node",
            "Node.js is not on PATH. Install Node.js 20 or later with npm (ioredis 6 needs 20+; Debian 12's nodejs is 18), " +
            "then run `npm ci` in tests/clients/node (scripts/test.sh does the npm ci).",
            "--version");
        if (!File.Exists(Path.Combine(folder, "node_modules", "ioredis", "package.json")))
        {
            Assert.Fail($"ioredis is not installed in {folder}/node_modules. Run `npm ci` there (scripts/test.sh does).");
        }

        await ClientScript.AssertPassesAsync(node, "node", "check_slotgate.js", fixture.Endpoint, output);
    }
}
