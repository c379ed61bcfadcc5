using System.Globalization;
using Slotgate.Commands;
using Slotgate.Security;

namespace Slotgate.Configuration;

/// <summary>
/// Turns <c>auth</c> options into the <see cref="UserDirectory"/> sessions check against, reporting every problem
/// (bad hash, unreadable password file, unknown ACL rule) with its option path, so the validator and start-up agree.
/// </summary>
internal static class UserDirectoryBuilder
{
    public static UserDirectory Build(AuthOptions auth, CommandTable commands, List<string> errors, TimeProvider? time = null)
    {
        var users = new List<AclUser>();
        var identities = new List<(IdentityPattern, AclUser)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < auth.Users.Count; i++)
        {
            UserOptions user = auth.Users[i];
            string path = $"auth.users[{i}]";
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Any(c => c <= ' '))
            {
                errors.Add($"{path}.name: required, without spaces, got '{user.Name}'");
                continue;
            }
            if (!names.Add(user.Name))
            {
                errors.Add($"{path}.name: '{user.Name}' is listed twice");
            }
            int before = errors.Count;
            var digests = new List<byte[]>();
            for (int h = 0; h < user.PasswordHashes.Count; h++)
            {
                string hash = user.PasswordHashes[h].Trim();
                if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
                {
                    // The value is a secret of sorts: say what is wrong, not what it is.
                    errors.Add($"{path}.passwordHashes[{h}]: must be a SHA-256 digest, 64 hex digits (got {hash.Length.ToString(CultureInfo.InvariantCulture)} characters)");
                    continue;
                }
                digests.Add(Convert.FromHexString(hash));
            }
            var passwords = new PasswordSet(user.Passwords, digests, user.PasswordFiles, time);
            if (passwords.IsEmpty && !user.NoPass && user.Identities.Count == 0)
            {
                errors.Add($"{path}: '{user.Name}' needs a password (passwords, passwordFiles or passwordHashes), identities, or noPass: true");
            }
            var patterns = new List<IdentityPattern>();
            for (int p = 0; p < user.Identities.Count; p++)
            {
                if (IdentityPattern.Parse(user.Identities[p], out string? identityError) is { } pattern)
                {
                    patterns.Add(pattern);
                }
                else
                {
                    errors.Add($"{path}.identities[{p.ToString(CultureInfo.InvariantCulture)}]: {identityError}");
                }
            }
            if (passwords.Load() is { } unreadable)
            {
                errors.Add($"{path}.passwordFiles: {unreadable}");
            }
            var ruleErrors = new List<string>();
            AclUser? built = AclRules.Build(user.Name, user.Rules, user.NoPass, passwords, commands, ruleErrors, deferUnknownCommands: true);
            errors.AddRange(ruleErrors.Select(e => $"{path}.rules: {e}"));
            if (built is not null && errors.Count == before)
            {
                users.Add(built);
                identities.AddRange(patterns.Select(pattern => (pattern, built)));
            }
        }
        if (auth.Timeout < TimeSpan.Zero)
        {
            errors.Add($"auth.timeout: must not be negative, got {ConfigValueParser.FormatDuration(auth.Timeout)}");
        }
        if (auth.MaxFailuresPerMinute < 0)
        {
            errors.Add($"auth.maxFailuresPerMinute: must not be negative, got {auth.MaxFailuresPerMinute.ToString(CultureInfo.InvariantCulture)}");
        }
        return new UserDirectory(users, auth.AllowPing, auth.Timeout, auth.MaxFailuresPerMinute, time, identities);
    }
}
