using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.MfaMethods;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>Self-service phone changes on a real portal and database, with codes through a gateway on loopback.</summary>
public sealed class SignInMethodsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private LoopbackSmsGateway _gateway = null!;
    private PortalFactory _portal = null!;
    private TestUser _alex = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _gateway = await LoopbackSmsGateway.StartAsync();
        _portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, _time, _gateway.Settings);
        _alex = await _portal.CreateUserAsync(Data.Roles.User);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task ANewMobile_IsSavedOnlyAfterItsCodeComesBack_AuditedMasked_AndTheOwnerIsTold()
    {
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));

        sent.Succeeded.ShouldBeTrue(sent.Error);
        sent.Value!.Message.ShouldContain("+44 ••••••••23");
        (await PhonesAsync()).ShouldBeEmpty();
        _gateway.Sent.ShouldHaveSingleItem().ShouldBe(("+447400900123", "sms", _gateway.LastCodeTo("+447400900123")));

        var confirmed = await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, _gateway.LastCodeTo("+447400900123"), Cancel));

        confirmed.Succeeded.ShouldBeTrue(confirmed.Error);
        (await PhonesAsync()).ShouldBe([(PhoneKind.Mobile, "+447400900123")]);
        var audit = await WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "mfa.phone-added", Cancel));
        audit.Summary.ShouldContain("+44 ••••••••23");
        (audit.Summary + audit.AfterJson + audit.BeforeJson).ShouldNotContain("7400900123");
        (await WithDbAsync(db => db.AuditEntries.Select(a => a.Summary + a.AfterJson + a.BeforeJson).ToListAsync(Cancel)))
            .ShouldAllBe(text => !text.Contains("7400900123"));

        // The owner is told through the notification outbox, saved with the change.
        var told = await WithDbAsync(db => db.NotificationOutbox.Where(m => m.RecipientUserId == _alex.Id && m.SourceKey.StartsWith("mfa-change:")).ToListAsync(Cancel));
        told.ShouldNotBeEmpty();
        foreach (var content in told.Select(m => System.Text.RegularExpressions.Regex.Unescape(m.ContentJson)))
        {
            content.ShouldContain("If this was not you");
            content.ShouldContain("+44 ••••••••23");
            content.ShouldNotContain("7400900123");
        }
    }

    [Fact]
    public async Task AWrongCode_IsRefusedWithTheTriesLeft_AndAfterTheLastTryEvenTheRightOneIs()
    {
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));
        var right = _gateway.LastCodeTo("+447400900123");
        var wrong = right == "000000" ? "111111" : "000000";

        for (var i = 4; i >= 0; i--)
        {
            var refused = await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, wrong, Cancel));
            refused.Succeeded.ShouldBeFalse();
        }

        (await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, right, Cancel))).Error!.ShouldContain("too many times");
        (await PhonesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task ACodeAfterTenMinutes_IsExpired()
    {
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.VoiceCall, Cancel));
        _time.Advance(TimeSpan.FromMinutes(10));

        var late = await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, _gateway.LastCodeTo("+447400900123"), Cancel));

        late.Error!.ShouldContain("expired");
        (await PhonesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task WithoutARecentSignIn_NothingIsSentOrChanged()
    {
        var before = await _portal.CountRowsWhenSettledAsync();

        var refused = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now - TimeSpan.FromMinutes(6), PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));

        refused.Error!.ShouldContain("sign in again");
        _gateway.Sent.ShouldBeEmpty();
        (await _portal.CountRowsAsync()).ShouldEqual(before, "a change without a recent sign-in writes nothing");
        (await AsAlex(s => s.RemoveAsync(_alex.Id, null, PhoneKind.Mobile, Cancel))).Error!.ShouldContain("sign in again");
        (await AsAlex(s => s.SetPreferredAsync(_alex.Id, null, MfaMethod.TextMessage, Cancel))).Error!.ShouldContain("sign in again");
    }

    [Theory]
    [InlineData("07400 900123", "international format")]
    [InlineData("+44 07400 900123", "Leave out the 0 after +44")]
    [InlineData("+44 7400 9001", "this one has 8")]
    [InlineData("<script>alert(1)</script>", "not part of a phone number")]
    public async Task ANumberThatIsWrong_IsExplainedAndNothingIsSent(string input, string explanation)
    {
        var before = await _portal.CountRowsWhenSettledAsync();

        var refused = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, input, CodeDelivery.TextMessage, Cancel));

        refused.Error!.ShouldContain(explanation);
        _gateway.Sent.ShouldBeEmpty();
        (await _portal.CountRowsAsync()).ShouldEqual(before, "a refused number writes nothing");
    }

    [Fact]
    public async Task WithAPhoneRegion_ANumberTypedAsDialledAtHome_IsReadThereAndStoredInternational()
    {
        await using var portal = await PortalFactory.StartAsync(TestDatabase.Sqlite, _time, new Dictionary<string, string>(_gateway.Settings) { ["Mfa:PhoneRegion"] = "GB" });
        var ana = await portal.CreateUserAsync(Data.Roles.User);
        var actor = new AuditActor(AuditActorKind.User, ana.Id, ana.Email);

        var sent = await portal.InScopeAsync(sp => sp.GetRequiredService<SignInMethods>().SendCodeAsync(ana.Id, Now, PhoneKind.Mobile, "07400 900123", CodeDelivery.TextMessage, Cancel), actor);

        sent.Succeeded.ShouldBeTrue(sent.Error);
        _gateway.Sent.ShouldHaveSingleItem().To.ShouldBe("+447400900123");
        var abroad = await portal.InScopeAsync(sp => sp.GetRequiredService<SignInMethods>().SendCodeAsync(ana.Id, Now, PhoneKind.Mobile, "0612345678", CodeDelivery.TextMessage, Cancel), actor);
        abroad.Succeeded.ShouldBeFalse("a French mobile typed without +33 is not a number in the UK");
    }

    [Fact]
    public async Task APhoneRegionNoCountryHas_StopsTheStartWithTheSetting()
    {
        var failed = await Should.ThrowAsync<Exception>(() => PortalFactory.StartAsync(TestDatabase.Sqlite, _time, new Dictionary<string, string> { ["Mfa:PhoneRegion"] = "UK" }));

        failed.Messages().ShouldContain(m => m.Contains("Mfa:PhoneRegion must be a two-letter country code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnOfficePhone_CannotTakeATextMessage()
    {
        var refused = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Office, "+44 20 7946 0018 x123", CodeDelivery.TextMessage, Cancel));

        refused.Error!.ShouldContain("cannot receive text messages");
        _gateway.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task ALandlineGivenAsAMobile_GetsItsCodeByCallOnly()
    {
        var refused = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 20 7946 0018", CodeDelivery.TextMessage, Cancel));

        refused.Succeeded.ShouldBeFalse();
        refused.Error.ShouldBe("+44 20 7946 0018 is a landline, which cannot receive text messages: choose a phone call for the code, or enter a mobile number.");
        _gateway.Sent.ShouldBeEmpty();

        var called = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 20 7946 0018", CodeDelivery.VoiceCall, Cancel));

        called.Succeeded.ShouldBeTrue(called.Error);
        _gateway.Sent.ShouldHaveSingleItem().To.ShouldBe("+442079460018");
    }

    [Fact]
    public async Task CodesPerUserPerHour_AreLimited_AndFreeAgainAnHourLater()
    {
        for (var i = 0; i < 5; i++)
        {
            (await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, $"+44 7400 90012{i}", CodeDelivery.TextMessage, Cancel))).Succeeded.ShouldBeTrue();
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        var refused = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900129", CodeDelivery.TextMessage, Cancel));
        refused.Error!.ShouldContain("Too many codes");
        _gateway.Sent.Count.ShouldBe(5);

        _time.Advance(TimeSpan.FromHours(1));
        (await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900129", CodeDelivery.TextMessage, Cancel))).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task CodesPerNumber_AreLimitedWhoeverAsks_WithoutSayingWhoElseUsesIt()
    {
        var sam = await _portal.CreateUserAsync(Data.Roles.User);
        for (var i = 0; i < 3; i++)
        {
            (await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel))).Succeeded.ShouldBeTrue();
        }

        var refused = await AsAlex(s => s.SendCodeAsync(sam.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));

        refused.Succeeded.ShouldBeFalse();
        refused.Error!.ShouldContain("Too many codes");
        refused.Error!.ShouldNotContain(_alex.Email);
    }

    [Fact]
    public async Task AGatewayThatFails_IsToldPlainly_AndTheCodeDoesNotCount()
    {
        _gateway.Status = 500;

        var failed = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, "+44 7400 900123", CodeDelivery.TextMessage, Cancel));

        failed.Error!.ShouldContain("could not be sent");
        (await WithDbAsync(db => db.PhoneVerifications.CountAsync(Cancel))).ShouldBe(0);
    }

    [Fact]
    public async Task RemovingANumber_RemovesItFromTheProvider_AndIsAudited()
    {
        await AddMobileAsync("+44 7400 900123");

        var removed = await AsAlex(s => s.RemoveAsync(_alex.Id, Now, PhoneKind.Mobile, Cancel));

        removed.Succeeded.ShouldBeTrue(removed.Error);
        (await PhonesAsync()).ShouldBeEmpty();
        (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "mfa.phone-removed", Cancel))).ShouldBe(1);
    }

    [Fact]
    public async Task TextMessagesAsPreferredMethod_NeedAMobile()
    {
        (await AsAlex(s => s.SetPreferredAsync(_alex.Id, Now, MfaMethod.TextMessage, Cancel))).Error!.ShouldContain("add a mobile number first");

        await AddMobileAsync("+44 7400 900123");
        (await AsAlex(s => s.SetPreferredAsync(_alex.Id, Now, MfaMethod.TextMessage, Cancel))).Succeeded.ShouldBeTrue();
        (await WithDbAsync(db => db.Users.Where(u => u.Id == _alex.Id).Select(u => u.PreferredMfaMethod).SingleAsync(Cancel))).ShouldBe(MfaMethod.TextMessage);
    }

    [Fact]
    public async Task SigningIn_StampsItsTime_SoTheMethodsPageAsksForASignInAfterFiveMinutes()
    {
        using var browser = await _portal.SignInAsync(_alex);

        var fresh = await (await browser.GetAsync(SignInMethods.PagePath)).Content.ReadAsStringAsync(Cancel);
        fresh.ShouldContain("My sign-in methods");
        fresh.ShouldNotContain("id=\"reauthenticate\"");

        _time.Advance(TimeSpan.FromMinutes(6));
        var later = await (await browser.GetAsync(SignInMethods.PagePath)).Content.ReadAsStringAsync(Cancel);
        later.ShouldContain("id=\"reauthenticate\"");
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private async Task AddMobileAsync(string number)
    {
        var sent = await AsAlex(s => s.SendCodeAsync(_alex.Id, Now, PhoneKind.Mobile, number, CodeDelivery.TextMessage, Cancel));
        var e164 = Domain.Phones.PhoneNumber.Parse(number).Number!.E164;
        (await AsAlex(s => s.ConfirmAsync(_alex.Id, Now, sent.Value!.VerificationId, _gateway.LastCodeTo(e164), Cancel))).Succeeded.ShouldBeTrue();
    }

    private Task<T> AsAlex<T>(Func<SignInMethods, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<SignInMethods>()), new AuditActor(AuditActorKind.User, _alex.Id, _alex.Email));

    private Task<List<(PhoneKind, string)>> PhonesAsync() =>
        WithDbAsync(async db => (await db.MfaPhoneMethods.Where(m => m.UserId == _alex.Id).OrderBy(m => m.Kind).ToListAsync(Cancel))
            .Select(m => (m.Kind, m.PhoneNumber)).ToList());

    private Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        _portal.InScopeAsync(sp => work(sp.GetRequiredService<PortalDbContext>()));
}
