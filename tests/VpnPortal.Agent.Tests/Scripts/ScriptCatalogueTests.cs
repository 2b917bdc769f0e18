using System.Reflection;
using Shouldly;
using VpnPortal.Agent.Windows;
using Xunit;

namespace VpnPortal.Agent.Tests.Scripts;

public sealed class ScriptCatalogueTests
{
    /// <summary>A script added without a place in the catalogue would never be parsed or checked for 5.1.</summary>
    [Fact]
    public void Catalogue_HoldsOneOfEveryScriptTheAgentBuilds()
    {
        var builders = typeof(RrasScripts).Assembly.GetTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m switch
            {
                FieldInfo f => f.FieldType == typeof(PowerShellScript),
                PropertyInfo p => p.PropertyType == typeof(PowerShellScript),
                MethodInfo method => method.ReturnType == typeof(PowerShellScript) && !method.IsSpecialName,
                _ => false,
            })
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();

        var catalogue = RrasScripts.Catalogue();

        catalogue.Count.ShouldBe(builders.Count, string.Join(", ", builders));
        catalogue.Select(s => s.Name).ShouldBeUnique();
    }
}
