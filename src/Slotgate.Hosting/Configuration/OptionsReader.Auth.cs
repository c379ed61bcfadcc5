using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>Who may connect: the <c>auth</c> section with its users, and the <c>admin</c> endpoint's listener and credentials.</summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] AuthKeys = ["users", "allowPing", "timeout", "maxFailuresPerMinute"];
    private static readonly string[] UserKeys = ["name", "passwords", "passwordFiles", "passwordHashes", "noPass", "rules", "identities"];
    private static readonly string[] AdminKeys = ["listen", "username", "password", "token"];

    private AuthOptions ReadAuth(IConfigurationSection section, string path) =>
        ReadSection(section, path, AuthKeys, new AuthOptions(), (o, name, child, childPath) => name switch
        {
            "users" => o with { Users = ReadUsers(child, childPath) },
            "allowPing" => o with { AllowPing = ReadBool(child, childPath, o.AllowPing) },
            "timeout" => o with { Timeout = ReadDuration(child, childPath, o.Timeout) },
            "maxFailuresPerMinute" => o with { MaxFailuresPerMinute = ReadInt(child, childPath, o.MaxFailuresPerMinute) },
            _ => null,
        });

    /// <summary>A list of user sections (YAML sequence, or <c>SLOTGATE_AUTH__USERS__0__NAME</c> variables), in index order.</summary>
    private IReadOnlyList<UserOptions> ReadUsers(IConfigurationSection section, string path)
    {
        var users = new List<(int Index, UserOptions User)>();
        foreach (var item in Children(section, path))
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                _errors.Add($"{path}: expected a list, found the key '{item.Key}'{From(item)}");
                continue;
            }

            users.Add((index, ReadUser(item, $"{path}[{item.Key}]")));
        }

        return [.. users.OrderBy(u => u.Index).Select(u => u.User)];
    }

    private UserOptions ReadUser(IConfigurationSection section, string path) =>
        ReadSection(section, path, UserKeys, new UserOptions(), (user, name, child, childPath) => name switch
        {
            "name" => user with { Name = ReadString(child, childPath) ?? string.Empty },
            "passwords" => user with { Passwords = ReadList(child, childPath, split: false) },
            "passwordFiles" => user with { PasswordFiles = ReadList(child, childPath) },
            "passwordHashes" => user with { PasswordHashes = ReadList(child, childPath) },
            "noPass" => user with { NoPass = ReadBool(child, childPath, user.NoPass) },
            "rules" => user with { Rules = ReadScalar(child, childPath) },
            "identities" => user with { Identities = ReadList(child, childPath) },
            _ => null,
        });

    private AdminOptions ReadAdmin(IConfigurationSection section, string path) =>
        ReadSection(section, path, AdminKeys, new AdminOptions(), (o, name, child, childPath) => name switch
        {
            // An empty value turns the endpoint off (unlike other keys, where empty means "the default").
            "listen" => o with { Listen = child.GetChildren().Any() ? o.Listen : child.Value?.Trim() ?? string.Empty },
            "username" => o with { Username = ReadString(child, childPath) },
            "password" => o with { Password = ReadString(child, childPath) },
            "token" => o with { Token = ReadString(child, childPath) },
            _ => null,
        });
}
