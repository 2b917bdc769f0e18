using Bunit;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Dashboard;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Diagnostics;

/// <summary>The findings on a server's page (evidence, fix commands, acknowledge) and on the dashboard (counts, worst first, live).</summary>
public sealed class FindingsPanelsTests : IAsyncDisposable
{
    private const string Configured = "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344";
    private const string Bound = "A1B2C3D4E5F60718293A4B5C6D7E8F90112233FF";

    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    private async Task<Guid> ServerAsync(string name)
    {
        var (id, _) = await FleetSeed.RrasServerAsync(_ctx, name, Now.AddSeconds(-5), Ct, configure: s => s.LastReportAt = Now.AddSeconds(-5));
        return id;
    }

    private async Task<Guid> FindingAsync(Guid serverId, string rule, int severity, TimeSpan age, string title, Action<DiagnosticFinding>? configure = null)
    {
        await using var db = _ctx.Db();
        var finding = new DiagnosticFinding
        {
            Id = Guid.NewGuid(),
            ServerId = serverId,
            RuleId = rule,
            Severity = severity,
            Title = title,
            Summary = $"{title}: what users see.",
            Evidence = [new() { Label = "Configured certificate", Value = Configured }, new() { Label = "Bound on [::]:443", Value = Bound }, new() { Label = "Port", Value = "443" }],
            FixSteps =
            [
                "netsh http delete sslcert ipport=[::]:443",
                $"Assign the certificate again, or: netsh http add sslcert ipport=[::]:443 certhash={Configured} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY",
                "Tell the IIS admins.",
            ],
            OpenedAt = Now - age,
            LastSeenAt = Now,
        };
        configure?.Invoke(finding);
        db.DiagnosticFindings.Add(finding);
        await db.SaveChangesAsync(Ct);
        return finding.Id;
    }

    [Fact]
    public async Task ServerPage_ShowsEachFindingsEvidenceSideBySide_WithTheDifferenceMarked_AndEachCommandCopyable()
    {
        _ctx = await PortalComponentContext.CreateAsync();
        var vpn01 = await ServerAsync("VPN01");
        var id = await FindingAsync(vpn01, "sstp.binding-mismatch", 3, TimeSpan.FromMinutes(10), "SSTP binding differs");

        var cut = _ctx.Bunit.Render<RrasServerPage>(p => p.Add(x => x.Id, vpn01));

        cut.WaitForAssertion(() => cut.Find($"#finding-{id}"));
        var card = cut.Find($"#finding-{id}");
        card.QuerySelector("h3")!.TextContent.ShouldBe("SSTP binding differs");
        card.TextContent.ShouldContain("SSTP binding differs: what users see.");
        var values = card.QuerySelectorAll("dl.evidence dd").Select(d => d.TextContent).ToList();
        values.ShouldBe([Configured, Bound, "443"]);
        card.QuerySelectorAll("dl.evidence dd.differs").Length.ShouldBe(2, "the two hashes differ; the port is not a hash");
        card.QuerySelectorAll("dl.evidence dd mark").Select(m => m.TextContent).ShouldBe(["44", "FF"], "only the differing characters are marked");
        var commands = card.QuerySelectorAll(".command-block pre").Select(p => p.TextContent).ToList();
        commands.ShouldBe(["netsh http delete sslcert ipport=[::]:443", $"netsh http add sslcert ipport=[::]:443 certhash={Configured} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY"]);
        card.QuerySelectorAll(".copy-command").Length.ShouldBe(2);
        card.QuerySelectorAll("ol.fix-steps li")[2].TextContent.Trim().ShouldBe("Tell the IIS admins.");

        cut.FindAll(".copy-command")[0].Click();
        _ctx.Bunit.JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments.ShouldBe(["netsh http delete sslcert ipport=[::]:443"]);
    }

    [Fact]
    public async Task Admin_AcknowledgesWithAReason_TheFindingStaysMutedWithWhoAndWhy_AndIsAudited()
    {
        _ctx = await PortalComponentContext.CreateAsync();
        var vpn01 = await ServerAsync("VPN01");
        var id = await FindingAsync(vpn01, "sstp.binding-mismatch", 3, TimeSpan.FromMinutes(10), "SSTP binding differs");
        var cut = _ctx.Bunit.Render<RrasServerPage>(p => p.Add(x => x.Id, vpn01));
        cut.WaitForAssertion(() => cut.Find($"#finding-{id} .acknowledge"));

        cut.Find($"#finding-{id} .acknowledge").Click();
        cut.Find($"#finding-{id} .confirm").HasAttribute("disabled").ShouldBeTrue("a reason is required");
        cut.Find($"#finding-{id} .reason textarea").Input("IIS test site, removed Friday");
        cut.Find($"#finding-{id} .confirm").Click();

        cut.WaitForAssertion(() => cut.Find($"#finding-{id}").ClassList.ShouldContain("muted-finding"));
        var note = cut.Find($"#finding-{id} .ack-note").TextContent;
        note.ShouldContain("admin@corp.example");
        note.ShouldContain("IIS test site, removed Friday");
        cut.Find($"#finding-{id} .unacknowledge");
        await using var db = _ctx.Db();
        (await db.DiagnosticFindings.SingleAsync(f => f.Id == id, Ct)).AcknowledgeReason.ShouldBe("IIS test site, removed Friday");
        (await db.AuditEntries.SingleAsync(a => a.Action == "finding.acknowledged", Ct)).Summary.ShouldContain("IIS test site, removed Friday");
    }

