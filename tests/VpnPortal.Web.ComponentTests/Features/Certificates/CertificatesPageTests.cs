using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Certificates;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Certificates;

/// <summary>The certificates table: soonest expiry first, filtered by the address and the search box, ordered by a column, exported as shown.</summary>
public sealed class CertificatesPageTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async ValueTask InitializeAsync()
    {
        _ctx = await PortalComponentContext.CreateAsync(Roles.OnCall);
        await using var db = _ctx.Db();
        db.Certificates.AddRange(Cert("CN=later.corp.example", 400), Cert("CN=expired.corp.example", -3), Cert("CN=soon.corp.example", 10), Cert("CN=vpn.corp.example", 20));
        await db.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    private Certificate Cert(string subject, int days) => new()
    {
        Id = Guid.NewGuid(),
        Subject = subject,
        Issuer = "CN=Corp Issuing CA 01",
        SubjectAlternativeNames = [],
        EnhancedKeyUsages = ["1.3.6.1.5.5.7.3.1"],
        Sha1Thumbprint = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + "ABCDEF01",
        Sha256Thumbprint = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
        SerialNumber = "01",
        NotBefore = Now.AddDays(-365),
        NotAfter = Now.AddDays(days),
        KeyAlgorithm = "RSA",
        KeySize = 2048,
        Source = CertificateSource.Reported,
        FirstSeenAt = Now.AddDays(-30),
    };

    private IRenderedComponent<CertificatesPage> RenderAt(string address)
    {
        _ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return _ctx.Bunit.Render<CertificatesPage>();
    }

    private static List<string> Subjects(IRenderedComponent<CertificatesPage> cut) => cut.FindAll("a.strong").Select(a => a.GetAttribute("title")!).ToList();

    [Fact]
    public void Default_SoonestExpiryFirst_WithTheCountsOnTheFilters()
    {
        var cut = RenderAt("/certificates");

        cut.WaitForAssertion(() => Subjects(cut).ShouldBe(["CN=expired.corp.example", "CN=soon.corp.example", "CN=vpn.corp.example", "CN=later.corp.example"]));
        cut.Find("#certificate-count").TextContent.ShouldBe("4 certificates");
        cut.Find("#filter-expiring .count").TextContent.ShouldBe("2");
        cut.Find("#filter-all").GetAttribute("aria-current").ShouldBe("true");
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/certificates.csv?sort=NotAfter");
    }

    [Fact]
    public async Task FilterInTheAddress_AndTheSearch_NarrowTheTable_AndTheExport()
    {
        var cut = RenderAt("/certificates?filter=expiring");
        cut.WaitForAssertion(() => Subjects(cut).ShouldBe(["CN=soon.corp.example", "CN=vpn.corp.example"]));

        // What the search box hands the page once its debounce has passed.
        var search = cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Search certificates");
        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("VPN"));

        cut.WaitForAssertion(() => Subjects(cut).ShouldBe(["CN=vpn.corp.example"]));
        cut.Find("#certificate-count").TextContent.ShouldBe("1 certificate");
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/certificates.csv?search=VPN&filter=expiring&sort=NotAfter");
    }

    [Fact]
    public async Task SortingBySubject_OrdersInTheDatabase()
    {
        var cut = RenderAt("/certificates");
        cut.WaitForAssertion(() => Subjects(cut).Count.ShouldBe(4));
        var grid = cut.FindComponent<MudDataGrid<ListCertificates.CertificateRow>>();

        await cut.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(ListCertificates.CertificateRow.Subject), MudBlazor.SortDirection.Descending, c => c.Subject));

        cut.WaitForAssertion(() => Subjects(cut).ShouldBe(["CN=vpn.corp.example", "CN=soon.corp.example", "CN=later.corp.example", "CN=expired.corp.example"]));
        cut.Find("#export-csv").GetAttribute("href").ShouldBe("/export/certificates.csv?sort=-Subject");
    }
}
