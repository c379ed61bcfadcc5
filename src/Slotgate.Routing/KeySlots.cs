using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>The hash slot a command's keys share: a slot, <see cref="HashSlot.None"/> (no keys) or <see cref="HashSlot.Multiple"/>.</summary>
internal static class KeySlots
{
    public static int Of(RequestFrame frame, CommandInfo command, out bool hasKeys)
    {
        int single = command.SingleKeyIndex;
        if (single > 0 && single < frame.ArgCount)
        {
            hasKeys = true;
            return HashSlot.Of(frame.Arg(single));
        }
        return OfAnyKeys(frame, command, out hasKeys);
    }

    /// <summary>The general case, through the key specs (kept apart so the one-key path pays for no key buffer).</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // only the positions FindKeys writes are read
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int OfAnyKeys(RequestFrame frame, CommandInfo command, out bool hasKeys)
    {
        Span<int> keys = stackalloc int[64];
        int count = command.FindKeys(frame, keys);
        if (count > keys.Length)
        {
            keys = new int[count];
            count = command.FindKeys(frame, keys);
        }
        // Arguments that contradict the key specs (e.g. EVAL with numkeys larger than the argument count) are sent to
        // any primary, so the client gets Redis's own error for them.
        count = Math.Max(count, 0);
        hasKeys = count > 0;
        int slot = HashSlot.None;
        for (int i = 0; i < count && slot != HashSlot.Multiple; i++)
        {
            slot = HashSlot.Combine(slot, HashSlot.Of(frame.Arg(keys[i])));
        }
        return slot;
    }
}
