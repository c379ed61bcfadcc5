using Xunit.Abstractions;

namespace Slotgate.Tests.Clients;

/// <summary>
/// Client libraries of other languages, each configured for one standalone server, against the whole cluster through
/// Slotgate: redis-py (Debian's python3-redis), phpredis (Debian's php-redis) and ioredis (pinned in
/// tests/clients/node/package-lock.json). Each runs its check script under tests/clients/.
/// </summary>
[Collection(ProxyCollection.Name)]
public class ClientScriptTests(ProxyFixture fixture, ITestOutputHelper output)
{
    /// <summary>Per library: the interpreter, the probe that shows it has the library, how to install it, the script.</summary>
    public static TheoryData<string, string, string[], string, string, string> Interpreted => new()
    {
        {
            // The first python3 on PATH may be a version manager's shim that does not see Debian's dist-packages.
            "redis-py", "python3", ["-c", "import redis"],
            "No python3 on PATH can import redis (redis-py). Install it with `apt-get install -y python3-redis` (scripts/test.sh does).",
            "python", "check_slotgate.py"
        },
        {
            "phpredis", "php", ["-r", "exit(extension_loaded('redis') ? 0 : 1);"],
            "No php on PATH has the redis extension (phpredis). Install it with `apt-get install -y php-cli php-redis` (scripts/test.sh does).",
            "php", "check_slotgate.php"
        },
    };

    [Theory]
    [MemberData(nameof(Interpreted))]
    public async Task Library_StandaloneClientThroughSlotgate_AllSectionsPass(string library, string program, string[] probe, string missing, string language, string script)
    {
        Assert.NotEmpty(library);
        string interpreter = await ClientScript.FindWorkingOrFailAsync(program, missing, probe);
        await ClientScript.AssertPassesAsync(interpreter, language, script, fixture.Endpoint, output);
    }

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
