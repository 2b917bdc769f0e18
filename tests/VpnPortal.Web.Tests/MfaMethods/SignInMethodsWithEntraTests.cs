using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>
/// The sign-in methods page and its flows on a real portal configured for Microsoft Entra ID, with Graph and the token
/// endpoint on a loopback stand-in: what the page shows comes from Entra, and a change is done only when Entra took it.
/// </summary>
public sealed partial class SignInMethodsWithEntraTests : IAsyncLifetime
{
    private const string MobileId = "3179e48a-750b-4051-897c-87b9720928f7";
    private const string OfficeId = "e37fc753-ff3b-4958-9484-eaa9425c82bc";

    private readonly FakeTimeProvider _time = new(TestClock.Start);
    private readonly RecordingLoggerProvider _logs = new();
    private GraphStandIn _graph = null!;
    private LoopbackSmsGateway _gateway = null!;
    private PortalFactory _portal = null!;
    private TestUser _alex = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Upn => _alex.Email;

    private string PhoneMethods => $"/v1.0/users/{Upn}/authentication/phoneMethods";

    public async ValueTask InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        _gateway = await LoopbackSmsGateway.StartAsync();
        await StartPortalAsync(TestDatabase.Sqlite);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _gateway.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private async Task StartPortalAsync(string database)
    {
        var settings = _graph.Settings.Concat(_gateway.Settings).ToDictionary();
        _portal = await PortalFactory.StartAsync(database, _time, settings, services =>
        {
            // The stand-in's own certificate is trusted by the portal's Graph client only.
            services.AddHttpClient(GraphMfaMethodProvider.HttpClientName).ConfigurePrimaryHttpMessageHandler(_graph.CreateTrustingHandler);
            services.AddSingleton<ILoggerProvider>(_logs);
            services.Configure<LoggerFilterOptions>(o => o.AddFilter("System.Net.Http.HttpClient", LogLevel.Information));
        });
        _alex = await _portal.CreateUserAsync(Roles.User);
    }

