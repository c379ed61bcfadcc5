namespace Slotgate.Tests.Support;

internal static class TestKeys
{
    /// <summary>The first key <c>prefix:N</c> whose slot the proxy's current map gives to the primary at <paramref name="endpoint"/>.</summary>
    public static string OwnedBy(SlotgateServer server, string endpoint, string prefix)
    {
        for (int i = 0; ; i++)
        {
            string key = $"{prefix}:{i}";
            if (server.Topology.Current.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes(key)))?.Primary.Endpoint == endpoint)
            {
                return key;
            }
        }
    }
}
