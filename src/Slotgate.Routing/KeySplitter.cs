using Slotgate.Cluster;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>Splits a multi-key command (MGET, MSET, DEL...) by hash slot: one part per slot, carrying all of that slot's keys.</summary>
/// <remarks>
/// Redis rejects keys of different slots in one command, even on the same node, so a slot is the largest unit one
/// part can cover. <see cref="ReplyMerger"/> puts the parts' replies back together in the client's key order.
/// </remarks>
internal static class KeySplitter
{
    /// <summary>
    /// Splits <paramref name="request"/>, whose keys start at argument 1 and come every <paramref name="keyStep"/>
    /// arguments (2 for key/value pairs). Returns 0 when every key is in one slot: the request then keeps the client's
    /// bytes and has that <see cref="ProxyRequest.Slot"/>. Otherwise returns how many parts were added to its children,
    /// each with its slot set, slots in order of first appearance, and the request's replies are combined by
    /// <paramref name="merge"/>. Sending the parts is the caller's.
    /// </summary>
    public static int Split(ProxyRequest request, int keyStep, MergeKind merge)
    {
        int argCount = request.Frame.ArgCount;
        Span<int> slots = argCount <= 512 ? stackalloc int[argCount] : new int[argCount];
        RequestFrame frame = request.Frame;
        int slot = HashSlot.None;
        for (int i = 1; i < frame.ArgCount; i += keyStep)
        {
            slots[i] = HashSlot.Of(frame.Arg(i));
            slot = HashSlot.Combine(slot, slots[i]);
        }
        if (slot != HashSlot.Multiple)
        {
            request.Slot = slot;
            return 0;
        }
        request.Merge = merge;
        ReadOnlySpan<byte> name = frame.Arg(0);
        int parts = 0;
        // Slots are visited in order of first appearance, each slot's keys kept in the client's order; the quadratic
        // scan is over distinct slots only, which is small for real commands.
        for (int i = 1; i < frame.ArgCount; i += keyStep)
        {
            if (slots[i] < 0)
            {
                continue;
            }
            request.AddChild(Part(request, slots, i, keyStep, name));
            parts++;
        }
        return parts;
    }

    /// <summary>The part for the slot of the key at <paramref name="first"/>: that key and every later one of its slot.</summary>
    private static ProxyRequest Part(ProxyRequest request, Span<int> slots, int first, int keyStep, ReadOnlySpan<byte> name)
    {
        RequestFrame frame = request.Frame;
        int partSlot = slots[first];
        int partArgs = 1;
        for (int j = first; j < frame.ArgCount; j += keyStep)
        {
            if (slots[j] == partSlot)
            {
                partArgs += keyStep;
            }
        }
        ProxyRequest part = request.Pool.Rent();
        part.Frame.Begin(partArgs);
        part.Frame.AppendArg(name);
        part.Slot = partSlot;
        for (int j = first; j < frame.ArgCount; j += keyStep)
        {
            if (slots[j] != partSlot)
            {
                continue;
            }
            for (int k = 0; k < keyStep; k++)
            {
                part.Frame.AppendArg(frame.Arg(j + k));
            }
            part.AddKeyPosition((j - 1) / keyStep);
            // Taken: later visits skip this key.
            slots[j] = -1;
        }
        return part;
    }
}
