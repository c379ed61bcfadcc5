namespace Slotgate.Import;

/// <summary>A client user for <c>auth.users</c>, from Envoy's downstream_auth_* fields.</summary>
internal sealed record ImportedUser(string Name, IReadOnlyList<string> Passwords, IReadOnlyList<string> PasswordFiles);
