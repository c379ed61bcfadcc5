using Slotgate.Tests.Support;
using Xunit.Abstractions;

namespace Slotgate.Tests.Clients;

/// <summary>redis-py (Debian's python3-redis), configured for one standalone server, against the whole cluster.</summary>
[Collection(ProxyCollection.Name)]
public class PythonClientTests(ProxyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task RedisPy_StandaloneClientThroughSlotgate_AllSectionsPass()
    {
        // The first python3 on PATH may be a version manager's shim that does not see Debian's dist-packages.
        string python = await ClientScript.FindWorkingOrFailAsync("python3",
            "No python3 on PATH can import redis (redis-py). Install it with `apt-get install -y python3-redis` (scripts/test.sh does).",
            "-c", "import redis");
        await ClientScript.AssertPassesAsync(python, "python", "check_slotgate.py", fixture.Endpoint, output);
    }
}
