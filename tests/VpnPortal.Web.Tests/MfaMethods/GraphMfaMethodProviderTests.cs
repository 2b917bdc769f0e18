using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Phones;
using VpnPortal.Testing;
using VpnPortal.Web.Features.MfaMethods;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>
/// The Microsoft Graph provider, with the real Graph SDK, Azure.Identity and HTTPS, against a stand-in that follows Graph's
/// documented contract and checks client assertions as Entra does.
/// </summary>
public sealed class GraphMfaMethodProviderTests : IAsyncLifetime
{
    private const string Upn = "alex@corp.example";
    private static readonly MfaUser Alex = new(Guid.NewGuid(), Upn);

    private GraphStandIn _graph = null!;
    private ServiceProvider _services = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _graph = await GraphStandIn.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _graph.DisposeAsync();
    }

    [Fact]
    public async Task Get_ReadsEachPhoneByTypeAndThePreferredMethod()
    {
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"), ("office", "+44 2079460018x123"));

        var methods = await Provider().GetAsync(Alex, Cancel);

        methods.Preferred.ShouldBe(MfaMethod.TextMessage);
        methods.Phones.Select(p => (p.Kind, p.Number!.E164, p.Number.Extension))
            .ShouldBe([(PhoneKind.Mobile, "+447400900123", null), (PhoneKind.Office, "+442079460018", "123")]);
        _graph.GraphRequests.Select(r => r.Path).ShouldBe([
            $"/v1.0/users/{Upn}/authentication/phoneMethods",
            $"/beta/users/{Upn}/authentication/signInPreferences",
        ]);
    }

    [Fact]
    public async Task SetPhone_NewKind_IsCreatedInEntraFormatWithItsType()
    {
        _graph.AddUser(Upn);

        await Provider().SetPhoneAsync(Alex, PhoneKind.Mobile, Number("+44 7400 900123"), Cancel);

        _graph.PhonesOf(Upn).ShouldBe(new Dictionary<string, string> { ["mobile"] = "+44 7400900123" });
        _graph.GraphRequests.Last().Method.ShouldBe("POST");
    }

    [Fact]
    public async Task SetPhone_ExistingKind_IsUpdatedThroughItsFixedMethodId()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));

        await Provider().SetPhoneAsync(Alex, PhoneKind.Mobile, Number("+33 6 12 34 56 78"), Cancel);

        _graph.PhonesOf(Upn)["mobile"].ShouldBe("+33 612345678");
        var patch = _graph.GraphRequests.Single();
        patch.Method.ShouldBe("PATCH");
        patch.Path.ShouldEndWith("/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7");
    }

    [Fact]
    public async Task SetPhone_AlternateMobileBeforeAMobile_IsRefusedInPlainWordsWithGraphsReason()
    {
        _graph.AddUser(Upn);

        var refused = await Should.ThrowAsync<MfaProviderException>(() =>
            Provider().SetPhoneAsync(Alex, PhoneKind.AlternateMobile, Number("+44 7400 900456"), Cancel));

        refused.Message.ShouldContain("must have a mobile phone before adding an alternate mobile");
        refused.Detail.ShouldContain("400");
        refused.Transient.ShouldBeFalse();
        _graph.PhonesOf(Upn).ShouldBeEmpty();
    }

    [Fact]
    public async Task Remove_DeletesTheMethod_AndRemovingOneThatIsGoneIsNotAnError()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"), ("office", "+44 2079460018"));
        var provider = Provider();

        await provider.RemovePhoneAsync(Alex, PhoneKind.Office, Cancel);
        await provider.RemovePhoneAsync(Alex, PhoneKind.Office, Cancel);

        _graph.PhonesOf(Upn).Keys.ShouldBe(["mobile"]);
    }

    [Theory]
    [InlineData("push", "alternate mobile only next to a mobile number")]
    [InlineData("sms", "alternate mobile only next to a mobile number")]
    public async Task Remove_TheMobileWhileThereIsAnAlternateMobile_IsRefusedWithGraphsRuleInPlainWords(string preferred, string rule)
    {
        _graph.AddUser(Upn, preferred, ("mobile", "+44 7400900123"), ("alternateMobile", "+44 7400900456"));

        var refused = await Should.ThrowAsync<MfaProviderException>(() => Provider().RemovePhoneAsync(Alex, PhoneKind.Mobile, Cancel));

        refused.Message.ShouldContain(rule);
        refused.Detail.ShouldContain("answered 400 badRequest");
        refused.Transient.ShouldBeFalse();
        _graph.PhonesOf(Upn).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("sms", "mobile")]
    [InlineData("voiceMobile", "mobile")]
    [InlineData("voiceOffice", "office")]
    public async Task Remove_ThePhoneOfTheDefaultMethod_IsRefusedWithGraphsRuleInPlainWords(string preferred, string type)
    {
        _graph.AddUser(Upn, preferred, ("mobile", "+44 7400900123"), ("office", "+44 2079460018"));

        var refused = await Should.ThrowAsync<MfaProviderException>(() =>
            Provider().RemovePhoneAsync(Alex, type == "mobile" ? PhoneKind.Mobile : PhoneKind.Office, Cancel));

        refused.Message.ShouldContain("choose another preferred method first");
        _graph.PhonesOf(Upn).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("office", "voiceOffice")]
    [InlineData("mobile", "voiceMobile")]
    public async Task SetPreferred_PhoneCall_GoesToAPhoneTheUserHas(string type, string graphName)
    {
        _graph.AddUser(Upn, "push", (type, type == "office" ? "+44 2079460018" : "+44 7400900123"));

        await Provider().SetPreferredAsync(Alex, MfaMethod.PhoneCall, Cancel);

        _graph.PreferredOf(Upn).ShouldBe(graphName);
    }

    [Fact]
    public async Task AnAccountTheDirectoryDoesNotKnow_IsReportedAsNotFound()
    {
        var provider = Provider();

        (await Should.ThrowAsync<MfaProviderException>(() => provider.GetAsync(Alex, Cancel))).Message.ShouldContain("not found");
        (await Should.ThrowAsync<MfaProviderException>(() => provider.RemovePhoneAsync(Alex, PhoneKind.Mobile, Cancel))).Message.ShouldContain("not found");
        (await Should.ThrowAsync<MfaProviderException>(() => provider.SetPhoneAsync(Alex, PhoneKind.Mobile, Number("+44 7400 900123"), Cancel)))
            .Message.ShouldContain("not found");
    }

    [Theory]
    [InlineData(MfaMethod.PhoneCall, "voiceMobile")]
    [InlineData(MfaMethod.TextMessage, "sms")]
    [InlineData(MfaMethod.AppNotification, "push")]
    public async Task SetPreferred_UsesGraphsMethodNames(MfaMethod method, string graphName)
    {
        _graph.AddUser(Upn, "push", ("mobile", "+44 7400900123"));

        await Provider().SetPreferredAsync(Alex, method, Cancel);

        _graph.PreferredOf(Upn).ShouldBe(graphName);
    }

    [Fact]
    public async Task Throttled_TheRequestIsRepeatedAfterRetryAfter()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));
        _graph.FailNext(1, 429, retryAfter: "1");

        await Provider().RemovePhoneAsync(Alex, PhoneKind.Mobile, Cancel);

        var requests = _graph.GraphRequests.ToList();
        requests.Count.ShouldBe(2);
        (requests[1].ReceivedAt - requests[0].ReceivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9));
        _graph.PhonesOf(Upn).ShouldBeEmpty();
    }

    [Fact]
    public async Task ThrottledMoreTimesThanAllowed_FailsAsTryLater()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));
        _graph.FailNext(10, 503, retryAfter: "0");

        var failed = await Should.ThrowAsync<MfaProviderException>(() => Provider(maxRetries: 2).RemovePhoneAsync(Alex, PhoneKind.Mobile, Cancel));

        failed.Transient.ShouldBeTrue();
        failed.Message.ShouldContain("Try again in a few minutes");
        _graph.GraphRequests.Count().ShouldBe(3);
        _graph.PhonesOf(Upn).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ARetryAfterLongerThanAPersonWaits_IsNotWaitedFor()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));
        _graph.FailNext(1, 429, retryAfter: "3600");

        var failed = await Should.ThrowAsync<MfaProviderException>(() => Provider().RemovePhoneAsync(Alex, PhoneKind.Mobile, Cancel));

        failed.Message.ShouldContain("busy");
        _graph.GraphRequests.Count().ShouldBe(1);
    }

    [Fact]
    public async Task ServerError_AnUpdateIsRepeated()
    {
        _graph.AddUser(Upn, null, ("mobile", "+44 7400900123"));
        _graph.FailNext(1, 500);

        await Provider().SetPhoneAsync(Alex, PhoneKind.Mobile, Number("+44 7400 900999"), Cancel);

        _graph.PhonesOf(Upn)["mobile"].ShouldBe("+44 7400900999");
        _graph.GraphRequests.Select(r => r.Method).ShouldBe(["PATCH", "PATCH"]);
    }

    [Fact]
    public async Task ServerError_ACreateIsNotRepeated_ForItsOutcomeIsUnknown()
    {
        _graph.AddUser(Upn);
        _graph.FailNext(1, 500, method: "POST");

        var failed = await Should.ThrowAsync<MfaProviderException>(() =>
            Provider().SetPhoneAsync(Alex, PhoneKind.Mobile, Number("+44 7400 900111"), Cancel));

        failed.Transient.ShouldBeTrue();
        _graph.GraphRequests.Select(r => r.Method).ShouldBe(["PATCH", "POST"]);
    }

    [Fact]
    public async Task NoAnswerToARead_IsGivenUpOnAtTheTimeout_AndTheReadTriedAgain()
    {
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"));
        _graph.StallNext(1, method: "GET");

        var methods = await Provider(timeout: TimeSpan.FromSeconds(1)).GetAsync(Alex, Cancel);

        methods.Phone(PhoneKind.Mobile).ShouldNotBeNull();
        _graph.GraphRequests.Count(r => r.Path.EndsWith("/phoneMethods", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task AGraphThatNeverAnswers_IsGivenUpOnWithinTheCallTimeout_NotAfterEveryRetry()
    {
        // Attempts of 1 s, backoffs of 0.25, 0.5, 1, 2 s...: ten retries would take well over 20 s; the call allows 2.5 s.
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"));
        _graph.StallNext(20, method: "GET");
        var provider = Provider(maxRetries: 10, timeout: TimeSpan.FromSeconds(1), callTimeout: TimeSpan.FromSeconds(2.5));

        var failed = await Should.ThrowAsync<MfaProviderException>(() => provider.GetAsync(Alex, Cancel));

        failed.Transient.ShouldBeTrue();
        failed.Message.ShouldContain("could not be reached");
        failed.Detail.ShouldContain("no answer within 1 s");
        _graph.GraphRequests.Count().ShouldBeLessThanOrEqualTo(3, "no attempt is begun that the call's time cannot hold (ten retries were allowed)");
    }

    [Fact]
    public async Task NoAnswerToACreate_IsNotRepeated_AndReportedAsTryLater()
    {
        _graph.AddUser(Upn);
        _graph.StallNext(1, method: "POST");

        var failed = await Should.ThrowAsync<MfaProviderException>(() =>
            Provider(timeout: TimeSpan.FromSeconds(1)).SetPhoneAsync(Alex, PhoneKind.Mobile, Number("+44 7400 900111"), Cancel));

        failed.Transient.ShouldBeTrue();
        failed.Message.ShouldContain("could not be reached");
        failed.Detail.ShouldContain("Timeout");
        _graph.GraphRequests.Select(r => r.Method).ShouldBe(["PATCH", "POST"]);
    }

    [Fact]
    public async Task TheTokenIsFetchedOnceAndReused()
    {
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"));
        var provider = Provider();

        await provider.GetAsync(Alex, Cancel);
        await provider.SetPreferredAsync(Alex, MfaMethod.PhoneCall, Cancel);

        _graph.TokenRequests.ShouldBe(1);
    }

    [Fact]
    public async Task AWrongClientSecret_IsReportedToAdminsWithEntrasReasonAndNeverTheSecret()
    {
        _graph.AddUser(Upn);

        var failed = await Should.ThrowAsync<MfaProviderException>(() => Provider(secret: "wrong-secret-value").GetAsync(Alex, Cancel));

        failed.Message.ShouldContain("not available right now");
        failed.Detail.ShouldContain("invalid_client");
        failed.Detail.ShouldNotContain("wrong-secret-value");
        failed.Message.ShouldNotContain("wrong-secret-value");
        _graph.GraphRequests.ShouldBeEmpty();
    }

    [Fact]
    public async Task ACertificateFromAPfxFile_SignsInWithASignedAssertion_AndReadsTheMethods()
    {
        using var files = new ClientCertificateFiles();
        var certificate = files.Create();
        _graph.RegisterClientCertificate(certificate);
        _graph.AddUser(Upn, "sms", ("mobile", "+44 7400900123"));
        var pfx = files.WritePfx(certificate, "pfx-password");

        var methods = await Provider(credential: e => (e.ClientSecret, e.ClientCertificatePath, e.ClientCertificatePassword) = ("", pfx, "pfx-password"))
            .GetAsync(Alex, Cancel);

        methods.Phone(PhoneKind.Mobile).ShouldNotBeNull();
        var tokenRequest = _graph.Requests.Single(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)).Body;
        tokenRequest.ShouldContain("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
        tokenRequest.ShouldNotContain("client_secret");
    }

    [Fact]
    public async Task ACertificateEntraDoesNotKnow_IsRefusedInPlainWords_WithEntrasReasonForAdmins()
    {
        using var files = new ClientCertificateFiles();
        _graph.RegisterClientCertificate(files.Create("Registered"));
        _graph.AddUser(Upn);
        var other = files.WritePfx(files.Create("Another"), "pfx-password");

        var failed = await Should.ThrowAsync<MfaProviderException>(() =>
            Provider(credential: e => (e.ClientSecret, e.ClientCertificatePath, e.ClientCertificatePassword) = ("", other, "pfx-password")).GetAsync(Alex, Cancel));

        failed.Message.ShouldBe("The sign-in methods service is not available right now. Try again later, or ask the helpdesk.");
        failed.Detail.ShouldMatch(@"^Microsoft Entra ID refused the portal's token request: invalid_client \(HTTP 401\): .*AADSTS700027: Client assertion failed signature validation\.");
        failed.Transient.ShouldBeFalse();
        failed.Detail.ShouldNotContain("pfx-password");
        _graph.GraphRequests.ShouldBeEmpty();
    }

    private IMfaMethodProvider Provider(
        string secret = GraphStandIn.ClientSecret, int maxRetries = 3, TimeSpan? timeout = null, TimeSpan? callTimeout = null, Action<EntraOptions>? credential = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptions<MfaOptions>().Configure(o =>
        {
            o.Provider = "Entra";
            o.Entra.Instance = _graph.BaseAddress.ToString();
            o.Entra.TenantId = GraphStandIn.TenantId;
            o.Entra.ClientId = GraphStandIn.ClientId;
            o.Entra.ClientSecret = secret;
            o.Entra.GraphBaseUrl = _graph.BaseAddress.ToString();
            o.Entra.MaxRetries = maxRetries;
            o.Entra.RequestTimeout = timeout ?? o.Entra.RequestTimeout;
            o.Entra.CallTimeout = callTimeout ?? o.Entra.CallTimeout;
            credential?.Invoke(o.Entra);
        });
        services.AddGraphHttpClient().ConfigurePrimaryHttpMessageHandler(_graph.CreateTrustingHandler);
        services.AddSingleton<GraphClients>();
        services.AddSingleton<IMfaMethodProvider, GraphMfaMethodProvider>();
        _services?.Dispose();
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IMfaMethodProvider>();
    }

    private static PhoneNumber Number(string text) => PhoneNumber.Parse(text).Number.ShouldNotBeNull();
}
