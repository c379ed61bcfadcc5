using Slotgate.Protocol;

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

    /// <summary>
    /// Runs <paramref name="parse"/>, which fills the outcome in (and sets <see cref="Leftover"/> when it ends without an
    /// error): a protocol error ends the outcome as <see cref="Error"/>, any other exception is a failure of the target.
    /// </summary>
    public static ParseOutcome Run(string target, byte[] input, Action<ParseOutcome> parse)
    {
        var outcome = new ParseOutcome();
        try
        {
            parse(outcome);
        }
        catch (RespProtocolException ex)
        {
            outcome.Error = ex.Message;
        }
        catch (Exception ex) when (ex is not FuzzFailure)
        {
            throw new FuzzFailure(target, $"threw {ex.GetType().Name}: {ex.Message}", input, ex);
        }
        return outcome;
    }

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
