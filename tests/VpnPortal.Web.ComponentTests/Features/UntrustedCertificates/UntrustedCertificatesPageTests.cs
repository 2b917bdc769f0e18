using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.UntrustedCertificates;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.UntrustedCertificates;

public sealed class UntrustedCertificatesPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask InitializeAsync() => _ctx = await PortalComponentContext.CreateAsync();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task Set_ShowsPlacementNofM_AndWhyEachServerIsNotDone()
    {
        using var device = DeviceCertificate("LT-4821.corp.example");
        var vpn01 = await SeedServerAsync("VPN01", lastSeen: Now.AddSeconds(-10));
        var vpn03 = await SeedServerAsync("VPN03", lastSeen: Now.AddHours(-2));
        await SeedServerAsync("VPN05", lastSeen: null, withAgent: false);
        var entryId = await SeedUntrustedAsync(device, "laptop stolen", inPlaceOn: [vpn01]);
        await SeedCommandAsync(entryId, vpn03, AgentCommandStatus.Queued);

        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();

        cut.WaitForAssertion(() => cut.Find(".placement").TextContent.ShouldBe("1 of 2"));
        cut.FindAll(".problems li").Select(l => l.TextContent).ShouldBe([$"VPN03: agent offline since {ListUntrustedCertificates.Utc(Now.AddHours(-2))} (import queued)"]);
        cut.Find(".untrusted-row").TextContent.ShouldContain("laptop stolen");
        cut.Find(".server-states").TextContent.ShouldContain("VPN05: no agent");
        cut.Find("#counted-servers").TextContent.ShouldContain("2 RRAS servers");
    }

    [Fact]
    public async Task UploadingAPfx_SaysWhy_AndLeavesNothingToConfirm()
    {
        using var device = DeviceCertificate("LT-1000.corp.example");
        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();
        cut.WaitForAssertion(() => cut.Find("#no-untrusted"));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(device.Export(X509ContentType.Pfx, "secret"), "LT-1000.pfx"));

        cut.WaitForAssertion(() => cut.Find("#untrust .alert.error").TextContent.ShouldContain("LT-1000.pfx is a PFX"));
        cut.Find("#untrust-button").HasAttribute("disabled").ShouldBeTrue();
        cut.FindAll("#chosen").ShouldBeEmpty();
        await using var db = _ctx.Db();
        (await db.Certificates.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task UploadAndConfirm_RecordsItAsTheAdmin_QueuesTheImports_AndListsIt_CancelWritesNothing()
    {
        using var device = DeviceCertificate("LT-2000.corp.example");
        var vpn01 = await SeedServerAsync("VPN01", lastSeen: Now.AddSeconds(-10));
        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();
        cut.WaitForAssertion(() => cut.Find("#no-untrusted"));
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(device.RawData, "LT-2000.cer"));
        cut.WaitForAssertion(() => cut.Find("#chosen").TextContent.ShouldContain("LT-2000.corp.example"));
        cut.Find("#untrust-reason").Change("Laptop stolen, INC-4711");

        cut.Find("#untrust-button").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("on the 1 server with an agent"));
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Cancel").Click());
        await using (var db = _ctx.Db())
        {
            (await db.UntrustedCertificates.CountAsync(Ct)).ShouldBe(0, "cancelling writes nothing");
        }

        cut.Find("#untrust-button").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Untrust").Click());

        cut.WaitForAssertion(() => cut.Find("#untrust-done").TextContent.ShouldContain("imports queued on 1 server"));
        cut.WaitForAssertion(() => cut.Find(".untrusted-row").TextContent.ShouldContain("Laptop stolen, INC-4711"));
        await using var check = _ctx.Db();
        var entry = await check.UntrustedCertificates.Include(u => u.Certificate).SingleAsync(Ct);
        (entry.Certificate!.Sha1Thumbprint, entry.AddedByUserId, entry.Reason).ShouldBe((device.Thumbprint, PortalComponentContext.AdminId, "Laptop stolen, INC-4711"));
        var command = await check.AgentCommands.SingleAsync(Ct);
        (command.ServerId, command.Kind, command.RequestedBy).ShouldBe((vpn01, AgentCommandKinds.ImportCertificate, "admin@corp.example"));
    }

    [Fact]
    public async Task FromTheCertificatePage_TheInventoryCertificateIsChosen()
    {
        using var device = DeviceCertificate("LT-3000.corp.example");
        await using (var db = _ctx.Db())
        {
            db.Certificates.Add(ApplySnapshot.CertificateRow(device, CertificateSource.Reported, Now));
            await db.SaveChangesAsync(Ct);
        }

        var cut = _ctx.Bunit.Render<UntrustForm>(p => p.Add(x => x.Sha1, device.Thumbprint).Add(x => x.Servers, 0));

        cut.WaitForAssertion(() => cut.Find("#chosen").TextContent.ShouldContain(device.Thumbprint));
        cut.Find("#source-inventory").GetAttribute("aria-selected").ShouldBe("true");
        cut.Find("#untrust-button").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public async Task OnCall_SeesTheSet_ButNeitherTheFormNorRemove()
    {
        await _ctx.DisposeAsync();
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        using var device = DeviceCertificate("LT-4000.corp.example");
        var vpn01 = await SeedServerAsync("VPN01", lastSeen: Now);
        await SeedUntrustedAsync(device, null, inPlaceOn: [vpn01]);

        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();

        cut.WaitForAssertion(() => cut.Find(".placement").TextContent.ShouldBe("1 of 1"));
        cut.FindAll("#untrust").ShouldBeEmpty();
        cut.FindAll(".remove-untrusted").ShouldBeEmpty();
    }

    [Fact]
    public async Task Remove_AsksFirst_ThenTheCertificateIsBeingRemovedAndRemovalsAreQueued()
    {
        using var device = DeviceCertificate("LT-5000.corp.example");
        var vpn01 = await SeedServerAsync("VPN01", lastSeen: Now);
        var entryId = await SeedUntrustedAsync(device, "lost", inPlaceOn: [vpn01]);
        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();
        cut.WaitForAssertion(() => cut.Find(".remove-untrusted"));

        cut.Find(".remove-untrusted").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Remove everywhere").Click());

        cut.WaitForAssertion(() => cut.Find(".placement").TextContent.ShouldBe("still on 1 of 1"));
        cut.FindAll(".remove-untrusted").ShouldBeEmpty();
        await using var db = _ctx.Db();
        (await db.UntrustedCertificates.SingleAsync(u => u.Id == entryId, Ct)).RemovalRequestedAt.ShouldBe(Now);
        var command = await db.AgentCommands.SingleAsync(Ct);
        (command.Kind, command.RequestedBy).ShouldBe((AgentCommandKinds.RemoveCertificate, "admin@corp.example"));
    }

    [Fact]
    public async Task HeldCertificate_IsListedAsUntrustedOnItsServer_AndAdoptingItPutsItInTheSetAsTheAdmin()
    {
        using var device = DeviceCertificate("LT-6000.corp.example");
        var vpn01 = await SeedServerAsync("VPN01", lastSeen: Now);
        var vpn02 = await SeedServerAsync("VPN02", lastSeen: Now);
        await SeedHeldAsync(device, vpn01);
        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();

        cut.WaitForAssertion(() => cut.Find(".held-row").GetAttribute("data-sha1").ShouldBe(device.Thumbprint));
        cut.Find("#no-untrusted").TextContent.ShouldContain("did not put there");
        var held = cut.Find(".held-servers li");
        held.GetAttribute("data-server").ShouldBe("VPN01");
        held.TextContent.ShouldContain("not put there by the portal");

        cut.Find(".adopt-held").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("not only on VPN01"));
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Cancel").Click());
        await using (var db = _ctx.Db())
        {
            (await db.UntrustedCertificates.CountAsync(Ct)).ShouldBe(0, "cancelling writes nothing");
        }

        cut.Find(".adopt-held").Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Adopt into the set").Click());

        cut.WaitForAssertion(() => cut.Find(".untrusted-row").GetAttribute("data-sha1").ShouldBe(device.Thumbprint));
        cut.FindAll(".held-row").ShouldBeEmpty();
        await using var check = _ctx.Db();
        (await check.UntrustedCertificates.SingleAsync(Ct)).AddedByUserId.ShouldBe(PortalComponentContext.AdminId);
        var command = await check.AgentCommands.SingleAsync(Ct);
        (command.ServerId, command.Kind, command.RequestedBy).ShouldBe((vpn02, AgentCommandKinds.ImportCertificate, "admin@corp.example"));
        (await check.AuditEntries.CountAsync(a => a.Action == "untrusted-certificate.adopted", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task HeldCertificate_RemoveFromTheServer_AsksFirst_ThenQueuesTheRemovalForThatServerOnly()
    {
        using var device = DeviceCertificate("LT-6100.corp.example");
        var vpn01 = await SeedServerAsync("VPN01", lastSeen: Now);
        var vpn02 = await SeedServerAsync("VPN02", lastSeen: Now);
        await SeedHeldAsync(device, vpn01, vpn02);
        var dialogs = _ctx.Bunit.Render<MudBlazor.MudDialogProvider>();
        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();
        cut.WaitForAssertion(() => cut.FindAll(".remove-held").Count.ShouldBe(2));

        cut.FindAll(".remove-held").Single(b => b.TextContent.Contains("VPN02")).Click();
        dialogs.WaitForAssertion(() => DialogButton(dialogs, "Remove from VPN02").Click());

        cut.WaitForAssertion(() => cut.Find(".held-servers li[data-server=VPN02]").TextContent.ShouldContain("removal queued"));
        cut.FindAll(".remove-held").Select(b => b.TextContent.Trim()).ShouldBe(["Remove from VPN01…"], "a removal waiting for its agent is not asked for twice");
        await using var db = _ctx.Db();
        var command = await db.AgentCommands.SingleAsync(Ct);
        (command.ServerId, command.Kind, command.RequestedBy).ShouldBe((vpn02, AgentCommandKinds.RemoveCertificate, "admin@corp.example"));
        command.PayloadJson.ShouldContain(device.Thumbprint);
        (await db.UntrustedCertificates.CountAsync(Ct)).ShouldBe(0, "removing it from one server does not manage it");
    }

    [Fact]
    public async Task OnCall_SeesHeldCertificates_ButNeitherAdoptNorRemove()
    {
        await _ctx.DisposeAsync();
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        using var device = DeviceCertificate("LT-6200.corp.example");
        await SeedHeldAsync(device, await SeedServerAsync("VPN01", lastSeen: Now));

        var cut = _ctx.Bunit.Render<UntrustedCertificatesPage>();

        cut.WaitForAssertion(() => cut.Find(".held-row"));
        cut.FindAll(".adopt-held").ShouldBeEmpty();
        cut.FindAll(".remove-held").ShouldBeEmpty();
    }

    /// <summary>Reported by the servers' agents in Disallowed, with no entry in the set: someone put it there by hand.</summary>
    private async Task SeedHeldAsync(X509Certificate2 device, params Guid[] heldBy)
    {
        await using var db = _ctx.Db();
        var certificate = ApplySnapshot.CertificateRow(device, CertificateSource.Reported, Now);
        db.Certificates.Add(certificate);
        foreach (var serverId in heldBy)
        {
            db.CertificateLocations.Add(new CertificateLocation
            {
                Id = Guid.NewGuid(),
                CertificateId = certificate.Id,
                ServerId = serverId,
                Store = CertificateStoreName.Disallowed,
                FirstSeenAt = Now.AddDays(-1),
                LastSeenAt = Now,
            });
        }

        await db.SaveChangesAsync(Ct);
    }

    private static IElement DialogButton(IRenderedComponent<MudBlazor.MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static X509Certificate2 DeviceCertificate(string fqdn)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={fqdn}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(fqdn);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(300));
    }

    private async Task<Guid> SeedServerAsync(string name, DateTimeOffset? lastSeen, bool withAgent = true) =>
        (await FleetSeed.RrasServerAsync(_ctx, name, lastSeen, Ct, withAgent, configure: s => s.LastReportAt = lastSeen)).ServerId;

    private async Task<Guid> SeedUntrustedAsync(X509Certificate2 device, string? reason, Guid[] inPlaceOn)
    {
        await using var db = _ctx.Db();
        var certificate = ApplySnapshot.CertificateRow(device, CertificateSource.Uploaded, Now);
        db.Certificates.Add(certificate);
        var entry = new UntrustedCertificate { Id = Guid.NewGuid(), CertificateId = certificate.Id, Reason = reason, AddedAt = Now.AddMinutes(-5), AddedByUserId = PortalComponentContext.AdminId };
        db.UntrustedCertificates.Add(entry);
        foreach (var serverId in inPlaceOn)
        {
            db.CertificateLocations.Add(new CertificateLocation
            {
                Id = Guid.NewGuid(),
                CertificateId = certificate.Id,
                ServerId = serverId,
                Store = CertificateStoreName.Disallowed,
                FirstSeenAt = Now,
                LastSeenAt = Now,
            });
        }

        await db.SaveChangesAsync(Ct);
        return entry.Id;
    }

    private async Task SeedCommandAsync(Guid entryId, Guid serverId, AgentCommandStatus status)
    {
        await using var db = _ctx.Db();
        var command = new AgentCommand
        {
            Id = Guid.NewGuid(),
            ServerId = serverId,
            Kind = AgentCommandKinds.ImportCertificate,
            Status = status,
            CreatedAt = Now.AddMinutes(-5),
            DeliverBy = Now.AddMinutes(10),
            ExecuteBy = Now.AddMinutes(15),
            RequestedBy = "admin@corp.example",
        };
        db.AgentCommands.Add(command);
        db.UntrustedCertificatePlacements.Add(new UntrustedCertificatePlacement { Id = Guid.NewGuid(), UntrustedCertificateId = entryId, ServerId = serverId, LastCommandId = command.Id });
        await db.SaveChangesAsync(Ct);
    }
}
