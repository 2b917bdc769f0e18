using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Certificates;

/// <summary>/export/certificates.csv: what the certificates list's search and filter show, in its order, for Admin and OnCall.</summary>
public sealed class CertificatesExportTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PortalFactory> StartAsync(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var portal = await PortalFactory.StartAsync(provider, time);
        await using var db = portal.Database.CreateContext();
        var fleet = new FleetBuilder(db, time.GetUtcNow());
        var vpn1 = fleet.Rras("VPN01");
        var vpn2 = fleet.Rras("VPN02");
        var sstp = fleet.Cert("CN=vpn.corp.example", 10, sans: ["vpn.corp.example", "vpn-fr.corp.example"], sha1: "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344");
        fleet.InStore(sstp, vpn1, Data.Entities.CertificateStoreName.My, privateKey: true);
        fleet.InStore(sstp, vpn2, Data.Entities.CertificateStoreName.My, privateKey: true);
        fleet.Cert("CN=vpn-old.corp.example", -5);
        fleet.Cert("=cmd|' /C calc'!A0", 20);
        fleet.Cert("CN=later.corp.example", 400);
        await db.SaveChangesAsync(Ct);
        return portal;
    }

    private static async Task<string[]> LinesAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"certificates-{TestClock.Start.UtcDateTime:yyyy-MM-dd}.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        return Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Export_AsOnCall_WritesTheSearchedAndFilteredCertificates(string provider)
    {
        await using var portal = await StartAsync(provider);
        var onCall = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = await portal.SignInAsync(onCall);

        using var response = await browser.GetAsync("/export/certificates.csv?search=vpn&filter=expiring");

        var lines = await LinesAsync(response);
        var notAfter = TestClock.Start.AddDays(10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var notBefore = TestClock.Start.AddDays(-365).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        lines[0].ShouldBe("Subject,Subject alternative names,Issuer,SHA-1,SHA-256,Not before (UTC),Not after (UTC),Purposes,Certificate authority,Servers,Untrusted,In the untrusted set");
        lines.Length.ShouldBe(2);
        lines[1].ShouldStartWith($"CN=vpn.corp.example,\"vpn.corp.example; vpn-fr.corp.example\",\"CN=Corp Issuing CA 01, DC=corp, DC=example\",A1B2C3D4E5F60718293A4B5C6D7E8F9011223344,");
        lines[1].ShouldEndWith($",{notBefore},{notAfter},Server Authentication,no,2,no,no");
    }

    [Fact]
    public async Task Export_FollowsTheTablesSort_AndNeutralisesFormulas()
    {
        await using var portal = await StartAsync(TestDatabase.Sqlite);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        using var response = await browser.GetAsync("/export/certificates.csv?sort=-NotAfter");

        var subjects = (await LinesAsync(response)).Skip(1).Select(l => l[..l.IndexOf(',')]).ToList();
        subjects.ShouldBe(["CN=later.corp.example", "'=cmd|' /C calc'!A0", "CN=vpn.corp.example", "CN=vpn-old.corp.example"]);
    }

    [Fact]
    public async Task Export_AsAUserWithoutAFleetRole_IsRefused()
    {
        await using var portal = await StartAsync(TestDatabase.Sqlite);
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);

        using var response = await browser.GetAsync("/export/certificates.csv");

        var body = await response.Content.ReadAsStringAsync(Ct);
        (response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/account/access-denied") == true)
            .ShouldBeTrue($"got {(int)response.StatusCode} {response.Headers.Location}");
        body.ShouldNotContain("vpn.corp.example");
    }
}
