using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Account.Oidc;
using VpnPortal.Web.Features.Users;
using VpnPortal.Web.Security;
using VpnPortal.Web.Tests.Support;

namespace VpnPortal.Web.Tests.Security;

/// <summary>What ends or changes a signed-in session, done through the portal's own handlers, and the session's principal.</summary>
internal static class SessionChanges
{
    public static Task SignOutEverywhereAsync(PortalFactory portal, Guid userId, bool revokeApiKeys = false) =>
        RunAsync(portal, (db, users) => new SignOutEverywhere(db, users, portal.Services.GetRequiredService<TimeProvider>()).RunAsync(userId, revokeApiKeys));

    public static Task DisableAsync(PortalFactory portal, Guid userId) =>
        RunAsync(portal, async (db, users) =>
        {
            var stamp = (await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).ConcurrencyStamp!;
            return await new SetUserDisabled(db, users).RunAsync(new(userId, true, stamp), actingUserId: null);
        });

    /// <summary>An admin's edit of the account's roles (which, unlike sign out everywhere, keeps its security stamp).</summary>
    public static Task SetRolesAsync(PortalFactory portal, Guid userId, params string[] roles) =>
        RunAsync(portal, async (db, users) =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
            return await new UpdateUser(db, users).RunAsync(new UpdateUser.Request
            {
                UserId = userId,
                DisplayName = user.DisplayName,
                Roles = [.. roles],
                ConcurrencyStamp = user.ConcurrencyStamp!,
            });
        });

    /// <summary>As an admin editing appsettings.json does: the settings reload while the portal runs.</summary>
    public static void SwitchLocalSignIn(PortalFactory portal, bool enabled)
    {
        var configuration = (IConfigurationRoot)portal.Services.GetRequiredService<IConfiguration>();
        configuration["Authentication:Local:Enabled"] = enabled ? "true" : "false";
        configuration.Reload();
        portal.Services.GetRequiredService<IOptionsMonitor<LocalSignInOptions>>().CurrentValue.Enabled.ShouldBe(enabled);
    }

    /// <summary>The principal in the browser's sign-in cookie: what a circuit opened from that browser starts with.</summary>
    public static ClaimsPrincipal CookiePrincipal(PortalFactory portal, PortalBrowser browser)
    {
        var options = portal.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var request = new DefaultHttpContext();
        request.Request.Headers.Cookie = browser.Cookies.GetCookieHeader(browser.Client.BaseAddress!);
        var cookie = options.CookieManager.GetRequestCookie(request, options.Cookie.Name!).ShouldNotBeNull("the browser should hold a sign-in cookie");
        return options.TicketDataFormat.Unprotect(cookie).ShouldNotBeNull("the sign-in cookie should be readable").Principal;
    }

    private static async Task RunAsync(PortalFactory portal, Func<PortalDbContext, UserManager<Data.Entities.PortalUser>, Task<CommandResult>> change)
    {
        var result = await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            using var users = PortalIdentity.UserManagerFor(sp, db);
            return await change(db, users);
        });
        result.Status.ShouldBe(CommandStatus.Ok, string.Join("; ", result.Errors.Values));
    }
}
