using VpnPortal.Testing;
using VpnPortal.Web.Cli;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>The portal's admin command line, run in-process against a test database (users, API keys, tokens).</summary>
public static class AdminCommands
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(TestDatabase db, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AdminCli.RunAsync(
            [.. args, $"--Database:Provider={db.Provider}", $"--Database:ConnectionString={db.ConnectionString}", .. KeyEncryptionCertificate.Arguments], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
