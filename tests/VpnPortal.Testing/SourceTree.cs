namespace VpnPortal.Testing;

/// <summary>The repository the tests run from, for tests about files that are not compiled (scripts, docs, the provider's package).</summary>
public static class SourceTree
{
    /// <summary>The folder holding VpnPortal.sln, found upwards from the test's output folder.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path below <see cref="Root"/>, given as its parts.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "VpnPortal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No VpnPortal.sln above {AppContext.BaseDirectory}.");
    }
}
