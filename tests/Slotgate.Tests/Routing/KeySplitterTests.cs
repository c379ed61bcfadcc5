using Slotgate.Routing;

namespace Slotgate.Tests.Routing;

public class KeySplitterTests
{
    [Fact]
    public void Split_KeysInOneSlot_ReturnsZeroAndSetsTheSlot()
    {
        ProxyRequest request = Request("MGET", "{a}1", "{a}2");

        int parts = KeySplitter.Split(request, keyStep: 1, MergeKind.Values);

        Assert.Equal(0, parts);
        Assert.Equal(HashSlot.Of("a"u8), request.Slot);
        Assert.Empty(request.Children);
    }

    [Fact]
    public void Split_KeysInTwoSlots_OnePartPerSlotInOrderOfFirstAppearance()
    {
        ProxyRequest request = Request("MGET", "{a}1", "{b}1", "{a}2");

        int parts = KeySplitter.Split(request, keyStep: 1, MergeKind.Values);

        Assert.Equal(2, parts);
        Assert.Equal(MergeKind.Values, request.Merge);
        Assert.Equal(["MGET", "{a}1", "{a}2"], Args(request.Children[0]));
        Assert.Equal(HashSlot.Of("a"u8), request.Children[0].Slot);
        Assert.Equal([0, 2], request.Children[0].KeyPositions.ToArray());
        Assert.Equal(["MGET", "{b}1"], Args(request.Children[1]));
        Assert.Equal(HashSlot.Of("b"u8), request.Children[1].Slot);
        Assert.Equal([1], request.Children[1].KeyPositions.ToArray());
    }

    [Fact]
    public void Split_KeyValuePairs_KeepsEachValueWithItsKey()
    {
        ProxyRequest request = Request("MSET", "{a}1", "v1", "{b}1", "v2", "{a}2", "v3");

        int parts = KeySplitter.Split(request, keyStep: 2, MergeKind.AllOk);

        Assert.Equal(2, parts);
        Assert.Equal(MergeKind.AllOk, request.Merge);
        Assert.Equal(["MSET", "{a}1", "v1", "{a}2", "v3"], Args(request.Children[0]));
        Assert.Equal(["MSET", "{b}1", "v2"], Args(request.Children[1]));
    }

    private static ProxyRequest Request(params string[] args)
    {
        ProxyRequest request = new RequestPool(16).Rent();
        request.Frame.Set(args);
        return request;
    }

    private static string[] Args(ProxyRequest request)
    {
        var args = new string[request.Frame.ArgCount];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = Encoding.UTF8.GetString(request.Frame.Arg(i));
        }
        return args;
    }
}
