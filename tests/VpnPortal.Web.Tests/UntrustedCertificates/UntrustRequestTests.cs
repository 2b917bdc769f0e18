using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.UntrustedCertificates;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.UntrustedCertificates;

/// <summary>What the untrust request accepts and refuses; every refusal says why and writes nothing.</summary>
public sealed class UntrustRequestTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> BadCertificates()
    {
        using var device = DeviceCertificate("LT-9009.corp.example");
        return new TheoryData<string, string, string>
        {
            { "PFX with a password", Convert.ToBase64String(device.Export(X509ContentType.Pfx, "secret")), "is a PFX" },
            { "PFX without a password", Convert.ToBase64String(device.Export(X509ContentType.Pfx)), "is a PFX" },
            { "garbage", Convert.ToBase64String(Enumerable.Range(0, 700).Select(i => (byte)(i * 7 + 1)).ToArray()), "is not a certificate" },
            { "a certificate cut short", Convert.ToBase64String(device.RawData[..(device.RawData.Length / 2)]), "damaged" },
            { "not base64", "this is not a certificate", "neither PEM text" },
            { "a PEM key without a certificate", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", "no certificate" },
        };
    }

    [Theory]
    [MemberData(nameof(BadCertificates))]
    public async Task Untrust_NotAPublicCertificate_Is400WithTheReason_AndWritesNothing(string what, string certificate, string says)
    {
        var (portal, vpn01, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
            await vpn01.ReportAsync(Report(vpn01));
            return (portal, vpn01, s.Own(await AdminApiAsync(portal)));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await UntrustAsync(api, new { certificate, disconnectSessions = true });

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{what}: {body}");
        body.ShouldContain(says, Case.Insensitive, what);
        (await portal.CountRowsAsync()).ShouldEqual(before, $"refusing {what} writes nothing");
        (await vpn01.PollAsync()).Commands.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{}""", "not both and not neither")]
    [InlineData("""{"certificate":"","sha1Thumbprint":""}""", "not both and not neither")]
    [InlineData("""{"sha1Thumbprint":"xyz"}""", "40 hexadecimal characters")]
    [InlineData("""{"sha1Thumbprint":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","certificate":"MIIB"}""", "not both")]
    [InlineData("""{"sha1Thumbprint": 5}""", "not a valid request")]
    [InlineData("""not json""", "not a valid request")]
    public async Task Untrust_BadBody_Is400WithTheReason_AndWritesNothing(string json, string says)
    {
        var (portal, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            return (portal, s.Own(await AdminApiAsync(portal)));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsync(Route, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(says);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused request writes nothing");
    }

    [Fact]
    public async Task Untrust_UnknownThumbprint_Is404_AndAlreadyUntrusted_Is409_NeitherWritesAnything()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        using var device = DeviceCertificate("LT-1111.corp.example");
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(device) });
        var before = await portal.CountRowsWhenSettledAsync();

        using var unknown = await UntrustAsync(api, new { sha1Thumbprint = new string('B', 40) });
        using var again = await UntrustAsync(api, new { sha1Thumbprint = string.Join(":", device.Thumbprint.Chunk(2).Select(c => new string(c))).ToLowerInvariant() });

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync(Ct)).ShouldContain("upload its file instead");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync(Ct)).ShouldContain("already untrusted");
        (await portal.CountRowsAsync()).ShouldEqual(before, "refusals write nothing");
    }

    [Fact]
    public async Task Untrust_TheSstpCertificateOrACa_IsRefused_BecauseItWouldBreakTheVpn()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Corp Issuing CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        using var api = await AdminApiAsync(portal);
        var before = await portal.CountRowsWhenSettledAsync();

        using var sstp = await UntrustAsync(api, new { sha1Thumbprint = Snapshots.SstpCertificate.Thumbprint });
        using var authority = await UntrustAsync(api, new { certificate = Pem(ca) });

        sstp.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await sstp.Content.ReadAsStringAsync(Ct)).ShouldContain("in use by VPN01");
        authority.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await authority.Content.ReadAsStringAsync(Ct)).ShouldContain("is a CA certificate");
        (await portal.CountRowsAsync()).ShouldEqual(before, "refusals write nothing");
    }

    [Fact]
    public async Task Untrust_CertificateWithMalformedSubjectAlternativeName_IsUntrustedAndSaysWhatCannotBeRead()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(Report(vpn01));
        using var device = MalformedCertificates.WithBrokenSubjectAlternativeName("CN=LT-0666.corp.example");
        using var api = await AdminApiAsync(portal);

        var (preview, error) = UntrustCertificate.Inspect(device.RawData, "lt-0666.cer");
        var done = await UntrustOkAsync(api, new { certificate = Pem(device), disconnectSessions = true });

        error.ShouldBeNull();
        (preview!.Sha1Thumbprint, preview.DeviceName).ShouldBe((device.Thumbprint, "LT-0666.corp.example"));
        preview.ReadProblems.ShouldHaveSingleItem().ShouldStartWith("subject alternative names unreadable: ");
        done.GetProperty("readProblems").EnumerateArray().Single().GetString()!.ShouldStartWith("subject alternative names unreadable: ");
        done.GetProperty("deviceName").GetString().ShouldBe("LT-0666.corp.example", "the device is named by its CN when its SANs cannot be read");
        var command = await NextCommandAsync(vpn01, AgentCommandKinds.ImportCertificate);
        command.Payload!.Value.GetProperty("certificateDer").GetString().ShouldBe(Convert.ToBase64String(device.RawData));
    }

    [Fact]
    public async Task Untrust_FromTheInventory_UsesTheReportedCopy()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        using var device = DeviceCertificate("LT-2222.corp.example");
        await vpn01.ReportAsync(Report(vpn01, device)); // reported by an agent: now in the inventory
        await vpn02.ReportAsync(Report(vpn02));
        using var api = await AdminApiAsync(portal);

        var done = await UntrustOkAsync(api, new { sha1Thumbprint = device.Thumbprint, reason = "decommissioned" });

        done.GetProperty("commandsQueued").GetInt32().ShouldBe(1, "only VPN02 lacks it");
        var command = await NextCommandAsync(vpn02, AgentCommandKinds.ImportCertificate);
        command.Payload!.Value.GetProperty("certificateDer").GetString().ShouldBe(Convert.ToBase64String(device.RawData));
        await using var db = portal.Database.CreateContext();
        (await db.Certificates.SingleAsync(c => c.Sha1Thumbprint == device.Thumbprint, Ct)).Source.ShouldBe(CertificateSource.Reported);
    }

    [Fact]
    public async Task Untrust_WithDisconnect_EndsTheDevicesSessionsEverywhere_AndReturnsTheOperation()
    {
        await using var portal = await PortalFactory.StartAsync();
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        using var device = DeviceCertificate("LT-4821.corp.example");
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, vpn01.Next(), [Snapshots.Session("lt-4821.corp.example", ReportedTunnelType.Ikev2) with { AuthMethod = "MachineCertificate" }], Report(vpn01).Certificates));
        await vpn02.ReportAsync(Report(vpn02));
        using var api = await AdminApiAsync(portal);

        var done = await UntrustOkAsync(api, new { certificate = Pem(device), disconnectSessions = true });

        var operationId = done.GetProperty("disconnectOperationId").GetGuid();
        done.GetProperty("disconnectSummary").GetString().ShouldBe("Disconnecting LT-4821.corp.example on 1 server(s).");
        var onVpn01 = (await vpn01.PollAsync()).Commands;
        onVpn01.Select(c => c.Kind).ShouldBe([AgentCommandKinds.ImportCertificate, AgentCommandKinds.DisconnectUser], ignoreOrder: true);
        onVpn01.Single(c => c.Kind == AgentCommandKinds.DisconnectUser).Payload!.Value.GetProperty("userName").GetString().ShouldBe("lt-4821.corp.example");
        (await vpn02.PollAsync()).Commands.Select(c => c.Kind).ShouldBe([AgentCommandKinds.ImportCertificate], "the device is not connected to VPN02");
        using var operation = await api.GetAsync($"/api/v1/operations/{operationId}", Ct);
        operation.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await operation.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("target").GetString().ShouldBe("LT-4821.corp.example");
    }

    [Fact]
    public async Task Untrust_WithDisconnect_ButNoDeviceName_IsRefusedBeforeAnythingIsWritten()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var key = ECDsa.Create();
        using var nameless = new CertificateRequest("O=Corp", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var api = await AdminApiAsync(portal);
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await UntrustAsync(api, new { certificate = Pem(nameless), disconnectSessions = true });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Cannot disconnect");
        (await portal.CountRowsAsync()).ShouldEqual(before, "nothing is untrusted when the disconnect asked for cannot be done");
    }

    [Fact]
    public async Task Untrust_WritesAuditEntries_NamingTheAdmin()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var device = DeviceCertificate("LT-3333.corp.example");
        using var api = await AdminApiAsync(portal);

        await UntrustOkAsync(api, new { certificate = Pem(device), reason = "lost" });
        using var removed = await api.DeleteAsync($"{Route}/{device.Thumbprint}", Ct);

        removed.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var db = portal.Database.CreateContext();
        var entries = await db.AuditEntries.Where(e => e.EntityType == "untrusted-certificate").OrderBy(e => e.Id).ToListAsync(Ct);
        entries.Select(e => e.Action).ShouldBe(
            ["untrusted-certificate.added", "untrusted-certificate.created", "untrusted-certificate.removal-requested", "untrusted-certificate.updated", "untrusted-certificate.removed"],
            ignoreOrder: true);
        entries.ShouldAllBe(e => e.Actor.Contains("API key"));
    }
}
