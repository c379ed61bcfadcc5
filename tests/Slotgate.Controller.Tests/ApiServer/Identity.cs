namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Who a request comes from: the user name and groups its bearer token stands for.</summary>
public sealed record Identity(string User, IReadOnlyList<string> Groups, bool Admin)
{
    public static Identity ServiceAccount(string ns, string name) =>
        new($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], false);
}
