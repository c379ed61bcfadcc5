namespace Slotgate.Commands;

/// <summary>How a key spec finds the first argument of its key range.</summary>
internal enum BeginSearchType
{
    /// <summary>Redis cannot describe it (SORT's STORE); a hand-written finder covers it.</summary>
    Unknown,

    /// <summary>A fixed argument index.</summary>
    Index,

    /// <summary>The argument after a keyword.</summary>
    Keyword,
}
