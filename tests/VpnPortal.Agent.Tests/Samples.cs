namespace VpnPortal.Agent.Tests;

/// <summary>The sample outputs under Samples/, copied beside the test assembly.</summary>
internal static class Samples
{
    public static string PathOf(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Samples", name);

    public static string Read(string name) => File.ReadAllText(PathOf(name));
}