    [Fact]
    public async Task Admin_SuppressesTheRuleOnTheServer_TheFindingShowsSuppressed_AndTheSuppressionIsListedUntilLifted()
    {
        _ctx = await PortalComponentContext.CreateAsync();
        var vpn01 = await ServerAsync("VPN01");
        var id = await FindingAsync(vpn01, "sstp.binding-mismatch", 3, TimeSpan.FromMinutes(10), "SSTP binding differs");
        var cut = _ctx.Bunit.Render<RrasServerPage>(p => p.Add(x => x.Id, vpn01));
        cut.WaitForAssertion(() => cut.Find($"#finding-{id} .suppress"));

        cut.Find($"#finding-{id} .suppress").Click();
        cut.Find($"#finding-{id} .reason textarea").Input("change window");
        var expiry = cut.FindComponents<MudBlazor.MudSelect<int>>().Single(s => s.Instance.Label == "Until");
        await cut.InvokeAsync(() => expiry.Instance.ValueChanged.InvokeAsync(30));
        cut.Find($"#finding-{id} .confirm").Click();

        cut.WaitForAssertion(() => cut.Find("#server-suppressions .suppression").TextContent.ShouldContain("change window"));
        cut.Find($"#finding-{id} .suppressed-badge");
        await using (var db = _ctx.Db())
        {
            var suppression = await db.DiagnosticSuppressions.SingleAsync(Ct);
            suppression.ExpiresAt.ShouldBe(Now.AddDays(30), TimeSpan.FromSeconds(1));
            suppression.RuleId.ShouldBe("sstp.binding-mismatch");
        }

        cut.Find("#server-suppressions .lift").Click();

        cut.WaitForAssertion(() => cut.FindAll("#server-suppressions").ShouldBeEmpty());
        await using var after = _ctx.Db();
        (await after.DiagnosticSuppressions.SingleAsync(Ct)).LiftedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task OnCall_SeesTheFindingsButNoAcknowledgeOrSuppress()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        var vpn01 = await ServerAsync("VPN01");
        var id = await FindingAsync(vpn01, "sstp.binding-mismatch", 3, TimeSpan.FromMinutes(10), "SSTP binding differs");

        var cut = _ctx.Bunit.Render<RrasServerPage>(p => p.Add(x => x.Id, vpn01));

        cut.WaitForAssertion(() => cut.Find($"#finding-{id}"));
        cut.FindAll(".acknowledge, .suppress, .lift").ShouldBeEmpty();
        cut.FindAll(".copy-command").Count.ShouldBe(2, "commands are for everyone to copy");
    }

    [Fact]
    public async Task Dashboard_CountsBySeverity_AcknowledgedApart_ListsTheWorstOldestFirst_AndUpdatesOnAFindingsChange()
    {
        _ctx = await PortalComponentContext.CreateAsync();
        var vpn01 = await ServerAsync("VPN01");
        var vpn02 = await ServerAsync("VPN02");
        var newer = await FindingAsync(vpn01, "sstp.binding-mismatch", 3, TimeSpan.FromMinutes(5), "Newer critical");
        var older = await FindingAsync(vpn02, "sstp.binding-mismatch", 3, TimeSpan.FromHours(2), "Older critical");
        await FindingAsync(vpn01, "cert.expiring", 2, TimeSpan.FromDays(3), "Old warning");
        await FindingAsync(vpn02, "cert.wildcard", 1, TimeSpan.FromDays(1), "Acknowledged info", f =>
        {
            f.AcknowledgedAt = Now;
            f.AcknowledgedBy = "admin@corp.example";
            f.AcknowledgeReason = "known";
        });
        await FindingAsync(vpn02, "cert.no-crl", 2, TimeSpan.FromDays(1), "Resolved warning", f => f.ResolvedAt = Now);

        var cut = _ctx.Bunit.Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("#findings-critical .count").TextContent.ShouldBe("2"));
        cut.Find("#findings-warning .count").TextContent.ShouldBe("1");
        cut.Find("#findings-info .count").TextContent.ShouldBe("0", "the acknowledged info finding is counted apart");
        cut.Find("#findings-acknowledged .count").TextContent.ShouldBe("1");
        cut.FindAll(".worst-finding td:nth-child(2)").Select(t => t.TextContent).ShouldBe(["Older critical", "Newer critical", "Old warning"]);
        cut.Find(".worst-finding a").GetAttribute("href").ShouldBe($"servers/rras/{vpn02}#finding-{older}");

        await using (var db = _ctx.Db())
        {
            var finding = await db.DiagnosticFindings.SingleAsync(f => f.Id == newer, Ct);
            finding.ResolvedAt = Now;
            await db.SaveChangesAsync(Ct);
        }

        _ctx.Events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, vpn01));

        cut.WaitForAssertion(() => cut.Find("#findings-critical .count").TextContent.ShouldBe("1"));
    }
}
