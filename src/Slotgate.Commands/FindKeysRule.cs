namespace Slotgate.Commands;

/// <summary>
/// The find_keys half of a Redis 7 key spec: which arguments, counted from the first key, are keys.
/// For <see cref="FindKeysType.Range"/>: <see cref="LastKey"/> is relative to the first key, or when negative counts
/// from the end of the arguments (-1 = last); <see cref="Limit"/> &gt; 1 with LastKey -1 means "the first 1/limit of
/// the remaining arguments" (XREAD's STREAMS k1 k2 id1 id2). For <see cref="FindKeysType.KeyNum"/>: the count is at
/// first + <see cref="KeyNumIndex"/> and the keys start at first + <see cref="FirstKey"/>.
/// </summary>
internal readonly record struct FindKeysRule(
    FindKeysType Type, int LastKey, int KeyStep, int Limit, int KeyNumIndex, int FirstKey)
{
    public static FindKeysRule Unknown => default;

    public static FindKeysRule Range(int lastKey, int keyStep, int limit) =>
        new(FindKeysType.Range, lastKey, keyStep, limit, 0, 0);

    public static FindKeysRule KeyNum(int keyNumIndex, int firstKey, int keyStep) =>
        new(FindKeysType.KeyNum, 0, keyStep, 0, keyNumIndex, firstKey);
}
