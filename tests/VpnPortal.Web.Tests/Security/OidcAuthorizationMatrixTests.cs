using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Security;

/// <summary>
/// The matrix with people who came through the organisation sign-in: accounts created at sign-in from app roles
/// (a real OpenID Connect provider), holding the roles the mapping gave them and nothing a password account has.
/// </summary>
public sealed class OidcAuthorizationMatrixFixture : AuthorizationMatrixFixture
{
    private OidcProviderFixture? _provider;

    public override IReadOnlyList<RouteRule> Rules =>
        AuthorizationMatrix.Rules
            .Select(r => r.Pattern == AuthorizationMatrix.OidcStart
                ? r with { AllowedStatus = 302, AllowedRedirect = "/auth", Why = "sends everyone to the provider's authorization endpoint" }
                : r)
            .ToList();

    public override async ValueTask InitializeAsync()
    {
        OidcTestProvider.SkipUnlessNodeInstalled();
        _provider = new OidcProviderFixture();
        await _provider.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override Task<PortalFactory> StartPortalAsync() => PortalFactory.StartAsync(settings: _provider!.Provider.PortalSettings());

    protected override async Task<(TestUser User, PortalBrowser Browser)> SignInAsync(string role)
    {
        var login = $"matrix-{role.ToLowerInvariant()}";
        var email = $"{login}@corp.example";
        await _provider!.Provider.AddUserAsync(login, new { name = login, email, email_verified = true, roles = new[] { $"VpnPortal.{role}" } });
        var browser = new ProviderBrowser(Portal);
        Own(browser);
        using var callback = await browser.SignInAsync(login);
        callback.RedirectPath().ShouldBe("/", $"{login} should be signed in through the provider");
        var id = await Portal.InScopeAsync(async sp =>
            (await sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.PortalUser>>().FindByEmailAsync(email))!.Id);
        return (new TestUser(id, email, "", role), browser.Portal);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}

[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class OidcAuthorizationMatrixTests(OidcAuthorizationMatrixFixture fixture) : IClassFixture<OidcAuthorizationMatrixFixture>
{
    [Fact]
    public Task EveryRoute_AnswersEachCallerSignedInThroughTheProviderAsTheMatrixSays() =>
        AuthorizationMatrixTests.CheckEveryRouteAsync(fixture);

    [Fact]
    public async Task Callers_AreProviderAccountsWithOnlyTheirMappedRole()
    {
        await using var db = fixture.Portal.Database.CreateContext();
        var accounts = await db.Users
            .Select(u => new
            {
                u.Email,
                HasPassword = u.PasswordHash != null,
                Logins = db.UserLogins.Count(l => l.UserId == u.Id),
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToList(),
            })
            .ToListAsync(TestContext.Current.CancellationToken);

        accounts.Count.ShouldBe(3);
        foreach (var role in Roles.All)
        {
            var account = accounts.Single(a => a.Email == $"matrix-{role.ToLowerInvariant()}@corp.example");
            (account.HasPassword, account.Logins).ShouldBe((false, 1));
            account.Roles.ShouldBe([role]);
        }
    }
}
