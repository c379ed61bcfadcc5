namespace Slotgate.Configuration;

/// <summary>One user of <c>auth.users</c>: its name, its passwords (several, for rotation) and its ACL rules.</summary>
internal sealed record UserOptions
{
    /// <summary>The username; <c>default</c> is the user <c>AUTH password</c> (without a username) authenticates as.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Plaintext passwords, best given through environment variables from a secret. Shown as <c>***</c>.</summary>
    public IReadOnlyList<string> Passwords { get; init; } = [];

    /// <summary>Files holding passwords, one per line (a mounted Kubernetes Secret); re-read when they change.</summary>
    public IReadOnlyList<string> PasswordFiles { get; init; } = [];

    /// <summary>SHA-256 digests of passwords, 64 hex digits each, as Redis ACL's <c>#hash</c> rules take them.</summary>
    public IReadOnlyList<string> PasswordHashes { get; init; } = [];

    /// <summary>Any password is accepted; for <c>default</c>, no AUTH is needed at all (Redis's <c>nopass</c>).</summary>
    public bool NoPass { get; init; }

    /// <summary>Redis ACL rules (<c>+@read -@dangerous ~app1:* &amp;app1:*</c>); unset means everything is allowed.</summary>
    public string? Rules { get; init; }

    /// <summary>
    /// SPIFFE IDs (or patterns, <c>*</c> matching within one path segment) of workloads authenticated as this user
    /// without a password, from the PROXY v2 header's TLV 0xD0 on <c>proxyProtocol.listen</c> connections.
    /// </summary>
    public IReadOnlyList<string> Identities { get; init; } = [];
}
