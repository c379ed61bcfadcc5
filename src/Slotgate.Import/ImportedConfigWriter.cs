using System.Globalization;
using System.Text;
using Slotgate.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Import;

/// <summary>
/// Writes an <see cref="ImportedConfig"/> as a Slotgate YAML file: what could not be carried over first, as comments, so
/// nobody deploys the file without seeing it; then only the keys the Envoy input set. YamlDotNet's emitter does the
/// quoting (passwords and IPv6 addresses need it).
/// </summary>
internal static class ImportedConfigWriter
{
    public static string Write(ImportedConfig config, string source)
    {
        var text = new StringBuilder();
        text.Append("# Slotgate configuration imported from ").Append(source).Append(" by 'slotgate import-envoy'.\n");
        if (config.Notes.Count == 0)
        {
            text.Append("# Every field of the Envoy configuration was carried over.\n");
        }
        else
        {
            text.Append("# Not carried over (").Append(config.Notes.Count.ToString(CultureInfo.InvariantCulture)).Append("):\n");
            foreach (ImportNote note in config.Notes)
            {
                text.Append("#   ").Append(note.ToString().ReplaceLineEndings(" ")).Append('\n');
            }
        }

        var root = new YamlMappingNode();
        if (config.Listen.Count > 0)
        {
            root.Add("listen", Sequence(config.Listen));
        }

        var cluster = new YamlMappingNode { { "seeds", Sequence(config.Seeds) } };
        AddDuration(cluster, "refreshInterval", config.RefreshInterval);
        AddDuration(cluster, "refreshMinInterval", config.RefreshMinInterval);
        AddString(cluster, "username", config.Username);
        AddString(cluster, "password", config.Password);
        root.Add("cluster", cluster);

        var backend = new YamlMappingNode();
        AddDuration(backend, "connectTimeout", config.ConnectTimeout);
        AddDuration(backend, "operationTimeout", config.OperationTimeout);
        AddIfAny(root, "backend", backend);

        var routing = new YamlMappingNode();
        if (config.MaxRedirects is { } redirects)
        {
            routing.Add("maxRedirects", redirects.ToString(CultureInfo.InvariantCulture));
        }
        if (config.ReadFrom is { } readFrom)
        {
            routing.Add("readFrom", readFrom);
        }
        if (config.CustomCommands.Count > 0)
        {
            routing.Add("customCommands", Sequence(config.CustomCommands));
        }
        AddIfAny(root, "routing", routing);

        if (config.Faults.Count > 0)
        {
            var faults = new YamlSequenceNode();
            foreach (ImportedFault fault in config.Faults)
            {
                var node = new YamlMappingNode
                {
                    { "type", fault.Type },
                    { "percent", fault.Percent.ToString(CultureInfo.InvariantCulture) },
                };
                AddDuration(node, "delay", fault.Delay);
                if (fault.Commands.Count > 0)
                {
                    node.Add("commands", Sequence(fault.Commands));
                }
                faults.Add(node);
            }
            root.Add("faults", faults);
        }

        if (config.Upstreams.Count > 0)
        {
            var upstreams = new YamlSequenceNode();
            foreach (ImportedUpstream upstream in config.Upstreams)
            {
                var node = new YamlMappingNode { { "name", Quoted(upstream.Name) }, { "type", upstream.Type }, { "servers", Sequence(upstream.Servers) } };
                AddString(node, "username", upstream.Username);
                AddString(node, "password", upstream.Password);
                upstreams.Add(node);
            }
            root.Add("upstreams", upstreams);
        }

        if (config.Routes.Count > 0 || config.CatchAll is not null)
        {
            var routes = new YamlMappingNode();
            if (config.CaseInsensitive)
            {
                routes.Add("caseInsensitive", "true");
            }
            if (config.CatchAll is { } catchAll)
            {
                routes.Add("catchAll", Route(catchAll, withPrefix: false));
            }
            if (config.Routes.Count > 0)
            {
                routes.Add("prefixes", new YamlSequenceNode(config.Routes.Select(r => (YamlNode)Route(r, withPrefix: true))));
            }
            root.Add("routes", routes);
        }

        if (config.Users.Count > 0)
        {
            var users = new YamlSequenceNode();
            foreach (ImportedUser user in config.Users)
            {
                var node = new YamlMappingNode { { "name", Quoted(user.Name) } };
                if (user.Passwords.Count > 0)
                {
                    node.Add("passwords", Sequence(user.Passwords));
                }
                if (user.PasswordFiles.Count > 0)
                {
                    node.Add("passwordFiles", Sequence(user.PasswordFiles));
                }
                users.Add(node);
            }
            root.Add("auth", new YamlMappingNode { { "users", users } });
        }

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        // YamlStream ends a document with "...", which adds nothing for a single-document file.
        string yaml = writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal).TrimEnd('.', '\r', '\n') + "\n";
        return text.Append(yaml).ToString();
    }

    private static YamlMappingNode Route(ImportedRoute route, bool withPrefix)
    {
        var node = new YamlMappingNode();
        if (withPrefix)
        {
            node.Add("prefix", Quoted(route.Prefix));
        }
        node.Add("upstream", Quoted(route.Upstream!));
        if (route.RemovePrefix)
        {
            node.Add("removePrefix", "true");
        }
        AddString(node, "keyFormatter", route.KeyFormatter);
        AddString(node, "readUpstream", route.ReadUpstream);
        if (route.Mirrors.Count > 0)
        {
            node.Add("mirrors", new YamlSequenceNode(route.Mirrors.Select(m => (YamlNode)new YamlMappingNode
            {
                { "upstream", Quoted(m.Upstream!) },
                { "percent", m.Percent.ToString(CultureInfo.InvariantCulture) },
                { "excludeReads", m.ExcludeReads ? "true" : "false" },
            })));
        }
        return node;
    }

    private static YamlSequenceNode Sequence(IEnumerable<string> items) => new(items.Select(Quoted));

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static void AddDuration(YamlMappingNode node, string key, TimeSpan? value)
    {
        if (value is { } duration)
        {
            node.Add(key, ConfigValueParser.FormatDuration(duration));
        }
    }

    private static void AddString(YamlMappingNode node, string key, string? value)
    {
        if (value is not null)
        {
            node.Add(key, Quoted(value));
        }
    }

    private static void AddIfAny(YamlMappingNode root, string key, YamlMappingNode section)
    {
        if (section.Children.Count > 0)
        {
            root.Add(key, section);
        }
    }
}
