using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Tests.Support;

/// <summary>Accounts a test arranges, made through Identity's UserManager as the admin pages and the CLI make them.</summary>
internal static class TestUsers
{
    /// <summary>The <paramref name="n"/>th account of its portal, named after its role unless <paramref name="email"/> is given.</summary>
    public static async Task<TestUser> CreateAsync(IServiceProvider scope, string role, string? email, int n)
    {
        var users = scope.GetRequiredService<UserManager<PortalUser>>();
        email ??= $"{role.ToLowerInvariant()}{n}@corp.example";
        var user = new PortalUser
        {
            Id = Guid.NewGuid(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = $"{role} person {n}",
            CreatedAt = scope.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        (await users.CreateAsync(user, PortalFactory.Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
        return new TestUser(user.Id, email, PortalFactory.Password, role);
    }
}
