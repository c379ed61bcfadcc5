namespace Slotgate.Tests.Configuration;

public class AuthOptionsTests
{
    private const string UsersYaml = """
        cluster:
          seeds: [127.0.0.1:30001]
        auth:
          timeout: 5s
          allowPing: yes
          maxFailuresPerMinute: 20
          users:
            - name: default
              passwords: ["a,b with comma", "  spaced  "]
            - name: app1
              passwordHashes: [5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8]
              rules: "+@all -@dangerous ~app1:* &app1:*"
        """;

    private static SlotgateConfigLoadResult Load(string yaml, Dictionary<string, string?>? environment = null)
    {
        using var file = new TempYamlFile(yaml);
        return SlotgateConfiguration.Load(["--config", file.Path], environment ?? []);
    }

    [Fact]
    public void Load_UsersInYaml_ReadInOrderWithPasswordsUntouched()
    {
        SlotgateConfigLoadResult result = Load(UsersYaml);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        AuthOptions auth = result.Options.Auth;
        Assert.Equal(TimeSpan.FromSeconds(5), auth.Timeout);
        Assert.True(auth.AllowPing);
        Assert.Equal(20, auth.MaxFailuresPerMinute);
        Assert.Equal(["default", "app1"], auth.Users.Select(u => u.Name));
        // Passwords are neither split at commas nor trimmed: both could be part of a password.
        Assert.Equal(["a,b with comma", "  spaced  "], auth.Users[0].Passwords);
        Assert.Equal("+@all -@dangerous ~app1:* &app1:*", auth.Users[1].Rules);
    }

    [Fact]
    public void Load_UserFromEnvironment_PasswordFromVariable()
    {
        SlotgateConfigLoadResult result = Load("cluster:\n  seeds: [127.0.0.1:30001]\n", new()
        {
            ["SLOTGATE_AUTH__USERS__0__NAME"] = "svc",
            ["SLOTGATE_AUTH__USERS__0__PASSWORDS__0"] = "from-secret",
        });
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal("svc", result.Options.Auth.Users[0].Name);
        Assert.Equal(["from-secret"], result.Options.Auth.Users[0].Passwords);
    }

    [Fact]
    public void Load_BadUsers_EveryProblemReportedWithItsPath()
    {
        SlotgateConfigLoadResult result = Load("""
            cluster:
              seeds: [127.0.0.1:30001]
            auth:
              timeout: -1s
              users:
                - name: nopassword
                - name: badhash
                  passwordHashes: [abc]
                - name: badrule
                  passwords: [x]
                  rules: "+@nosuch >inline"
                - name: missingfile
                  passwordFiles: [/nonexistent/slotgate/password]
                - name: badrule
                  passwords: [y]
                  pasword: typo
            """);
        Assert.False(result.Succeeded);
        string all = string.Join('\n', result.Errors);
        Assert.Contains("auth.users[0]: 'nopassword' needs a password", all);
        Assert.Contains("auth.users[1].passwordHashes[0]: must be a SHA-256 digest", all);
        Assert.Contains("auth.users[2].rules: '+@nosuch': unknown command category", all);
        Assert.Contains("auth.users[2].rules: '>inline': not an ACL rule", all);
        Assert.Contains("auth.users[3].passwordFiles:", all);
        Assert.Contains("auth.users[4].name: 'badrule' is listed twice", all);
        Assert.Contains("auth.users[4].pasword: unknown key (did you mean 'passwords'?)", all);
        Assert.Contains("auth.timeout: '-1s' is not a duration", all);
    }

    [Fact]
    public void Render_Users_SecretsMaskedFilesShown()
    {
        using var passwordFile = new TempYamlFile("p\n");
        var options = new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = ["127.0.0.1:30001"] },
            Auth = new AuthOptions
            {
                Users =
                [
                    new UserOptions
                    {
                        Name = "app", Passwords = ["topsecret1", "topsecret2"], PasswordFiles = [passwordFile.Path],
                        PasswordHashes = ["5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"], Rules = "+@read ~*",
                    },
                ],
            },
        };
        string text = SlotgateConfiguration.Render(options);
        Assert.DoesNotContain("topsecret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("5e884898", text, StringComparison.Ordinal);
        Assert.Contains(passwordFile.Path, text, StringComparison.Ordinal);
        Assert.Contains("\"+@read ~*\"", text, StringComparison.Ordinal);
        using var file = new TempYamlFile(text);
        SlotgateConfigLoadResult loaded = SlotgateConfiguration.Load(["--config", file.Path], new Dictionary<string, string?>());
        // The masked digest is not a digest, so loading the view back says exactly that, and nothing else.
        Assert.Equal(["auth.users[0].passwordHashes[0]: must be a SHA-256 digest, 64 hex digits (got 3 characters)"], loaded.Errors);
    }
}
