using System.Text;
using Slotgate.Cluster;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Clients;

/// <summary>
/// Preconditions of the client scripts' key names, checked against the proxy's own slot map so a script's "across
/// shards" and "CROSSSLOT" sections really test what they claim. The names and counts mirror the scripts.
/// </summary>
[Collection(ProxyCollection.Name)]
public class ScriptKeyTests(ProxyFixture fixture)
{
    /// <summary>MULTI_KEY_COUNT in every script: the multi-key section uses PREFIX + "m:0" .. "m:39".</summary>
    private const int MultiKeyCount = 40;

    [Theory]
    [InlineData("py:")]
    [InlineData("php:")]
    [InlineData("node:")]
    public void MultiKeyNames_LanguagePrefix_CoverEveryPrimary(string prefix)
    {
        SlotMap map = fixture.Server.Topology.Current;
        var primaries = Enumerable.Range(0, MultiKeyCount)
            .Select(i => map.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes($"{prefix}m:{i}")))?.Primary.Endpoint)
            .ToHashSet();
        Assert.Equal(map.Shards.Select(s => (string?)s.Primary.Endpoint).Order(), primaries.Order());
    }

    [Theory]
    [InlineData("py:")]
    [InlineData("php:")]
    [InlineData("node:")]
    public void CrossSlotKeyNames_LanguagePrefix_HashToDifferentSlots(string prefix)
    {
        string[] names = ["cross:dst", "cross:a", "cross:b"];
        int[] slots = names.Select(name => HashSlot.Of(Encoding.UTF8.GetBytes(prefix + name))).ToArray();
        Assert.Equal(slots.Length, slots.Distinct().Count());
    }

    [Theory]
    [InlineData("py:")]
    [InlineData("php:")]
    [InlineData("node:")]
    public void TransactionCrossKey_LanguagePrefix_HashesToAnotherSlotThanTheTransaction(string prefix)
    {
        // The transactions section queues a command on "{prefix tx}:a", then one on TX_CROSS_KEY ("prefix tx:cross").
        int transaction = HashSlot.Of(Encoding.UTF8.GetBytes($"{{{prefix}tx}}:a"));
        int cross = HashSlot.Of(Encoding.UTF8.GetBytes($"{prefix}tx:cross"));
        Assert.NotEqual(transaction, cross);
    }
}
