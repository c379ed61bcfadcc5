namespace Slotgate.Admin;

/// <summary>One entry of <c>GET /clients</c>, the fields of CLIENT LIST (<c>identity</c> only for PROXY protocol clients with one).</summary>
internal sealed record ClientDto(long Id, string Addr, string Laddr, string? Name, long Age, long Idle, string? Cmd, int Resp, string? LibName, string? LibVer, bool Subscribed, bool Multi,
    string? Identity = null, string? User = null);
