using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>The helpdesk side of sign-in methods on a real portal: masked view, removal, re-registration; all audited.</summary>
public sealed class HelpdeskSignInMethodsTests : IAsyncLifetime
{
    private PortalFactory _portal = null!;
    private TestUser _admin = null!;
    private TestUser _alex = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _portal = await PortalFactory.StartAsync();
        _admin = await _portal.CreateUserAsync(Data.Roles.Admin);
        _alex = await _portal.CreateUserAsync(Data.Roles.User);
        await _portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            // Saved before the numbering plans called Ofcom's drama range unallocated: still read, so its owner can change it.
            db.MfaPhoneMethods.Add(new MfaPhoneMethod { Id = Guid.NewGuid(), UserId = _alex.Id, Kind = PhoneKind.Mobile, PhoneNumber = "+447700900123" });
            db.MfaPhoneMethods.Add(new MfaPhoneMethod { Id = Guid.NewGuid(), UserId = _alex.Id, Kind = PhoneKind.Office, PhoneNumber = "+442079460018x123" });
            await db.SaveChangesAsync(Cancel);
        });
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task TheHelpdesk_SeesTheNumbersMasked()
    {
        var view = (await AsAdmin(h => h.GetAsync(_alex.Id, Cancel))).ShouldNotBeNull();

        view.Methods.Phones.Select(p => p.Masked).ShouldBe(["+44 ••••••••23", "+44 ••••••••18"]);
        view.ProviderName.ShouldBe("VpnPortal");
    }

    [Fact]
    public async Task RemovingAMethod_RemovesIt_AuditsItMasked_AndTellsTheUser()
    {
        var removed = await AsAdmin(h => h.RemoveAsync(_alex.Id, PhoneKind.Office, Cancel));

        removed.Succeeded.ShouldBeTrue(removed.Error);
        (await WithDbAsync(db => db.MfaPhoneMethods.Where(m => m.UserId == _alex.Id).Select(m => m.Kind).ToListAsync(Cancel))).ShouldBe([PhoneKind.Mobile]);
        var audit = await WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "mfa.phone-removed-by-helpdesk", Cancel));
        audit.ActorUserId.ShouldBe(_admin.Id);
        audit.Summary.ShouldContain("+44 ••••••••18");
        (audit.Summary + audit.BeforeJson).ShouldNotContain("2079460018");
        (await WithDbAsync(db => db.AuditEntries.Select(a => a.Summary + a.BeforeJson + a.AfterJson).ToListAsync(Cancel)))
            .ShouldAllBe(text => !text.Contains("2079460018"));
    }

    [Fact]
    public async Task RemovingAMethodTheyDoNotHave_IsRefusedAndChangesNothing()
    {
        var before = await _portal.CountRowsWhenSettledAsync();

        (await AsAdmin(h => h.RemoveAsync(_alex.Id, PhoneKind.AlternateMobile, Cancel))).Error!.ShouldContain("no alternate mobile number");

        (await _portal.CountRowsAsync()).ShouldEqual(before, "a refused removal writes nothing");
    }

    [Fact]
    public async Task RequiringReRegistration_IsStoredAndAudited()
    {
        (await AsAdmin(h => h.SetReRegistrationRequiredAsync(_alex.Id, true, Cancel))).Succeeded.ShouldBeTrue();

        (await WithDbAsync(db => db.Users.Where(u => u.Id == _alex.Id).Select(u => u.MfaReRegistrationRequired).SingleAsync(Cancel))).ShouldBeTrue();
        var audit = await WithDbAsync(db => db.AuditEntries.Where(a => a.EntityId == _alex.Id.ToString() && a.ActorUserId == _admin.Id).ToListAsync(Cancel));
        audit.ShouldContain(a => (a.AfterJson ?? "").Contains("MfaReRegistrationRequired"));
    }

    private Task<T> AsAdmin<T>(Func<HelpdeskSignInMethods, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<HelpdeskSignInMethods>()), new AuditActor(AuditActorKind.User, _admin.Id, _admin.Email));

    private Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<PortalDbContext>()));
}
