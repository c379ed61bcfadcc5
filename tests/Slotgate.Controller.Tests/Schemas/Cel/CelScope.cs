namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>Variables in scope: the rule's <c>self</c>/<c>oldSelf</c> and comprehension variables (innermost first).</summary>
internal sealed class CelScope
{
    private readonly string? _name;
    private readonly object? _value;
    private readonly CelScope? _parent;

    private CelScope(string? name, object? value, CelScope? parent)
    {
        _name = name;
        _value = value;
        _parent = parent;
    }

    public static CelScope Empty { get; } = new(null, null, null);

    public CelScope With(string name, object? value) => new(name, value, this);

    public object? Lookup(string name)
    {
        for (CelScope? scope = this; scope is not null; scope = scope._parent)
        {
            if (scope._name == name)
            {
                return scope._value;
            }
        }
        throw new CelEvaluationException($"undeclared reference to '{name}'");
    }
}
