namespace Slotgate.Commands;

/// <summary>How a key spec finds its keys once the first one is located.</summary>
internal enum FindKeysType
{
    /// <summary>Redis cannot describe it; a hand-written finder covers it.</summary>
    Unknown,

    /// <summary>From the first key to a last key given relative to it or to the end.</summary>
    Range,

    /// <summary>An argument holds the number of keys (EVAL's numkeys).</summary>
    KeyNum,
}
