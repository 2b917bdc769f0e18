using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests.Migrations;

/// <summary>What an upgrade to the SmtpPasswordWithoutTls migration (and past it) keeps of what a portal already holds.</summary>
public sealed class UpgradeKeepsSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, int, string?, bool> Relays()
    {
        var data = new TheoryData<string, int, string?, bool>();
        foreach (var provider in TestDatabase.Providers)
        {
            data.Add(provider, 0, "relay-user", true);
            data.Add(provider, 0, null, false);
            data.Add(provider, 1, "relay-user", false);
        }

        return data;
    }

    /// <summary>
    /// A relay that was already sent its password without encryption keeps getting it (as an explicit setting now), so
    /// alert e-mail does not stop on upgrade; nothing else is allowed to.
    /// </summary>
    [Theory, MemberData(nameof(Relays))]
    public async Task ARelayAlreadyGivenItsPasswordWithoutTls_KeepsIt_AsAnExplicitChoice(string provider, int security, string? userName, bool allowed)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(provider);
        await using var context = db.CreateContext();
        await context.MigrateToJustBeforeAsync("_SmtpPasswordWithoutTls", Ct);
        await context.Database.ExecuteSqlRawAsync(
            """INSERT INTO "SmtpChannelSettings" ("Id", "Enabled", "Host", "Port", "Security", "FromAddress", "Version") VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6})""",
            [Guid.NewGuid(), true, "smtp.corp.example", 25, security, "vpnportal@corp.example", Guid.NewGuid()], Ct);
        if (userName is not null)
        {
            await context.Database.ExecuteSqlRawAsync("""UPDATE "SmtpChannelSettings" SET "UserName" = {0}""", [userName], Ct);
        }

        await context.Database.MigrateAsync(Ct);

        (await context.SmtpChannelSettings.AsNoTracking().SingleAsync(Ct)).AllowPasswordWithoutTls.ShouldBe(allowed);
    }

    /// <summary>
    /// Data-protection keys stored before the portal used the EF Core key store stay readable after it: cookies, and the
    /// secrets protected with them, survive the upgrade.
    /// </summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DataProtectionKeysStoredBefore_StillUnprotectWhatTheyProtected(string provider)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(provider);
        await using (var context = db.CreateContext())
        {
            await context.MigrateToJustBeforeAsync("_SmtpPasswordWithoutTls", Ct);
        }

        // Protected under the old store: its rows were written by hand (FriendlyName, Xml), as it did.
        var oldStore = new RecordingRepository();
        string protectedText;
        await using (var old = DataProtection(s => s.Configure<KeyManagementOptions>(o => o.XmlRepository = oldStore)))
        {
            protectedText = old.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("the relay's password");
        }

        await using (var context = db.CreateContext())
        {
            foreach (var (name, xml) in oldStore.Elements)
            {
                await context.Database.ExecuteSqlRawAsync("""INSERT INTO "DataProtectionKeys" ("FriendlyName", "Xml") VALUES ({0}, {1})""", [name, xml.ToString(SaveOptions.DisableFormatting)], Ct);
            }

            await context.Database.MigrateAsync(Ct);
        }

        await using var upgraded = DataProtection(s =>
        {
            s.AddScoped(_ => db.CreateContext());
            s.AddDataProtection().PersistKeysToDbContext<PortalDbContext>();
        });
        oldStore.Elements.Count.ShouldBe(1);
        upgraded.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText).ShouldBe("the relay's password");
        await using var check = db.CreateContext();
        (await check.DataProtectionKeys.CountAsync(Ct)).ShouldBe(1, "the stored key was used, not replaced by a new one");
    }

    private static ServiceProvider DataProtection(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("VpnPortal");
        configure(services);
        return services.BuildServiceProvider();
    }

    private sealed class RecordingRepository : IXmlRepository
    {
        public List<(string Name, XElement Xml)> Elements { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => Elements.Select(e => e.Xml).ToList();

        public void StoreElement(XElement element, string friendlyName) => Elements.Add((friendlyName, element));
    }
}
