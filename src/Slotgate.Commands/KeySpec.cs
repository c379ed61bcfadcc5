using System.Text;

namespace Slotgate.Commands;

/// <summary>
/// One Redis 7 key spec (COMMAND INFO element 9, see the "Command key specifications" page of the Redis docs):
/// a begin_search rule locating the first key and a find_keys rule expanding it into a range.
/// </summary>
internal sealed class KeySpec
{
    private readonly byte[] _keywordUtf8;

    public KeySpec(KeySpecFlags flags, BeginSearch beginSearch, FindKeysRule findKeys, string? notes = null)
    {
        Flags = flags;
        BeginSearch = beginSearch;
        FindKeys = findKeys;
        Notes = notes;
        _keywordUtf8 = beginSearch.Keyword is null ? [] : Encoding.UTF8.GetBytes(beginSearch.Keyword);
    }

    public KeySpecFlags Flags { get; }

    public BeginSearch BeginSearch { get; }

    public FindKeysRule FindKeys { get; }

    /// <summary>Redis's free-text remark, echoed in COMMAND INFO.</summary>
    public string? Notes { get; }

    /// <summary>The begin_search keyword as bytes, so matching arguments needs no decoding.</summary>
    public ReadOnlySpan<byte> KeywordUtf8 => _keywordUtf8;

    /// <summary>True when Redis itself cannot apply this spec and falls back to a command-specific finder.</summary>
    public bool IsUnknown =>
        BeginSearch.Type == BeginSearchType.Unknown || FindKeys.Type == FindKeysType.Unknown;
}
