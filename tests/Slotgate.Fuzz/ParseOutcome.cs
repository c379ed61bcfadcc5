namespace Slotgate.Fuzz;

/// <summary>
/// What a parser made of a byte stream: the complete items in order (commands as their encoding, or reply lengths),
/// then either the protocol error that stopped it or the number of bytes left waiting for more.
/// </summary>
internal sealed class ParseOutcome
{
    public List<byte[]> Items { get; } = [];

    public string? Error { get; set; }

    public long Leftover { get; set; }

    public bool SameAs(ParseOutcome other)
    {
        if (Error != other.Error || Items.Count != other.Items.Count || (Error is null && Leftover != other.Leftover))
        {
            return false;
        }
        for (int i = 0; i < Items.Count; i++)
        {
            if (!Items[i].AsSpan().SequenceEqual(other.Items[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() =>
        $"{Items.Count} items, " + (Error is null ? $"{Leftover} bytes waiting" : $"error '{Error}'");
}
