using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace VpnPortal.Web.ComponentTests;

/// <summary>
/// bunit.dll asks for AngleSharp.Diffing 1.0.0.0, which this registry lacks; we ship 0.17 and hand it over.
/// Part of the bUnit wiring explained in build/Bunit.targets; delete both when bunit restores normally.
/// </summary>
internal static class AngleSharpDiffingRedirect
{
    [ModuleInitializer]
    internal static void Install() => AssemblyLoadContext.Default.Resolving += Resolve;

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "AngleSharp.Diffing")
        {
            return null;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "AngleSharp.Diffing.dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
