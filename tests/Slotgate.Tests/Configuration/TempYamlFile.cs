namespace Slotgate.Tests.Configuration;

/// <summary>A YAML file in the temp directory for one test, deleted afterwards.</summary>
internal sealed class TempYamlFile : IDisposable
{
    public TempYamlFile(string content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"slotgate-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
