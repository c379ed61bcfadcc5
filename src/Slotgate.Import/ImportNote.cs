namespace Slotgate.Import;

/// <summary>One Envoy field that <c>import-envoy</c> did not carry over as it is, with where it was and why.</summary>
/// <param name="EnvoyPath">The field's path in the Envoy input, e.g. <c>typed_config.settings.dns_cache_config</c>.</param>
/// <param name="Reason">Why it was not carried over, or what Slotgate does instead.</param>
internal sealed record ImportNote(string EnvoyPath, string Reason)
{
    public override string ToString() => EnvoyPath + ": " + Reason;
}
