namespace VpnPortal.Web.Hosting;

/// <summary>
/// Finds the folder holding the portal's appsettings.json and wwwroot/: the repository root when the portal
/// runs from a source tree (dotnet run, tests), otherwise the folder of the built or published dll.
/// </summary>
public static class PortalContentRoot
{
    public const string SolutionFileName = "VpnPortal.sln";

    public static string Resolve(string[] args)
    {
        var explicitRoot = ArgumentValue(args, "--contentRoot") ?? Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT");
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        return FindRepositoryRoot(AppContext.BaseDirectory) ?? AppContext.BaseDirectory;
    }

    /// <summary>The nearest ancestor holding both the solution file and appsettings.json, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)) && File.Exists(Path.Combine(dir.FullName, "appsettings.json")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? ArgumentValue(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
            {
                return args[i][(name.Length + 1)..];
            }

            if (string.Equals(args[i], name, StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
