namespace Slotgate.Controller.Model;

/// <summary>Namespace and name of a namespaced object.</summary>
internal sealed record ObjectKey(string Namespace, string Name)
{
    public override string ToString() => Namespace + "/" + Name;
}
