using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>Loading kubernetes-models: every file or a loud failure, never a validator that silently accepts.</summary>
public sealed class CoreSchemaLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slotgate-schemas-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_InstalledPackage_EveryDefinitionFileLoaded()
    {
        int files = Directory.GetFiles(Path.Combine(CoreSchemas.ModulesDirectory, "kubernetes-models", "_schemas"), "*.js").Length
            + Directory.GetFiles(Path.Combine(CoreSchemas.ModulesDirectory, "@kubernetes-models", "apimachinery", "_schemas"), "*.js").Length;

        CoreSchemas schemas = CoreSchemas.Load();

        Assert.True(files > 700, $"only {files} schema files");
        Assert.Equal(files, schemas.Count);
        Assert.Equal("io.k8s.api.apps.v1.Deployment", schemas.Find("apps/v1", "Deployment"));
    }

    [Fact]
    public void Load_PackageMissing_ThrowsNamingTheTestScript()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CoreSchemas.Load(_directory));

        Assert.Contains("scripts/test.sh", error.Message, StringComparison.Ordinal);
        Assert.Contains("kubernetes-models 4.1.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherVersionInstalled_Throws()
    {
        WritePackage("4.3.0");

        var error = Assert.Throws<InvalidOperationException>(() => CoreSchemas.Load(_directory));

        Assert.Contains("kubernetes-models 4.3.0 is installed", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A definition file that is not <c>const schema = {JSON};</c>, or whose literal is not JSON, fails the load.</summary>
    [Theory]
    [InlineData("module.exports = require('./somewhere-else');\n", "IoK8sApiCoreV1Odd.js")]
    [InlineData("const schema = {\n    type: 'object'\n};\nfunction addSchema() {\n    (0, validate_1.register)(\"io.k8s.api.core.v1.Odd\", schema);\n}\n", "not JSON")]
    public void Load_FileOfAnotherShapeOrNotJson_ThrowsNamingTheFile(string content, string reason)
    {
        WritePackage(CoreSchemas.PackageVersion);
        File.WriteAllText(Path.Combine(_directory, "kubernetes-models", "_schemas", "IoK8sApiCoreV1Odd.js"), content);

        var error = Assert.Throws<InvalidOperationException>(() => CoreSchemas.Load(_directory));

        Assert.Contains("IoK8sApiCoreV1Odd.js", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private void WritePackage(string version)
    {
        Directory.CreateDirectory(Path.Combine(_directory, "kubernetes-models", "_schemas"));
        Directory.CreateDirectory(Path.Combine(_directory, "@kubernetes-models", "apimachinery", "_schemas"));
        File.WriteAllText(Path.Combine(_directory, "kubernetes-models", "package.json"), $$"""{ "name": "kubernetes-models", "version": "{{version}}" }""");
    }
}
