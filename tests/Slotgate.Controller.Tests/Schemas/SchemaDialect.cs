namespace Slotgate.Controller.Tests.Schemas;

/// <summary>Which kind of OpenAPI schema a <see cref="SchemaWalker"/> walks.</summary>
internal enum SchemaDialect
{
    CustomResource,
    Core,
}
