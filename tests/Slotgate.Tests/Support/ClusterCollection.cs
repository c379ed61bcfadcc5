namespace Slotgate.Tests.Support;

/// <summary>Binds the <c>"cluster"</c> collection name to <see cref="ClusterFixture"/>; xunit needs a public marker type for it.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
