namespace Slotgate.Diagnostics;

/// <summary>
/// The tag values of a measurement (Slotgate's instruments carry at most three, always in the same order), as a
/// dictionary key that is looked up without allocating.
/// </summary>
internal readonly record struct SeriesKey(object? First, object? Second, object? Third)
{
    public static SeriesKey From(ReadOnlySpan<KeyValuePair<string, object?>> tags) => new(
        tags.Length > 0 ? tags[0].Value : null,
        tags.Length > 1 ? tags[1].Value : null,
        tags.Length > 2 ? tags[2].Value : null);
}
