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
        string? python = await ClientScript.FindWorkingAsync("python3", "-c", "import redis");
        if (python is null)
        {
            Assert.Fail("No python3 on PATH can import redis (redis-py). Install it with `apt-get install -y python3-redis` " +
                $"(scripts/test.sh does). python3 candidates on PATH: [{string.Join(", ", ClientScript.FindOnPath("python3"))}]");
        }

        ScriptRun run = await ClientScript.RunAgainstAsync(python, "python", "check_slotgate.py", fixture.Endpoint);

        output.WriteLine(run.Describe($"{python} check_slotgate.py"));
        Assert.True(run.Passed, run.Describe($"{python} check_slotgate.py"));
    }
}
