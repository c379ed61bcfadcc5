namespace Slotgate.Commands;

/// <summary>
/// The begin_search half of a Redis 7 key spec: where the spec's first key is.
/// <see cref="StartFrom"/> is negative when the keyword is searched backwards from the end (MIGRATE's KEYS).
/// </summary>
internal readonly record struct BeginSearch(BeginSearchType Type, int Index, string? Keyword, int StartFrom)
{
    public static BeginSearch Unknown => default;

    public static BeginSearch AtIndex(int index) => new(BeginSearchType.Index, index, null, 0);

    public static BeginSearch AfterKeyword(string keyword, int startFrom) =>
        new(BeginSearchType.Keyword, 0, keyword, startFrom);
}
