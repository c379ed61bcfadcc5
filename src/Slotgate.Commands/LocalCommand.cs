namespace Slotgate.Commands;

/// <summary>
/// The commands and subcommands Slotgate answers itself, as a stable id on every <see cref="CommandInfo"/> (given by
/// name when the command is built, whatever table it comes from), so they are dispatched by a switch on this value
/// rather than by comparing names. <see cref="None"/> for every command Slotgate does not answer itself.
/// </summary>
internal enum LocalCommand : byte
{
    None,

    // Connection: PING, ECHO, QUIT, SELECT, READONLY/READWRITE/ASKING, RESET, MONITOR.
    Ping,
    Echo,
    Quit,
    Select,
    ReadOnly,
    ReadWrite,
    Asking,
    Reset,
    Monitor,

    // Authentication and ACL.
    Auth,
    Hello,
    AclWhoAmI,
    AclUsers,
    AclCat,
    AclDryRun,

    // CLIENT.
    ClientSetName,
    ClientGetName,
    ClientId,
    ClientSetInfo,
    ClientInfoLine, // CLIENT INFO: the client's own CLIENT LIST line
    ClientList,
    ClientKill,
    ClientNoEvict,
    ClientNoTouch,
    ClientReply, // CLIENT REPLY ON|OFF|SKIP: the session's writer applies it

    // COMMAND.
    Command,
    CommandCount,
    CommandList,
    CommandInfo,
    CommandDocs,
    CommandGetKeys,
    CommandGetKeysAndFlags,

    // CLUSTER, answered as a one-node cluster.
    ClusterInfo,
    ClusterSlots,
    ClusterShards,
    ClusterNodes,
    ClusterMyId,
    ClusterKeySlot,

    // Server information: SLOWLOG, PUBSUB NUMPAT.
    SlowLogGet,
    SlowLogLen,
    SlowLogReset,
    SlowLogHelp,
    PubSubNumPat,
}
