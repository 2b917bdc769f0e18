using System.Text.Json;
using Shouldly;
using VpnPortal.Agent.Windows;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Scripts;

/// <summary>
/// Every script the agent runs (as PowerShellRunner sends it: prologue and script) and every script of deploy/windows,
/// read by PowerShell's own parser and walked for what PowerShell 6 and 7 added and Windows PowerShell 5.1 lacks
/// (Inspect-Scripts.ps1 lists what it looks for, and what it cannot see). One pwsh process reads them all, together with
/// samples that must be caught: a broken script and one sample of each 7-only construct.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class ScriptInspectionTests
{
    private const string Broken = "broken";

    private static readonly Lazy<Task<IReadOnlyDictionary<string, ScriptInspection>>> Inspected = new(InspectAsync);

    /// <summary>Every script the agent runs, and every script of deploy/windows.</summary>
    public static TheoryData<string> Scripts =>
    [
        .. RrasScripts.Catalogue().Select(s => $"agent: {s.Name}"),
        .. DeployFiles().Select(f => $"deploy: {Path.GetFileName(f)}"),
    ];

    /// <summary>What PowerShell 7 runs and Windows PowerShell 5.1 does not, each with the finding it must raise.</summary>
    public static TheoryData<string, string> SevenOnlySamples => new()
    {
        { "$mode = $remoteAccess.VpnStatus ? 'on' : 'off'", "ternary operator a ? b : c" },
        { "Stop-Service RemoteAccess && Start-Service RemoteAccess", "pipeline chain && or ||" },
        { "Get-Service RemoteAccess || throw 'RemoteAccess is missing'", "pipeline chain && or ||" },
        { "$wait = $env:VPNPORTAL_ARG_WAITSECONDS ?? 60", "null-coalescing operator ??" },
        { "$wait ??= 60", "null-coalescing assignment ??=" },
        { "${remoteAccess}?.SslCertificate.Thumbprint", "null-conditional member access ?." },
        { "${sessions}?[0]", "null-conditional index ?[]" },
        { "$users | ForEach-Object -Parallel { Disconnect-VpnUser -UserName $_ }", "parameter -Parallel of ForEach-Object" },
        { "function Get-Sessions { process { $_ } clean { Remove-Variable live } }", "clean block" },
        { "$summary = $text | ConvertFrom-Json -AsHashtable", "parameter -AsHashtable of ConvertFrom-Json" },
        { "$summary = $text | ConvertFrom-Json -Depth 3", "parameter -Depth of ConvertFrom-Json" },
        { "Get-Error", "command Get-Error" },
        { "$names | Join-String -Separator ','", "command Join-String" },
        { "Test-Json -Json $text", "command Test-Json" },
        { "Set-Content -Path $log -Value $line -Encoding utf8NoBOM", "value utf8NoBOM of -Encoding" },
        { "\"`e[31mfailed`e[0m\"", "escape `e in a double-quoted string" },
        { "$limit = 10u", "number suffix u" },
        { "if ($IsWindows) { 'windows' }", "variable $IsWindows, not set in 5.1" },
        { "Restart-Service RemoteAccess &", "background operator &" },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_ParsesWithoutErrors_AndUsesNothingWindowsPowerShell51Lacks(string name)
    {
        var inspection = (await InspectedAsync())[name];

        inspection.Errors.ShouldBeEmpty();
        inspection.Findings.ShouldBeEmpty();
    }

    [Fact]
    public async Task BrokenScript_ItsErrorsAreReportedWithTheirLine()
    {
        var inspection = (await InspectedAsync())[Broken];

        // The parenthesis opened on line 3 is still open where the text ends, on line 4.
        inspection.Errors.ShouldHaveSingleItem().ShouldBe(new ParseError(4, 31, "Missing closing ')' in subexpression."));
    }

    [Theory]
    [MemberData(nameof(SevenOnlySamples))]
    public async Task SevenOnlySample_IsFound(string sample, string rule)
    {
        var inspection = (await InspectedAsync())[$"7: {sample}"];

        inspection.Errors.ShouldBeEmpty();
        inspection.Findings.Select(f => f.Rule).ShouldContain(rule);
    }

    private static IEnumerable<string> DeployFiles() => Directory.GetFiles(SourceTree.File("deploy", "windows"), "*.ps1").Order(StringComparer.Ordinal);

    private static async Task<IReadOnlyDictionary<string, ScriptInspection>> InspectedAsync()
    {
        await Pwsh.RequireAsync();
        return await Inspected.Value;
    }

    private static async Task<IReadOnlyDictionary<string, ScriptInspection>> InspectAsync()
    {
        var inputs = new List<object>();
        inputs.AddRange(RrasScripts.Catalogue().Select(s => new { Name = $"agent: {s.Name}", Text = PowerShellRunner.Prologue + s.Text }));
        inputs.AddRange(DeployFiles().Select(f => new { Name = $"deploy: {Path.GetFileName(f)}", Path = f }));
        inputs.Add(new
        {
            Name = Broken,
            Text = """
                Import-Module RemoteAccess
                $user = $env:VPNPORTAL_ARG_USERNAME
                $live = @(Get-RemoteAccessConnectionStatistics | Where-Object { @($_.UserName) -contains $user }
                "disconnected $($live.Count)"
                """,
        });
        inputs.AddRange(SevenOnlySamples.Select(row => new { Name = $"7: {row.Data.Item1}", Text = row.Data.Item1 }));

        var input = Path.Combine(Path.GetTempPath(), $"vpnportal-inspect-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(inputs));
        try
        {
            var output = await Pwsh.RunFileAsync(Path.Combine(AppContext.BaseDirectory, "Scripts", "Inspect-Scripts.ps1"), ["-InputPath", input], CancellationToken.None);
            return JsonSerializer.Deserialize<List<ScriptInspection>>(output, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.ToDictionary(i => i.Name);
        }
        finally
        {
            File.Delete(input);
        }
    }
}

internal sealed record ScriptInspection(string Name, IReadOnlyList<ParseError> Errors, IReadOnlyList<ScriptFinding> Findings);

internal sealed record ParseError(int Line, int Column, string Message);

internal sealed record ScriptFinding(int Line, string Rule, string Text);
