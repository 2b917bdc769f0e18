using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Diagnostics;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Diagnostics;

/// <summary>The findings history table: filtered by the address, read a page at a time, each finding's card in its row detail.</summary>
public sealed class FindingsHistoryPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;
    private Guid _vpn01;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask InitializeAsync()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        (_vpn01, _) = await FleetSeed.RrasServerAsync(_ctx, "VPN01", Now.AddSeconds(-5), Ct);
        await using var db = _ctx.Db();
        db.DiagnosticFindings.AddRange(
            Finding("sstp.binding-mismatch", 3, "SSTP binding differs", TimeSpan.FromHours(5)),
            Finding("rras.ikev2-crl", 1, "CRL check off", TimeSpan.FromHours(3)),
            Finding("sstp.old-cert", 2, "Old certificate bound", TimeSpan.FromDays(3), f => f.ResolvedAt = Now.AddDays(-2)));
        await db.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private DiagnosticFinding Finding(string rule, int severity, string title, TimeSpan age, Action<DiagnosticFinding>? configure = null)
    {
        var f = new DiagnosticFinding
        {
            Id = Guid.NewGuid(),
            ServerId = _vpn01,
            RuleId = rule,
            Severity = severity,
            Title = title,
            Summary = $"{title}: what users see.",
            FixSteps = ["netsh http show sslcert"],
            OpenedAt = Now - age,
            LastSeenAt = Now,
        };
        configure?.Invoke(f);
        return f;
    }

    private IRenderedComponent<FindingsHistoryPage> RenderAt(string address)
    {
        _ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return _ctx.Bunit.Render<FindingsHistoryPage>();
    }

    private static List<string> Titles(IRenderedComponent<FindingsHistoryPage> cut) => cut.FindAll(".finding-title").Select(t => t.TextContent).ToList();

    [Fact]
    public void OpenByDefault_WorstFirst_AndTheExportCarriesTheFilters()
    {
        var cut = RenderAt("/diagnostics");

        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["SSTP binding differs", "CRL check off"]));
        cut.Find("#findings-count").TextContent.ShouldBe("2 findings");
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/findings.csv");
        cut.FindAll("#diagnostics-settings-link").ShouldBeEmpty("only admins change the settings");
    }

    [Fact]
    public void FiltersInTheAddress_AreApplied_AndAnUnknownServerIsSaidPlainly()
    {
        var cut = RenderAt("/diagnostics?server=vpn01&state=all&severity=warning");
        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["SSTP binding differs", "Old certificate bound"]));
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/findings.csv?server=vpn01&severity=warning&state=all");

        var unknown = RenderAt("/diagnostics?server=VPN99");
        unknown.WaitForAssertion(() => unknown.Find("#filter-error").TextContent.ShouldContain("There is no server 'VPN99'."));
        unknown.Find("#no-findings");
    }

    [Fact]
    public async Task SortedByOpened_AndARowOpensToTheFindingsCardWithItsCopyableFix()
    {
        var cut = RenderAt("/diagnostics?state=all");
        cut.WaitForAssertion(() => Titles(cut).Count.ShouldBe(3));
        var grid = cut.FindComponent<MudDataGrid<ListFindings.FindingRow>>();

        await cut.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(ListFindings.FindingRow.OpenedAt), MudBlazor.SortDirection.Ascending, f => f.OpenedAt));
        cut.WaitForAssertion(() => Titles(cut).ShouldBe(["Old certificate bound", "SSTP binding differs", "CRL check off"]));
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/findings.csv?state=all&sort=OpenedAt");

        await cut.InvokeAsync(() => grid.Instance.ExpandAllHierarchy());
        cut.WaitForAssertion(() => cut.FindAll(".finding").Count.ShouldBe(3));
        cut.Find(".finding .command-block pre").TextContent.ShouldBe("netsh http show sslcert");
    }
}
