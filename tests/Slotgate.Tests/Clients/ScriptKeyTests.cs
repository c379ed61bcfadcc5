namespace Slotgate.Tests.Clients;

/// <summary>
/// Preconditions of the client scripts' key names, checked against the proxy's own slot map so a script's "across
/// shards", "CROSSSLOT", sharded pub/sub and scripts sections really test what they claim. The names and counts mirror
/// the scripts.
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

    [Theory]
    [InlineData("{py:sh:a}:chan", "{py:sh:b}:chan", "{py:sh:c}:chan")]
    [InlineData("{php:sh:a}:chan", "{php:sh:b}:chan", "{php:sh:d}:chan")]
    [InlineData("{node:sh:a}:chan", "{node:sh:b}:chan", "{node:sh:c}:chan")]
    public void ShardChannels_EachLanguage_LiveOnEveryPrimary(params string[] channels)
    {
        // SHARD_CHANNELS in each script: the pub/sub section's SSUBSCRIBE/SPUBLISH go to three different primaries.
        Assert.Equal(Primaries(), channels.Select(PrimaryOf).Order());
    }

    [Theory]
    [InlineData("py:")]
    [InlineData("php:")]
    [InlineData("node:")]
    public void ScriptKeyTags_LanguagePrefix_CoverEveryPrimary(string prefix)
    {
        // The scripts section runs EVALSHA, EVAL and FCALL on keys "{prefix lua:0}:k" .. "{prefix lua:5}:k".
        var primaries = Enumerable.Range(0, ScriptTagCount).Select(i => PrimaryOf($"{{{prefix}lua:{i}}}:k")).ToHashSet();
        Assert.Equal(Primaries(), primaries.Order());
    }

    /// <summary>SCRIPT_TAGS / SCRIPT_TAG_COUNT in every script.</summary>
    private const int ScriptTagCount = 6;

    private string?[] Primaries() => fixture.Server.Topology.Current.Shards.Select(s => (string?)s.Primary.Endpoint).Order().ToArray();

    private string? PrimaryOf(string key) =>
        fixture.Server.Topology.Current.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes(key)))?.Primary.Endpoint;
}
