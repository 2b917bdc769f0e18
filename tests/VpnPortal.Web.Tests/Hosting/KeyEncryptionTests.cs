using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Hosting;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Hosting;

/// <summary>
/// The data-protection keys in the database are encrypted by a certificate kept apart from it; outside Development
/// the portal does not start without one; nodes with the same certificate read each other's keys.
/// </summary>
public sealed class KeyEncryptionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> NoCertificate = new() { ["DataProtection:CertificatePath"] = "", ["DataProtection:CertificatePassword"] = "" };

    [Fact]
    public async Task Production_WithoutAKeyEncryptionCertificate_RefusesToStart_AndSaysWhatToSet()
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => PortalFactory.StartAsync(settings: NoCertificate));

        failure.Message.ShouldContain("must be encrypted at rest");
        failure.Message.ShouldContain("DataProtection:CertificatePath");
        failure.Message.ShouldContain("DataProtection:DpapiNgRule");
    }

    [Fact]
    public async Task Development_WithoutACertificate_MakesItsOwnBesideTheEmbeddedDatabase_AndStillEncryptsTheKeys()
    {
        var settings = new Dictionary<string, string>(NoCertificate) { ["environment"] = "Development", ["Simulation:Enabled"] = "false" };
        await using var portal = await PortalFactory.StartAsync(settings: settings);
        var environment = portal.Services.GetRequiredService<IHostEnvironment>();
        environment.IsDevelopment().ShouldBeTrue();

        Protector(portal).Protect("a webhook URL");

        File.Exists(Path.Combine(environment.ContentRootPath, KeyEncryption.DevelopmentCertificatePath)).ShouldBeTrue();
        await using var db = portal.Database.CreateContext();
        var keys = await db.DataProtectionKeys.Select(k => k.Xml ?? "").ToListAsync(Ct);
        keys.ShouldNotBeEmpty();
        keys.ShouldAllBe(k => k.Contains("vpnportalEncryptedKey"), "Development encrypts its keys too, so it logs no warning about unencrypted ones");
    }

    [Fact]
    public async Task AFreshStartInDevelopment_LogsNoWarning()
    {
        var logs = new RecordingLoggerProvider();
        await using var empty = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        var settings = new Dictionary<string, string>(NoCertificate) { ["environment"] = "Development", ["Simulation:Enabled"] = "false" };
        await using var portal = await PortalFactory.StartOnAsync(empty, settings: settings, services: logs.AddTo);
        using var page = await portal.CreateClient().GetAsync("/account/sign-in", Ct);
        Protector(portal).Protect("a webhook URL");

        logs.Lines.ShouldContain(l => l.Contains("Applying migration", StringComparison.Ordinal), "the start migrated the empty database");
        logs.Warnings.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not-there.pfx", "cannot be read as a PFX")]
    [InlineData("wrong-password", "cannot be read as a PFX")]
    public async Task Production_WithACertificateItCannotUse_RefusesToStart_NamingTheSetting(string what, string message)
    {
        var settings = new Dictionary<string, string>(KeyEncryptionCertificate.Create());
        if (what == "wrong-password")
        {
            settings["DataProtection:CertificatePassword"] = "not the password";
        }
        else
        {
            settings["DataProtection:CertificatePath"] = Path.Combine(Path.GetTempPath(), what);
        }

        var failure = await Should.ThrowAsync<OptionsValidationException>(() => PortalFactory.StartAsync(settings: settings));

        failure.Message.ShouldContain("DataProtection:CertificatePath");
        failure.Message.ShouldContain(message);
        failure.Message.ShouldNotContain("not the password");
    }

    [Fact]
    public async Task StoredKeys_AreEncryptedWithTheCertificate_NotReadableFromTheDatabaseAlone()
    {
        await using var portal = await PortalFactory.StartAsync();
        var protectedText = Protector(portal).Protect("the SMTP password");

        await using var db = portal.Database.CreateContext();
        var keys = await db.DataProtectionKeys.Select(k => k.Xml ?? "").ToListAsync(Ct);
        keys.ShouldNotBeEmpty();
        keys.ShouldAllBe(k => k.Contains("vpnportalEncryptedKey") && k.Contains("RSA-OAEP-SHA256+AES-256-GCM"));
        keys.ShouldAllBe(k => !k.Contains("<value>"), "the master key's value is never stored in the clear");
        Protector(portal).Unprotect(protectedText).ShouldBe("the SMTP password");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task TwoNodesWithTheSameCertificate_ReadEachOthersKeys_AndANodeWithAnotherCannot(string provider)
    {
        await using var database = await TestDatabase.CreateEmptyAsync(provider);
        await using var nodeA = await PortalFactory.StartOnAsync(database);
        var secret = Protector(nodeA).Protect("webhook https://hooks.slack.example/T000/B000/XXXX");

        await using (var nodeB = await PortalFactory.StartOnAsync(database))
        {
            Protector(nodeB).Unprotect(secret).ShouldBe("webhook https://hooks.slack.example/T000/B000/XXXX");
        }

        await using var stranger = await PortalFactory.StartOnAsync(database, settings: KeyEncryptionCertificate.Create());
        Should.Throw<CryptographicException>(() => Protector(stranger).Unprotect(secret));
    }

    [Fact]
    public async Task AfterAChangeOfCertificate_KeysWrittenBeforeAreReadWithThePreviousOne()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        var old = KeyEncryptionCertificate.Create();
        string secret;
        await using (var before = await PortalFactory.StartOnAsync(database, settings: old))
        {
            secret = Protector(before).Protect("a rollout's PFX password");
        }

        var changed = new Dictionary<string, string>(KeyEncryptionCertificate.Create())
        {
            ["DataProtection:PreviousCertificatePaths:0"] = old["DataProtection:CertificatePath"],
            ["DataProtection:PreviousCertificatePasswords:0"] = old["DataProtection:CertificatePassword"],
        };
        await using var after = await PortalFactory.StartOnAsync(database, settings: changed);

        Protector(after).Unprotect(secret).ShouldBe("a rollout's PFX password");
    }

    private static IDataProtector Protector(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("VpnPortal.Tests.KeyEncryption");
}
