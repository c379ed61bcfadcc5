using Slotgate.Protocol;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// Who one client is: whether it has authenticated and as which user. Until it has, its commands are read under the
/// tighter limits for unauthenticated clients. Changed by the client's own AUTH, HELLO and RESET.
/// </summary>
internal sealed class ClientAuthentication(UserDirectory users, ClientInfo info, RequestParser parser)
{
    /// <summary>
    /// The user the client is authenticated as; null while unauthenticated, and also when authentication is off (then
    /// <see cref="Authenticated"/> is true and nothing is checked).
    /// </summary>
    public AclUser? User { get; private set; }

    /// <summary>False until the client authenticates, when Slotgate has users configured.</summary>
    public bool Authenticated { get; private set; }

    /// <summary>The client authenticated as <paramref name="user"/>: its permissions apply from the next command on.</summary>
    public void SignIn(AclUser user)
    {
        User = user;
        info.User = user.Name;
        Authenticated = true;
        parser.Unauthenticated = false;
    }

    /// <summary>
    /// Back to how a new connection starts: the user its identity is bound to, else the default user if it needs no
    /// password, else unauthenticated.
    /// </summary>
    public void SignOut()
    {
        AclUser? initial = users.Enabled ? info.IdentityUser ?? users.InitialUser : null;
        User = initial;
        info.User = initial?.Name ?? UserDirectory.DefaultUserName;
        Authenticated = !users.Enabled || initial is not null;
        parser.Unauthenticated = !Authenticated;
    }
}