    [Fact]
    public async Task ThePage_ShowsWhatEntraHolds_NotThePortalsOwnStore()
    {
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"), ("office", "+44 2079460018x123"));
        // A stale row in the portal's own store must not show: Entra is the configured provider.
        await _portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            db.MfaPhoneMethods.Add(new MfaPhoneMethod { Id = Guid.NewGuid(), UserId = _alex.Id, Kind = PhoneKind.Mobile, PhoneNumber = "+33612345678" });
            await db.SaveChangesAsync(Cancel);
        });

        var page = await SignInMethodsPageAsync();

        page.Text.ShouldContain("Kept in Microsoft Entra ID");
        page.Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••23");
        page.Row(PhoneKind.AlternateMobile).ShouldContain("none");
        page.Row(PhoneKind.Office).ShouldContain("+44 ••••••••18");
        page.Preferred.ShouldBe(MfaMethod.TextMessage);
        page.Text.ShouldNotContain("••••••••78");
        page.Html.ShouldNotContain("7400900123");
        _graph.GraphRequests.ShouldAllBe(r => r.Method == "GET");
    }

    [Fact]
    public async Task ANewMobile_IsPostedToEntraWithItsTypeOnlyAfterItsCode_AndThePageShowsIt()
    {
        _graph.AddUser(Upn);

        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));

        sent.Succeeded.ShouldBeTrue(sent.Error);
        Writes().ShouldBeEmpty();

        var confirmed = await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, _gateway.LastCodeTo("+447400900123"), Cancel));

        confirmed.Succeeded.ShouldBeTrue(confirmed.Error);
        confirmed.Value!.Message.ShouldContain("saved in Microsoft Entra ID");
        // The fixed method id answers 404 for a kind the user does not have; then the documented create.
        var writes = Writes();
        writes.Select(w => (w.Method, w.Path)).ShouldBe([("PATCH", $"{PhoneMethods}/{MobileId}"), ("POST", PhoneMethods)]);
        Body(writes[1]).ShouldBe(("+44 7400900123", "mobile"));
        _graph.PhonesOf(Upn).ShouldBe(new Dictionary<string, string> { ["mobile"] = "+44 7400900123" });
        (await WithDbAsync(db => db.MfaPhoneMethods.CountAsync(Cancel))).ShouldBe(0, "Entra keeps the numbers, not the portal");
        (await AuditAsync("mfa.phone-added")).ShouldHaveSingleItem().Summary.ShouldContain("in Microsoft Entra ID");
        (await SignInMethodsPageAsync()).Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••23");
    }

    [Fact]
    public async Task ChangingTheMobile_PatchesItsFixedMethodId_AndThePageShowsTheNewNumber()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));

        var changed = await ChangeNumberAsync(PhoneKind.Mobile, "+44 7400 900456");

        changed.Succeeded.ShouldBeTrue(changed.Error);
        var patch = Writes().ShouldHaveSingleItem();
        (patch.Method, patch.Path).ShouldBe(("PATCH", $"{PhoneMethods}/{MobileId}"));
        Body(patch).ShouldBe(("+44 7400900456", "mobile"));
        _graph.PhonesOf(Upn)["mobile"].ShouldBe("+44 7400900456");
        (await AuditAsync("mfa.phone-changed")).ShouldHaveSingleItem();
        (await SignInMethodsPageAsync()).Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••56");
    }

    [Fact]
    public async Task RemovingANumber_DeletesItsMethodInEntra_AndThePageShowsNone()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"), ("office", "+44 2079460018"));

        var removed = await AsAlex(s => s.RemoveAsync(_alex.Id, Now, PhoneKind.Office, Cancel));

        removed.Succeeded.ShouldBeTrue(removed.Error);
        Writes().Select(w => (w.Method, w.Path)).ShouldBe([("DELETE", $"{PhoneMethods}/{OfficeId}")]);
        _graph.PhonesOf(Upn).Keys.ShouldBe(["mobile"]);
        (await AuditAsync("mfa.phone-removed")).ShouldHaveSingleItem();
        var page = await SignInMethodsPageAsync();
        page.Row(PhoneKind.Office).ShouldContain("none");
        page.Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••23");
    }

    [Fact]
    public async Task RemovingTheNumberOfTheDefaultMethod_IsRefusedInPlainWords_AndNothingChanges()
    {
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"));

        var refused = await AsAlex(s => s.RemoveAsync(_alex.Id, Now, PhoneKind.Mobile, Cancel));

        refused.Succeeded.ShouldBeFalse();
        refused.Error.ShouldBe("This number is how sign-ins are confirmed by default: choose another preferred method first, then remove it.");
        _graph.PhonesOf(Upn).Keys.ShouldBe(["mobile"]);
        (await AuditAsync("mfa.phone-removed")).ShouldBeEmpty();
        (await AuditAsync("mfa.provider-failed")).ShouldHaveSingleItem().Summary.ShouldContain("answered 400 badRequest");
        (await SignInMethodsPageAsync()).Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••23");

        // With another preferred method, the same removal goes through.
        (await AsAlex(s => s.SetPreferredAsync(_alex.Id, Now, MfaMethod.AppNotification, Cancel))).Succeeded.ShouldBeTrue();
        (await AsAlex(s => s.RemoveAsync(_alex.Id, Now, PhoneKind.Mobile, Cancel))).Succeeded.ShouldBeTrue();
        _graph.PhonesOf(Upn).ShouldBeEmpty();
    }

    [Fact]
    public async Task ThePreferredMethod_IsPatchedInSignInPreferences_AndThePageShowsIt()
    {
        _graph.AddUser(Upn, "push", ("mobile", "+44 7400900123"));

        var set = await AsAlex(s => s.SetPreferredAsync(_alex.Id, Now, MfaMethod.TextMessage, Cancel));

        set.Succeeded.ShouldBeTrue(set.Error);
        var patch = Writes().ShouldHaveSingleItem();
        (patch.Method, patch.Path).ShouldBe(("PATCH", $"/beta/users/{Upn}/authentication/signInPreferences"));
        JsonNode.Parse(patch.Body)!["userPreferredMethodForSecondaryAuthentication"]!.GetValue<string>().ShouldBe("sms");
        _graph.PreferredOf(Upn).ShouldBe("sms");
        (await SignInMethodsPageAsync()).Preferred.ShouldBe(MfaMethod.TextMessage);
    }

    [Fact]
    public async Task ThrottledWithRetryAfter_TheNewNumberIsCreatedOnce_AndReportedOnce()
    {
        _graph.AddUser(Upn);
        _graph.FailNext(1, 429, retryAfter: "1", method: "POST");

        var added = await ChangeNumberAsync(PhoneKind.Mobile, "+44 7400 900123");

        added.Succeeded.ShouldBeTrue(added.Error);
        Writes().Select(w => w.Method).ShouldBe(["PATCH", "POST", "POST"]);
        _graph.PhonesOf(Upn).ShouldBe(new Dictionary<string, string> { ["mobile"] = "+44 7400900123" });
        (await AuditAsync("mfa.phone-added")).ShouldHaveSingleItem();
        (await WithDbAsync(db => db.NotificationOutbox.CountAsync(m => m.RecipientUserId == _alex.Id, Cancel))).ShouldBe(1);
        (await AuditAsync("mfa.provider-failed")).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task TheSameCodeConfirmedTwiceAtOnce_MakesOneChangeInEntra(string database)
    {
        if (database != TestDatabase.Sqlite)
        {
            await _portal.DisposeAsync();
            await StartPortalAsync(database);
        }

        _graph.AddUser(Upn);
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));
        var code = _gateway.LastCodeTo("+447400900123");

        // A double click, or the page open in two tabs.
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, code, Cancel)), Cancel)));

        results.Count(r => r.Succeeded).ShouldBe(1, string.Join(" | ", results.Select(r => r.Value?.Message ?? r.Error)));
        Writes().Select(w => w.Method).ShouldBe(["PATCH", "POST"]);
        _graph.PhonesOf(Upn).ShouldBe(new Dictionary<string, string> { ["mobile"] = "+44 7400900123" });
        (await AuditAsync("mfa.phone-added")).ShouldHaveSingleItem();
        (await WithDbAsync(db => db.NotificationOutbox.CountAsync(m => m.RecipientUserId == _alex.Id, Cancel))).ShouldBe(1);
    }

    [Theory]
    [InlineData(400, false, "did not accept")]
    [InlineData(403, false, "not allowed to change sign-in methods")]
    [InlineData(500, false, "Try again in a few minutes")]
    [InlineData(500, true, "Try again in a few minutes")]
    public async Task EntraRefusesOrFails_TheUserIsToldPlainly_NothingIsReportedSaved_AdminsSeeTheDetail_AndTheSameCodeWorksLater(
        int status, bool hasMobile, string plainWords)
    {
        _graph.AddUser(Upn, null, hasMobile ? [("mobile", "+44 7400900123")] : []);
        var before = _graph.PhonesOf(Upn);
        // A create is sent once (its outcome after a 5xx is unknown); an update is tried again, so it fails each time.
        _graph.FailNext(hasMobile ? 4 : 1, status, method: hasMobile ? "PATCH" : "POST");
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900456", CodeDelivery.TextMessage, Cancel));
        var code = _gateway.LastCodeTo("+447400900456");

        var failed = await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, code, Cancel));

        failed.Succeeded.ShouldBeFalse();
        failed.Error!.ShouldContain(plainWords);
        failed.Error!.ShouldNotContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        failed.Error!.ShouldNotContain("Graph");
        _graph.PhonesOf(Upn).ShouldBe(before);
        (await AuditAsync("mfa.phone-added")).ShouldBeEmpty();
        (await AuditAsync("mfa.phone-changed")).ShouldBeEmpty();
        (await WithDbAsync(db => db.NotificationOutbox.CountAsync(Cancel))).ShouldBe(0, "nobody is told of a change that did not happen");
        (await SignInMethodsPageAsync()).Row(PhoneKind.Mobile).ShouldContain(hasMobile ? "+44 ••••••••23" : "none");

        // Admins find what Entra answered in the audit log, with the number masked.
        var failure = (await AuditAsync("mfa.provider-failed")).ShouldHaveSingleItem();
        var detail = failure.Summary + failure.AfterJson;
        detail.ShouldContain($"answered {status}");
        detail.ShouldContain(status switch { 400 => "badRequest", 403 => "accessDenied", _ => "generalException" });
        detail.ShouldNotContain("7400900456");
        failure.ActorUserId.ShouldBe(_alex.Id);

        // The code was right and stays good until it expires: once Entra answers again, no new code is needed.
        var retried = await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, code, Cancel));

        retried.Succeeded.ShouldBeTrue(retried.Error);
        _graph.PhonesOf(Upn)["mobile"].ShouldBe("+44 7400900456");
        _gateway.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task TalkingToGraph_LeavesTheUsersNameOutOfTheLog()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));

        (await SignInMethodsPageAsync()).Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••23");
        (await ChangeNumberAsync(PhoneKind.Mobile, "+44 7400 900456")).Succeeded.ShouldBeTrue();

        _graph.GraphRequests.ShouldNotBeEmpty();
        var userName = Upn.Split('@')[0];
        _logs.Lines.Where(l => l.StartsWith("System.Net.Http", StringComparison.Ordinal)).ShouldAllBe(l => !l.Contains(userName));
        _logs.Lines.ShouldNotContain(l => l.Contains(Upn) || l.Contains(Uri.EscapeDataString(Upn)));
    }

    [Fact]
    public async Task ANumberChangedInEntraItself_ShowsOnTheNextLoad()
    {
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"));
        (await SignInMethodsPageAsync()).Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••23");

        _graph.SetPhoneDirectly(Upn, "mobile", "+44 7400900789");
        _graph.SetPhoneDirectly(Upn, "alternateMobile", "+33 612345678");

        var page = await SignInMethodsPageAsync();
        page.Row(PhoneKind.Mobile).ShouldContain("+44 ••••••••89");
        page.Row(PhoneKind.AlternateMobile).ShouldContain("+33 •••••••78");
        (await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900789", CodeDelivery.TextMessage, Cancel)))
            .Error!.ShouldContain("already your mobile number");
        _gateway.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task WhenEntraCannotBeRead_ThePageSaysSoPlainly_AndTheDetailIsLoggedForAdmins()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));
        _graph.FailNext(1, 403, method: "GET");

        var page = await SignInMethodsPageAsync();

        page.Text.ShouldContain("The portal is not allowed to change sign-in methods. Ask the helpdesk.");
        page.Text.ShouldNotContain("accessDenied");
        page.Html.ShouldNotContain("id=\"phones\"");
        _logs.Lines.ShouldContain(l => l.Contains("answered 403 accessDenied") && l.Contains(_alex.Id.ToString()));

        // Asking for a code reads Entra first; that failure is told and logged the same way.
        _graph.FailNext(1, 403, method: "GET");
        var refused = await Should.ThrowAsync<MfaProviderException>(() =>
            AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900456", CodeDelivery.TextMessage, Cancel)));
        refused.Message.ShouldBe("The portal is not allowed to change sign-in methods. Ask the helpdesk.");
        _logs.Lines.Count(l => l.Contains("answered 403 accessDenied")).ShouldBe(2);
        _gateway.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheHelpdesk_SeesEntrasNumbersMasked_RemovesOne_AndAsksForReRegistration()
    {
        var admin = await _portal.CreateUserAsync(Roles.Admin);
        _graph.AddUser(Upn, "voiceMobile", ("mobile", "+44 7400900123"), ("office", "+44 2079460018x123"));
        using var browser = await _portal.SignInAsync(admin);

        var userPage = WebUtility.HtmlDecode(await (await browser.GetAsync($"/users/{_alex.Id}")).Content.ReadAsStringAsync(Cancel));

        userPage.ShouldContain("As Microsoft Entra ID has them");
        userPage.ShouldContain("+44 ••••••••23");
        userPage.ShouldContain("+44 ••••••••18");
        userPage.ShouldNotContain("7400900123");

        _graph.FailNext(1, 403, method: "DELETE");
        var refused = await AsAdmin(admin, h => h.RemoveAsync(_alex.Id, PhoneKind.Office, Cancel));
        refused.Succeeded.ShouldBeFalse();
        refused.Error!.ShouldContain("answered 403 accessDenied", customMessage: "the helpdesk sees Entra's answer");
        _graph.PhonesOf(Upn).Count.ShouldBe(2);
        var failure = (await AuditAsync("mfa.provider-failed")).ShouldHaveSingleItem("the refused attempt is audited");
        failure.ActorUserId.ShouldBe(admin.Id);
        failure.Summary.ShouldContain("The helpdesk removing the office phone number +44 ••••••••18");
        failure.Summary.ShouldContain("answered 403 accessDenied");
        failure.Summary.ShouldNotContain("2079460018");

        var removed = await AsAdmin(admin, h => h.RemoveAsync(_alex.Id, PhoneKind.Office, Cancel));
        removed.Succeeded.ShouldBeTrue(removed.Error);
        Writes().Select(w => (w.Method, w.Path)).ShouldBe([("DELETE", $"{PhoneMethods}/{OfficeId}"), ("DELETE", $"{PhoneMethods}/{OfficeId}")]);
        _graph.PhonesOf(Upn).Keys.ShouldBe(["mobile"]);
        (await AuditAsync("mfa.phone-removed-by-helpdesk")).ShouldHaveSingleItem().ActorUserId.ShouldBe(admin.Id);

        (await AsAdmin(admin, h => h.SetReRegistrationRequiredAsync(_alex.Id, true, Cancel))).Succeeded.ShouldBeTrue();
        var alexPage = await SignInMethodsPageAsync();
        alexPage.Text.ShouldContain("Your helpdesk asked you to check and register your phone numbers again.");
        alexPage.Row(PhoneKind.Office).ShouldContain("none");

        // The next verified number clears the request, in Entra as anywhere.
        (await ChangeNumberAsync(PhoneKind.Office, "+44 20 7946 0019")).Succeeded.ShouldBeTrue();
        (await SignInMethodsPageAsync()).Text.ShouldNotContain("register your phone numbers again");
        _graph.PhonesOf(Upn)["office"].ShouldBe("+44 2079460019");
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private async Task<CommandResult<MethodChanged>> ChangeNumberAsync(PhoneKind kind, string number)
    {
        var delivery = kind == PhoneKind.Office ? CodeDelivery.VoiceCall : CodeDelivery.TextMessage;
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, kind, number, delivery, Cancel));
        sent.Succeeded.ShouldBeTrue(sent.Error);
        var e164 = Domain.Phones.PhoneNumber.Parse(number, allowExtension: true).Number!.E164;
        return await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, _gateway.LastCodeTo(e164), Cancel));
    }

    /// <summary>What the portal asked Entra to change (reads left out), in order.</summary>
    private List<RecordedRequest> Writes() => _graph.GraphRequests.Where(r => r.Method != "GET").ToList();

    private static (string? Number, string? Type) Body(RecordedRequest request)
    {
        var json = JsonNode.Parse(request.Body)!.AsObject();
        json.Select(p => p.Key).Order().ToArray().ShouldBe(["phoneNumber", "phoneType"], customMessage: "the body has only the documented properties");
        return (json["phoneNumber"]?.GetValue<string>(), json["phoneType"]?.GetValue<string>());
    }

    /// <summary>The page as Alex's browser gets it (prerendered), signed in now.</summary>
    private async Task<MethodsPage> SignInMethodsPageAsync()
    {
        using var browser = await _portal.SignInAsync(_alex);
        using var response = await browser.GetAsync(SignInMethods.PagePath);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return new MethodsPage(await response.Content.ReadAsStringAsync(Cancel));
    }

    private Task<T> AsAlex<T>(Func<SignInMethods, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<SignInMethods>()), new AuditActor(AuditActorKind.User, _alex.Id, _alex.Email));

    private Task<T> AsAdmin<T>(TestUser admin, Func<HelpdeskSignInMethods, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<HelpdeskSignInMethods>()), new AuditActor(AuditActorKind.User, admin.Id, admin.Email));

    private Task<List<AuditEntry>> AuditAsync(string action) =>
        WithDbAsync(db => db.AuditEntries.Where(a => a.Action == action).ToListAsync(Cancel));

    private Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<PortalDbContext>()));

    /// <summary>The prerendered sign-in methods page, read as a person reads it.</summary>
    private sealed partial record MethodsPage(string Html)
    {
        public string Text => WebUtility.HtmlDecode(Tags().Replace(Html, " "));

        public string Row(PhoneKind kind)
        {
            var row = Regex.Match(Html, $"<tr data-kind=\"{kind}\">(.*?)</tr>", RegexOptions.Singleline);
            row.Success.ShouldBeTrue($"the page has a row for the {kind} phone");
            return WebUtility.HtmlDecode(Tags().Replace(row.Groups[1].Value, " "));
        }

        /// <summary>The method the page shows chosen (the radio group's holder names it for scripts and tests).</summary>
        public MfaMethod? Preferred => Regex.Match(Html, "id=\"preferred\" data-preferred=\"([A-Za-z]*)\"") is { Success: true } m && Enum.TryParse<MfaMethod>(m.Groups[1].Value, out var method)
            ? method
            : null;

        [GeneratedRegex("<[^>]+>")]
        private static partial Regex Tags();
    }
}
