using Microsoft.AspNetCore.Identity;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Hosting;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Cli;

/// <summary>
/// `VpnPortal.Web admin &lt;verb&gt;`: automation on the same database and settings as the portal.
/// Exit codes: 0 done, 1 refused (the message says why), 2 usage error.
/// </summary>
public static class AdminCli
{
    public const string Verb = "admin";

    private const string Usage = """
        usage:
          admin create-user --email E --password P --role Admin|OnCall|User [--name "Display Name"]
          admin create-api-key --email E --name N [--valid-for 90d]   (default Security:ApiKeys:DefaultLifetime; at most MaxLifetime)
          admin create-enrollment-token --role rras|nps [--name SERVER] [--valid-for 1h]   (a new server; 30m, 2h, 1d, ...; at most 7d)
          admin create-enrollment-token --replace SERVER [--valid-for 1h]              (re-enroll a server already in the portal)
          admin create-key-certificate --out FILE.pfx   (a certificate that encrypts the portal's data-protection keys; prints its password)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args.Length == 0)
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        if (!TryParse(args[1..], out var options, out var parseError))
        {
            return await UsageErrorAsync(stderr, parseError);
        }

        if (args[0] == "create-key-certificate")
        {
            // Needs no database: it makes the certificate the portal is then configured with.
            try
            {
                return await CreateKeyCertificateAsync(options, stdout, stderr);
            }
            catch (CliUsageException ex)
            {
                return await UsageErrorAsync(stderr, ex.Message);
            }
        }

        // Host options (--contentRoot, --Database:Provider, --DataProtection:CertificatePath ...) pass through; verb
        // options do not become settings. Taken from the parsed options, so "--Database:ConnectionString VALUE" keeps its
        // value like "--x=VALUE" does.
        var hostArgs = options
            .Where(o => o.Key.Equals("contentRoot", StringComparison.OrdinalIgnoreCase)
                || o.Key.StartsWith("Database:", StringComparison.OrdinalIgnoreCase)
                || o.Key.StartsWith("DataProtection:", StringComparison.OrdinalIgnoreCase))
            .Select(o => $"--{o.Key}={o.Value}")
            .ToArray();
        var builder = PortalHost.CreateBuilder(hostArgs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        try
        {
            await PortalDatabase.MigrateAsync(app.Services);
        }
        catch (DatabaseUnreachableException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        sp.GetRequiredService<CurrentActor>().Set(new AuditActor(AuditActorKind.Cli, null, $"cli ({Environment.UserName}@{Environment.MachineName})"));

        try
        {
            return args[0] switch
            {
                "create-user" => await CreateUserAsync(sp, options, stdout, stderr),
                "create-api-key" => await CreateApiKeyAsync(sp, options, stdout, stderr),
                "create-enrollment-token" => await CreateEnrollmentTokenAsync(sp, options, stdout, stderr),
                _ => await UsageErrorAsync(stderr, $"unknown verb '{args[0]}'"),
            };
        }
        catch (CliUsageException ex)
        {
            return await UsageErrorAsync(stderr, ex.Message);
        }
    }

    private static async Task<int> CreateUserAsync(IServiceProvider sp, Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var email = Required(o, "email");
        var password = Required(o, "password");
        var role = Required(o, "role");
        var canonicalRole = Roles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
        if (canonicalRole is null)
        {
            throw new CliUsageException($"--role must be one of {string.Join(", ", Roles.All)}");
        }

        var name = o.GetValueOrDefault("name") ?? email.Split('@')[0];
        var errors = Features.AccountInput.Validate(email, name);
        if (errors.Count > 0)
        {
            await stderr.WriteLineAsync(string.Join(Environment.NewLine, errors));
            return 1;
        }

        var users = sp.GetRequiredService<UserManager<PortalUser>>();
        var db = sp.GetRequiredService<PortalDbContext>();
        if (await users.FindByEmailAsync(email) is not null)
        {
            await stderr.WriteLineAsync($"An account with the e-mail {email} already exists.");
            return 1;
        }

        await using var tx = await db.Database.BeginTransactionAsync();
        var user = new PortalUser
        {
            Id = Guid.NewGuid(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = name,
            CreatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            result = await users.AddToRoleAsync(user, canonicalRole);
        }

        if (!result.Succeeded)
        {
            await stderr.WriteLineAsync(string.Join(Environment.NewLine, result.Errors.Select(e => e.Description)));
            return 1;
        }

        await tx.CommitAsync();
        await stdout.WriteLineAsync($"Created {canonicalRole} {email} ({user.Id}).");
        return 0;
    }

    private static async Task<int> CreateApiKeyAsync(IServiceProvider sp, Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var email = Required(o, "email");
        var name = Required(o, "name");
        var users = sp.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            await stderr.WriteLineAsync($"No account has the e-mail {email}.");
            return 1;
        }

        TimeSpan? lifetime = null;
        if (o.TryGetValue("valid-for", out var text))
        {
            lifetime = Durations.Parse(text) ?? throw new CliUsageException($"--valid-for '{text}' is not a duration such as 30d or 90d");
        }

        var result = await sp.GetRequiredService<ApiKeys>().CreateAsync(user.Id, name, lifetime);
        if (result.Value is not { } created)
        {
            await stderr.WriteLineAsync(result.Error);
            return 1;
        }

        // The key itself on stdout alone, so scripts can capture it: KEY=$(... admin create-api-key ...)
        await stdout.WriteLineAsync(created.Key);
        await stderr.WriteLineAsync($"API key '{name}' for {email} created, valid until {created.Row.ExpiresAt:u}. It is shown only now.");
        return 0;
    }

    private static async Task<int> CreateEnrollmentTokenAsync(IServiceProvider sp, Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var replace = o.GetValueOrDefault("replace");
        ServerRole? role = o.TryGetValue("role", out var roleText)
            ? roleText.ToLowerInvariant() switch
            {
                "rras" => ServerRole.Rras,
                "nps" => ServerRole.Nps,
                _ => throw new CliUsageException("--role must be rras or nps"),
            }
            : null;
        if (role is null && string.IsNullOrWhiteSpace(replace))
        {
            throw new CliUsageException("--role is required for a new server (or --replace SERVER to replace an enrolled server's agent)");
        }

        TimeSpan? validFor = null;
        if (o.TryGetValue("valid-for", out var text))
        {
            validFor = Durations.Parse(text) ?? throw new CliUsageException($"--valid-for '{text}' is not a duration such as 30m, 1h or 2d");
        }

        var result = await sp.GetRequiredService<Features.Agents.EnrollmentTokens>()
            .CreateAsync(new Features.Agents.EnrollmentTokens.Request(role, o.GetValueOrDefault("name"), replace, validFor), null);
        if (result.Value is not { } created)
        {
            await stderr.WriteLineAsync(result.Error);
            return 1;
        }

        // The token alone on stdout, so scripts can capture it: TOKEN=$(... admin create-enrollment-token --role rras)
        var row = created.Row;
        var what = row.IsReplacement
            ? $"replacing the agent of {row.ServerName}"
            : $"for one new {Features.Agents.EnrollmentTokens.RoleName(row.Role)} server{(row.ServerName is null ? "" : $" named {row.ServerName}")}";
        await stdout.WriteLineAsync(created.Token);
        await stderr.WriteLineAsync(
            $"Enrollment token {what}, usable once until {row.ExpiresAt:u}. It is shown only now."
            + Environment.NewLine + "On the server: VpnPortal.Agent.exe enroll --portal <this portal's URL> --token-stdin (then paste the token), or --token-file PATH");
        return 0;
    }

    private static async Task<int> CreateKeyCertificateAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var path = Path.GetFullPath(Required(o, "out"));
        if (File.Exists(path))
        {
            await stderr.WriteLineAsync($"{path} already exists; the portal's keys may be encrypted with it. Choose another file.");
            return 1;
        }

        var (pfx, password) = KeyEncryptionCertificates.CreateSelfSigned(DateTimeOffset.UtcNow);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await file.WriteAsync(pfx);
        }

        // The password alone on stdout, so a script can put it straight into a secret store.
        await stdout.WriteLineAsync(password);
        await stderr.WriteLineAsync(
            $"Wrote the key-encryption certificate to {path}; its password is shown only now. Copy the file to every portal node, readable only by the portal's account, " +
            "and set DataProtection:CertificatePath to it and DataProtection:CertificatePassword to the password (environment or secret store, not appsettings.json).");
        return 0;
    }

    private static string Required(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : throw new CliUsageException($"--{name} is required");

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync(message + Environment.NewLine + Usage);
        return 2;
    }

    private static bool TryParse(string[] args, out Dictionary<string, string> options, out string error)
    {
        options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{a}'";
                return false;
            }

            var eq = a.IndexOf('=');
            if (eq > 0)
            {
                options[a[2..eq]] = a[(eq + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                options[a[2..]] = args[++i];
            }
            else
            {
                error = $"{a} needs a value";
                return false;
            }
        }

        return true;
    }

    private sealed class CliUsageException(string message) : Exception(message);
}
