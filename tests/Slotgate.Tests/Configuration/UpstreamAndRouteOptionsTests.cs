namespace Slotgate.Tests.Configuration;

public class UpstreamAndRouteOptionsTests
{
    private static SlotgateConfigLoadResult LoadYaml(string yaml)
    {
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-routes-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            return SlotgateConfiguration.Load(["--config", file], new Dictionary<string, string?>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private const string Valid = """
        cluster: { seeds: ["127.0.0.1:7001"] }
        upstreams:
          - name: cache
            type: ketama
            servers: ["10.0.0.1:6379:1 cache-a", "10.0.0.2:6379:2 cache-b"]
            password: ring-secret
          - name: sessions
            type: cluster
            servers: ["10.0.1.1:7000"]
          - name: one
            type: standalone
            servers: ["10.0.2.1:6379"]
        routes:
          caseInsensitive: true
          catchAll:
            upstream: default
            mirrors:
              - upstream: one
                percent: 5
                excludeReads: true
          prefixes:
            - prefix: "cache:"
              upstream: cache
              removePrefix: true
              keyFormatter: "{%KEY%}"
            - prefix: "sess:"
              upstream: sessions
              readUpstream: one
        """;

    [Fact]
    public void Load_UpstreamsAndRoutes_ReadWithEveryField()
    {
        var result = LoadYaml(Valid);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        SlotgateOptions o = result.Options;
        Assert.Equal(3, o.Upstreams.Count);
        Assert.Equal(("cache", "ketama", "ring-secret"), (o.Upstreams[0].Name, o.Upstreams[0].Type, o.Upstreams[0].Password));
        Assert.Equal(["10.0.0.1:6379:1 cache-a", "10.0.0.2:6379:2 cache-b"], o.Upstreams[0].Servers);
        Assert.True(o.Routes.CaseInsensitive);
        Assert.Equal("default", o.Routes.CatchAll!.Upstream);
        MirrorOptions mirror = Assert.Single(o.Routes.CatchAll.Mirrors);
        Assert.Equal(("one", 5.0, true), (mirror.Upstream, mirror.Percent, mirror.ExcludeReads));
        Assert.Equal(("cache:", "cache", true, "{%KEY%}"), (o.Routes.Prefixes[0].Prefix, o.Routes.Prefixes[0].Upstream, o.Routes.Prefixes[0].RemovePrefix, o.Routes.Prefixes[0].KeyFormatter));
        Assert.Equal(("sess:", "sessions", "one"), (o.Routes.Prefixes[1].Prefix, o.Routes.Prefixes[1].Upstream, o.Routes.Prefixes[1].ReadUpstream));
    }

    [Fact]
    public void Render_UpstreamsAndRoutes_LoadBackTheSameWithPasswordMasked()
    {
        SlotgateOptions original = LoadYaml(Valid).Options!;
        string rendered = SlotgateConfiguration.Render(original);
        Assert.DoesNotContain("ring-secret", rendered, StringComparison.Ordinal);

        var again = LoadYaml(rendered.Replace("\"***\"", "\"ring-secret\"", StringComparison.Ordinal));

        Assert.True(again.Succeeded, string.Join('\n', again.Errors));
        Assert.Equal(original.Upstreams, again.Options.Upstreams, (a, b) => a.Name == b.Name && a.Type == b.Type && a.Servers.SequenceEqual(b.Servers) && a.Password == b.Password);
        Assert.Equal(original.Routes.Prefixes.Select(p => (p.Prefix, p.Upstream, p.RemovePrefix, p.KeyFormatter, p.ReadUpstream)),
            again.Options.Routes.Prefixes.Select(p => (p.Prefix, p.Upstream, p.RemovePrefix, p.KeyFormatter, p.ReadUpstream)));
        Assert.Equal(5.0, again.Options.Routes.CatchAll!.Mirrors[0].Percent);
    }

    [Fact]
    public void Load_BadUpstreamsAndRoutes_EveryErrorWithItsPath()
    {
        var result = LoadYaml("""
            cluster: { seeds: ["127.0.0.1:7001"] }
            upstreams:
              - name: default
                servers: ["10.0.0.1:7000"]
              - name: twice
                type: standalone
                servers: ["10.0.0.1:6379", "10.0.0.2:6379"]
              - name: twice
                type: ring
                servers: ["nohost", "10.0.0.3:6379:0"]
              - name: empty
                username: u
            routes:
              prefixes:
                - prefix: "a:"
                  upstream: nowhere
                  keyFormatter: "{key}"
                - prefix: "a:"
                  upstream: empty
                  readUpstream: ghost
                  mirrors:
                    - upstream: ghost
                      percent: 101
                - upstream: empty
              catchAll:
                prefix: "x"
                upstream: empty
            """);

        Assert.False(result.Succeeded);
        string[] expected =
        [
            "upstreams[0].name: 'default' is the main cluster's name (the cluster section)",
            "upstreams[1].servers: a standalone upstream has exactly one server (use type ketama to shard over several), got 2",
            "upstreams[2].name: 'twice' is used twice",
            "upstreams[2].type: must be one of cluster, standalone, ketama, got 'ring'",
            "upstreams[3].servers: at least one server is required",
            "upstreams[3].password: required when username is set",
            "routes.prefixes[0].keyFormatter: must contain %KEY% (the key), got '{key}'",
            "routes.prefixes[1].prefix: 'a:' is listed twice",
            "routes.prefixes[1].readUpstream: no upstream is named 'ghost'",
            "routes.prefixes[1].mirrors[0].upstream: no upstream is named 'ghost'",
            "routes.prefixes[1].mirrors[0].percent: must be between 0 and 100, got 101",
            "routes.prefixes[2].prefix: required (the route for every other key is routes.catchAll)",
            "routes.catchAll: has no prefix (prefix and removePrefix are for routes.prefixes)",
        ];
        foreach (string error in expected)
        {
            Assert.Contains(error, result.Errors);
        }
        Assert.Contains(result.Errors, e => e.StartsWith("routes.prefixes[0].upstream: no upstream is named 'nowhere'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("upstreams[2].servers[0]: 'nohost'", StringComparison.Ordinal));
        Assert.Contains("upstreams[2].servers[1]: '10.0.0.3:6379:0' has a weight that is not a whole number of at least 1", result.Errors);
    }

    [Fact]
    public void Defaults_NoUpstreamsNoRoutes()
    {
        Assert.Empty(new SlotgateOptions().Upstreams);
        Assert.True(new SlotgateOptions().Routes.IsEmpty);
    }
}
