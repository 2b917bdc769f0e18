using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Security;

/// <summary>The portal's Identity rules, and Identity's user manager on a context an operation owns.</summary>
public static class PortalIdentity
{
    /// <summary>Account rules for every host and test; lockout limits from configuration are applied in the host.</summary>
    public static void AccountRules(IdentityOptions o)
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 12;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireDigit = false;
        o.Lockout.AllowedForNewUsers = true;
    }

    /// <summary>
    /// A user manager whose store works on <paramref name="db"/>. A Blazor circuit's scope lives as long as
    /// the tab, so the injected UserManager would sit on one long-lived context; pages make a context per
    /// operation instead, and the operation's identity changes, queries and audit entries share it.
    /// </summary>
    public static UserManager<PortalUser> UserManagerFor(IServiceProvider services, PortalDbContext db)
    {
        var store = new UserStore<PortalUser, PortalRole, PortalDbContext, Guid>(db, services.GetRequiredService<IdentityErrorDescriber>());
        return ActivatorUtilities.CreateInstance<UserManager<PortalUser>>(services, store);
    }
}
