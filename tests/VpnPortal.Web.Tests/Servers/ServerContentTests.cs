using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Servers;

/// <summary>What the handler accepts is stored whole on every provider, and shown as text, never as markup.</summary>
public sealed class ServerContentTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SaveRrasServer_FieldsAtTheirLimits_SavedWhole(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var admin = await ServerAdmin.CreateAsync(portal);
        var input = ServerAdmin.ValidInput(new string('V', 63));
        input.HostFqdn = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 61));
        input.Site = new string('s', 100);
        input.Notes = new string('n', 1000) + "\n" + new string('é', 999);

        var result = await admin.CreateOkAsync(input);

        await using var db = portal.Database.CreateContext();
        var saved = await db.RrasServers.SingleAsync(s => s.Id == result.Id, TestContext.Current.CancellationToken);
        saved.Name.ShouldBe(input.Name);
        saved.HostFqdn.ShouldBe(input.HostFqdn);
        saved.HostFqdn!.Length.ShouldBe(253);
        saved.Site.ShouldBe(input.Site);
        saved.Notes.ShouldBe(input.Notes);
        saved.Notes!.Length.ShouldBe(2000);
    }

    [Fact]
    public async Task ServerPageAndApi_MarkupInSiteAndNotes_ShownAsText()
    {
        const string site = "<script>alert('site')</script>";
        const string notes = "<img src=x onerror=alert(1)>\n<b>bold</b> & \"quoted\"";
        await using var portal = await PortalFactory.StartAsync();
        var admin = await ServerAdmin.CreateAsync(portal);
        var input = ServerAdmin.ValidInput();
        input.Site = site;
        input.Notes = notes;
        var created = await admin.CreateOkAsync(input); // printable text is allowed: a site may be called "R&D <lab>"
        using var browser = await portal.SignInAsync(admin.User);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(admin.User));

        using var page = await browser.GetAsync($"/servers/rras/{created.Id}");
        var html = await page.BodyAsync();
        using var json = await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken);
        var body = await json.BodyAsync();

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("&lt;script&gt;alert(", Case.Sensitive, "the site is on the page, encoded");
        html.ShouldNotContain("<script>alert(");
        html.ShouldNotContain("<img src=x");
        html.ShouldNotContain("<b>bold</b>");
        json.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.Content.Headers.ContentType!.MediaType.ShouldBe("application/json", "JSON, which browsers do not render as a page");
        using var parsed = JsonDocument.Parse(body);
        parsed.RootElement.GetProperty("items")[0].GetProperty("site").GetString().ShouldBe(site, "API clients get the exact text back");
    }

    [Fact]
    public async Task SignIn_MarkupInEmail_RefusedAndEchoedAsText()
    {
        await using var portal = await PortalFactory.StartAsync();
        await portal.CreateUserAsync(Roles.User);
        using var browser = portal.CreateBrowser();

        using var response = await browser.SignInAsync("\"><script>alert(1)</script>@corp.example", "whatever");
        var html = await response.BodyAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("Wrong e-mail or password.");
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;", Case.Sensitive, "the typed e-mail is shown back in the field, encoded");
        html.ShouldNotContain("<script>alert(1)</script>");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeFalse();
    }
}
