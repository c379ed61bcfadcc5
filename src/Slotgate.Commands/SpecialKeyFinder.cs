namespace Slotgate.Commands;

/// <summary>
/// Commands whose key specs Redis marks unknown or incomplete, so that Redis itself locates their keys with
/// hand-written code. Only these need code of their own here; every other command goes through the generic
/// key-spec search.
/// </summary>
internal enum SpecialKeyFinder
{
    None,

    /// <summary>SORT: the sorted key, then the destination after the last STORE (BY/GET patterns are not keys).</summary>
    Sort,

    /// <summary>MIGRATE: the key argument, or when it is empty, every argument after KEYS.</summary>
    Migrate,
}
