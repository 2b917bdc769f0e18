using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Security;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Security.SessionChanges;

namespace VpnPortal.Web.Tests.Security;

/// <summary>
/// The check an open Blazor circuit makes of its user every Security:SessionCheckInterval, on the principal a real
/// sign-in put in the cookie: the session ends as the cookie's does, and also when the account's roles changed.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class CircuitSessionRevalidationTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task FreshSession_IsStillValid(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var (_, principal) = await SignedInAsync(portal, Roles.Admin);

        (await IsStillValidAsync(portal, principal)).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AfterSignOutEverywhere_TheSessionHasEnded(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var (user, principal) = await SignedInAsync(portal, Roles.Admin);

        await SignOutEverywhereAsync(portal, user.Id);

        (await IsStillValidAsync(portal, principal)).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AfterTheAccountIsDisabled_TheSessionHasEnded(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var (user, principal) = await SignedInAsync(portal, Roles.OnCall);

        await DisableAsync(portal, user.Id);

        (await IsStillValidAsync(portal, principal)).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AfterARoleIsRevoked_TheCircuitLetsGoOfItsUser(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        await SetRolesAsync(portal, user.Id, Roles.OnCall, Roles.User);
        var principal = CookiePrincipal(portal, await portal.SignInAsync(user));
        principal.IsInRole(Roles.OnCall).ShouldBeTrue();

        await SetRolesAsync(portal, user.Id, Roles.User);

        (await IsStillValidAsync(portal, principal)).ShouldBeFalse("the circuit still holds the OnCall role");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AfterARoleIsGranted_TheCircuitLetsGoOfItsUser(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var (user, principal) = await SignedInAsync(portal, Roles.User);

        await SetRolesAsync(portal, user.Id, Roles.User, Roles.Admin);

        (await IsStillValidAsync(portal, principal)).ShouldBeFalse("reloading gives a principal with the Admin role");
    }

    [Fact]
    public async Task PasswordSession_AfterPasswordSignInIsSwitchedOff_HasEnded()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.Provider.PortalSettings());
        var (_, principal) = await SignedInAsync(portal, Roles.Admin);
        (await IsStillValidAsync(portal, principal)).ShouldBeTrue("password sign-in is still on");

        SwitchLocalSignIn(portal, enabled: false);

        (await IsStillValidAsync(portal, principal)).ShouldBeFalse();
    }

    [Fact]
    public async Task OrganisationSession_AfterPasswordSignInIsSwitchedOff_StaysValid()
    {
        await using var portal = await PortalFactory.StartAsync(settings: fixture.Provider.PortalSettings());
        var login = $"r{Guid.NewGuid():N}"[..12];
        await fixture.Provider.AddUserAsync(login, new Dictionary<string, object> { ["email"] = $"{login}@corp.example", ["roles"] = new[] { "VpnPortal.Admin" } });
        using var browser = new ProviderBrowser(portal);
        using (var callback = await browser.SignInAsync(login))
        {
            callback.RedirectPath().ShouldBe("/");
        }

        var principal = CookiePrincipal(portal, browser.Portal);
        PortalClaims.SignInMethod(principal).ShouldBe(PortalClaims.OrganisationMethod);

        SwitchLocalSignIn(portal, enabled: false);

        (await IsStillValidAsync(portal, principal)).ShouldBeTrue();
    }

    [Fact]
    public async Task Anonymous_HasNothingToEnd()
    {
        await using var portal = await PortalFactory.StartAsync();

        (await IsStillValidAsync(portal, new ClaimsPrincipal(new ClaimsIdentity()))).ShouldBeTrue();
    }

    [Fact]
    public async Task AnApiKeysPrincipal_IsNoSession_EvenWithTheAccountsCurrentStamp()
    {
        await using var portal = await PortalFactory.StartAsync();
        var (_, principal) = await SignedInAsync(portal, Roles.Admin);
        var keyIdentity = new ClaimsIdentity(
            principal.Claims.Select(c => new Claim(c.Type, c.Value)).Append(new Claim(CurrentActor.ApiKeyNameClaim, "ci")),
            ApiKeyAuthenticationHandler.SchemeName);

        (await IsStillValidAsync(portal, new ClaimsPrincipal(keyIdentity))).ShouldBeFalse();
    }

    [Fact]
    public async Task AnApiKey_CannotOpenACircuit()
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(admin));

        using var negotiate = await api.PostAsync("/_blazor/negotiate?negotiateVersion=1", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);

        (negotiate.StatusCode == HttpStatusCode.Unauthorized || negotiate.IsRedirectTo(PortalBrowser.SignInPath))
            .ShouldBeTrue($"the circuit's endpoints take the sign-in cookie only; got {(int)negotiate.StatusCode}");
    }

    [Fact]
    public async Task TheCircuitsActor_AfterTheSessionEnds_IsNobody()
    {
        await using var portal = await PortalFactory.StartAsync(settings: new Dictionary<string, string> { ["Security:SessionCheckInterval"] = "00:00:00.200" });
        var (user, principal) = await SignedInAsync(portal, Roles.Admin);
        await using var circuit = portal.Services.CreateAsyncScope();
        var authentication = (CircuitSessionRevalidation)circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var actor = circuit.ServiceProvider.GetRequiredService<CurrentActor>();
        using var handler = ActivatorUtilities.CreateInstance<CircuitActorHandler>(circuit.ServiceProvider);
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        await handler.OnCircuitOpenedAsync(null!, TestContext.Current.CancellationToken);
        actor.Current.Kind.ShouldBe(AuditActorKind.User);
        var ended = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        authentication.AuthenticationStateChanged += async state => ended.TrySetResult(await state);

        await SignOutEverywhereAsync(portal, user.Id);

        // An upper bound for a slow machine, not a timing assertion: the check runs every 200 ms.
        var state = await ended.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        state.User.Identity?.IsAuthenticated.ShouldNotBe(true);
        actor.Current.Kind.ShouldBe(AuditActorKind.Anonymous);
        actor.Current.UserId.ShouldBeNull();
    }

    [Fact]
    public async Task TheInterval_IsOneSettingForTheCookieAndTheCircuit()
    {
        await using var portal = await PortalFactory.StartAsync(settings: new Dictionary<string, string> { ["Security:SessionCheckInterval"] = "00:00:07" });

        portal.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval.ShouldBe(TimeSpan.FromSeconds(7));
        portal.Services.GetRequiredService<IOptions<SessionCheckOptions>>().Value.SessionCheckInterval.ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("01:00:01")]
    public async Task TheInterval_OutOfRange_IsRefusedAtStart(string interval)
    {
        var refused = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            await using var portal = await PortalFactory.StartAsync(settings: new Dictionary<string, string> { ["Security:SessionCheckInterval"] = interval });
        });

        refused.Message.ShouldContain("Security:SessionCheckInterval");
    }

    private static async Task<(TestUser User, ClaimsPrincipal Principal)> SignedInAsync(PortalFactory portal, string role)
    {
        var user = await portal.CreateUserAsync(role);
        using var browser = await portal.SignInAsync(user);
        return (user, CookiePrincipal(portal, browser));
    }

    private static Task<bool> IsStillValidAsync(PortalFactory portal, ClaimsPrincipal principal) =>
        portal.InScopeAsync(sp =>
        {
            var provider = sp.GetRequiredService<AuthenticationStateProvider>().ShouldBeOfType<CircuitSessionRevalidation>();
            return provider.IsStillValidAsync(principal);
        });
}
