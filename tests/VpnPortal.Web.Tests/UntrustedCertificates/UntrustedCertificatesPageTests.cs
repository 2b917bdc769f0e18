using System.Net;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.UntrustedCertificates;

/// <summary>The page as the portal serves it (prerendered): who sees what, and the way to it from the menu and a certificate.</summary>
public sealed class UntrustedCertificatesPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_ShowsTheSetWithPlacementToOnCall_AndTheFormOnlyToAdmins()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        using var device = DeviceCertificate("LT-5150.corp.example");
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device), reason = "stolen from a car" });
        using var admin = await portal.SignInAsync(await portal.CreateUserAsync(Roles.Admin));
        using var onCall = await portal.SignInAsync(await portal.CreateUserAsync(Roles.OnCall));

        var asAdmin = await admin.Client.GetStringAsync("/untrusted-certificates", Ct);
        var asOnCall = await onCall.Client.GetStringAsync("/untrusted-certificates", Ct);

        foreach (var html in new[] { asAdmin, asOnCall })
        {
            html.ShouldContain("LT-5150.corp.example");
            html.ShouldContain("stolen from a car");
            html.ShouldContain("0 of 1");
            html.ShouldContain("VPN01: queued, waiting for the agent");
            html.ShouldContain("href=\"untrusted-certificates\"", customMessage: "the menu links to the page");
        }

        asAdmin.ShouldContain("id=\"untrust\"");
        asAdmin.ShouldContain("remove-untrusted");
        asOnCall.ShouldNotContain("id=\"untrust\"", customMessage: "on-call staff may look, not change");
        asOnCall.ShouldNotContain("remove-untrusted");
    }

    [Fact]
    public async Task CertificatePage_OffersAdminsToUntrustIt_ByItsThumbprint()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        using var device = DeviceCertificate("LT-6160.corp.example");
        await vpn01.ReportAsync(Report(vpn01, device));
        Guid certificateId;
        await using (var db = portal.Database.CreateContext())
        {
            certificateId = db.Certificates.Single(c => c.Sha1Thumbprint == device.Thumbprint).Id;
        }

        using var admin = await portal.SignInAsync(await portal.CreateUserAsync(Roles.Admin));
        using var onCall = await portal.SignInAsync(await portal.CreateUserAsync(Roles.OnCall));

        var asAdmin = await admin.Client.GetStringAsync($"/certificates/{certificateId}", Ct);
        var asOnCall = await onCall.Client.GetStringAsync($"/certificates/{certificateId}", Ct);
        using var preselected = await admin.GetAsync($"/untrusted-certificates?sha1={device.Thumbprint}");

        asAdmin.ShouldContain($"href=\"untrusted-certificates?sha1={device.Thumbprint}\"");
        asOnCall.ShouldNotContain("untrust-certificate");
        preselected.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await preselected.Content.ReadAsStringAsync(Ct)).ShouldContain(device.Thumbprint, customMessage: "the form opens with that certificate chosen");
    }
}
