namespace Slotgate.Commands;

/// <summary>Flags of one Redis 7 key spec, declared in the order Redis lists them in COMMAND INFO.</summary>
[Flags]
internal enum KeySpecFlags
{
    None = 0,

    /// <summary>Read-only access.</summary>
    RO = 1 << 0,

    /// <summary>Read-write access.</summary>
    RW = 1 << 1,

    /// <summary>Overwrite: the old value is neither read nor kept.</summary>
    OW = 1 << 2,

    /// <summary>Deletes the key.</summary>
    RM = 1 << 3,

    Access = 1 << 4,
    Update = 1 << 5,
    Insert = 1 << 6,
    Delete = 1 << 7,

    /// <summary>The argument is not a key but must hash like one (sharded pub/sub channels).</summary>
    NotKey = 1 << 8,

    /// <summary>The spec may miss some keys; Redis then falls back to the command's own key finder.</summary>
    Incomplete = 1 << 9,

    /// <summary>The flags depend on other arguments (SET ... GET); the positions are still exact.</summary>
    VariableFlags = 1 << 10,
}
