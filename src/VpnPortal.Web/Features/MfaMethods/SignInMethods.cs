using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Mfa;
using VpnPortal.Domain.Phones;
using VpnPortal.Web.Features.Account;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>A change of sign-in methods made, in words for the person who made it.</summary>
public sealed record MethodChanged(string Message);

/// <summary>A code on its way to a number: the verification it answers, and where it went, in words for the person.</summary>
public sealed record CodeSent(Guid VerificationId, string Message);

/// <summary>
/// A user's own MFA phone methods: a new number is saved only after a code sent to it comes back, every change needs a
/// recent sign-in, and the user is told by e-mail when something changed. The provider is the source of truth.
/// </summary>
public sealed class SignInMethods(
    PortalDbContext db,
    IMfaMethodProvider provider,
    IVerificationCodeSender sender,
    INotificationOutbox outbox,
    IOptions<MfaOptions> options,
    TimeProvider time,
    RecentSignIn recent,
    AttemptLimiter attempts,
    CurrentActor actor,
    ILogger<SignInMethods> logger)
{
    public const string PagePath = "/me/sign-in-methods";

    private MfaOptions Settings => options.Value;

    private VerificationLimits Limits => new(Settings.CodeLifetime, Settings.MaxAttemptsPerCode, Settings.MaxCodesPerUserPerHour, Settings.MaxCodesPerNumberPerHour);

    public string ProviderName => provider.DisplayName;

    public TimeSpan ReauthenticateWithin => recent.Within;

    /// <summary>The country a number typed without + is read in (Mfa:PhoneRegion), if any.</summary>
    public string? PhoneRegion => Settings.PhoneRegion;

    public Task<bool> ReRegistrationRequiredAsync(Guid userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.MfaReRegistrationRequired).SingleAsync(ct);

    /// <summary>Whether a sign-in at <paramref name="signedInAt"/> is recent enough to change methods.</summary>
    public bool IsRecent(DateTimeOffset? signedInAt) => recent.IsRecent(signedInAt);

    public async Task<MfaMethodSet> GetAsync(Guid userId, CancellationToken ct) =>
        await ReadAsync(await UserAsync(userId, ct), ct);

    /// <summary>Checks the number and sends a code to it; nothing is saved to the provider yet.</summary>
    public async Task<CommandResult<CodeSent>> SendCodeAsync(Guid userId, DateTimeOffset? signedInAt, PhoneKind kind, string? input, CodeDelivery delivery, CancellationToken ct)
    {
        if (!IsRecent(signedInAt))
        {
            return Refused<CodeSent>(ReauthenticateMessage);
        }

        if (TooManyAttempts(userId) is { } limited)
        {
            return Refused<CodeSent>(limited);
        }

        var parsed = PhoneNumber.Parse(input, allowExtension: kind == PhoneKind.Office, region: Settings.PhoneRegion);
        if (parsed.Number is not { } number)
        {
            return CommandResult<CodeSent>.Invalid("Number", parsed.Problem!.Message);
        }

        if (kind == PhoneKind.Office && delivery == CodeDelivery.TextMessage)
        {
            return CommandResult<CodeSent>.Invalid("Delivery", "An office phone cannot receive text messages: choose a phone call for the code.");
        }

        if (delivery == CodeDelivery.TextMessage && number.TextMessageProblem is { } noText)
        {
            return CommandResult<CodeSent>.Invalid("Delivery", noText.Message);
        }

        var user = await UserAsync(userId, ct);
        var current = await ReadAsync(user, ct);
        if (current.Phone(kind)?.Number == number)
        {
            return CommandResult<CodeSent>.Invalid("Number", $"That is already your {Describe(kind)} number.");
        }

        var code = VerificationCodes.NewCode();
        PhoneVerification verification;
        try
        {
            var recorded = await db.RetryLostRacesAsync(() => RecordSendAsync(userId, kind, number.Stored, delivery, code, ct), logger, "Recording a verification code", ct);
            if (recorded.Refusal is { } refusal)
            {
                return refusal;
            }

            verification = recorded.Verification!;
        }
        catch (Exception e) when (LostRaces.IsLostRace(e))
        {
            return CommandResult<CodeSent>.Conflict("Several codes were asked for at the same moment. Wait a moment, then ask again.");
        }

        try
        {
            await sender.SendAsync(number, code, delivery, ct);
        }
        catch (CodeDeliveryException e)
        {
            // A code that never left does not count against the limits.
            logger.LogWarning("Verification code for user {UserId} to {Phone} not sent: {Detail}", userId, number.Masked, e.Detail);
            db.PhoneVerifications.Remove(verification);
            await db.SaveChangesAsync(CancellationToken.None);
            return Refused<CodeSent>(e.Message);
        }

        var how = delivery == CodeDelivery.VoiceCall ? "We are calling" : "We sent a text message to";
        return CommandResult<CodeSent>.Ok(
            new CodeSent(verification.Id, $"{how} {number.Masked} with a {VerificationCodes.Digits}-digit code. Enter it below within {Settings.CodeLifetime.TotalMinutes:0} minutes."),
            verification.Id);
    }

    /// <summary>Checks the code; when it is right, saves the number with the provider and tells the user by e-mail.</summary>
    public async Task<CommandResult<MethodChanged>> ConfirmAsync(Guid userId, DateTimeOffset? signedInAt, Guid verificationId, string? code, CancellationToken ct)
    {
        if (!IsRecent(signedInAt))
        {
            return Refused<MethodChanged>(ReauthenticateMessage);
        }

        if (TooManyAttempts(userId) is { } limited)
        {
            return Refused<MethodChanged>(limited);
        }

        var verification = await db.PhoneVerifications.SingleOrDefaultAsync(v => v.Id == verificationId && v.UserId == userId, ct);
        if (verification is null)
        {
            return CommandResult<MethodChanged>.NotFound("This code request is not valid any more. Ask for a new code.");
        }

        var now = time.GetUtcNow();
        var check = VerificationCodes.Check(
            new VerificationChallengeState(verification.Salt, verification.CodeHash, verification.SentAt, verification.ExpiresAt, verification.FailedAttempts, verification.ConfirmedAt),
            code, now, Limits);
        if (check.CountsAsAttempt)
        {
            verification.FailedAttempts++;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Two tries at once: only one counts, and neither gets through unchecked.
                return CommandResult<MethodChanged>.Conflict("The code was checked twice at the same moment. Enter it again.");
            }
        }

        if (!check.IsConfirmed)
        {
            return CommandResult<MethodChanged>.Invalid("Code", check.Message);
        }

        var number = PhoneNumber.FromStored(verification.PhoneNumber)
            ?? throw new InvalidOperationException($"Verification {verification.Id} holds a number that no longer reads as one.");
        var user = await UserAsync(userId, ct);

        // The code is taken before the provider is asked, so the same code confirmed twice at once (a double click, two
        // tabs) makes one change: the other finds it taken, through the concurrency token, and asks the provider nothing.
        verification.ConfirmedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CommandResult<MethodChanged>.Conflict("This code is being used already. Reload the page to see your numbers.");
        }

        MfaPhone? before;
        try
        {
            before = (await ReadAsync(user, ct)).Phone(verification.Kind);
            await provider.SetPhoneAsync(user, verification.Kind, number, ct);
        }
        catch (MfaProviderException e)
        {
            // Given back: the code stays good until it expires, so "try again" needs no new code.
            verification.ConfirmedAt = null;
            return await ProviderFailedAsync<MethodChanged>(userId, $"Saving the {Describe(verification.Kind)} number {number.Masked}", e, number, ct);
        }

        var account = await db.Users.SingleAsync(u => u.Id == userId, ct);
        account.MfaReRegistrationRequired = false;
        var verb = before is null ? "added" : "changed";
        db.Audit($"mfa.phone-{verb}", $"{Capitalise(Describe(verification.Kind))} number {verb} ({number.Masked}) after a verified code, in {provider.DisplayName}",
            "user", userId.ToString(),
            before: before is null ? null : new { Kind = verification.Kind.ToString(), Number = before.Masked },
            after: new { Kind = verification.Kind.ToString(), Number = number.Masked });
        await TellUserAsync(account, $"Your {Describe(verification.Kind)} number for sign-in was {verb}",
            $"The {Describe(verification.Kind)} number used to confirm your sign-ins was {verb} to {number.Masked} on {now:d MMM yyyy HH:mm} UTC.", ct);
        await db.SaveChangesAsync(ct);
        return Changed($"Your {Describe(verification.Kind)} number is saved in {provider.DisplayName}.");
    }

    public async Task<CommandResult<MethodChanged>> RemoveAsync(Guid userId, DateTimeOffset? signedInAt, PhoneKind kind, CancellationToken ct)
    {
        if (!IsRecent(signedInAt))
        {
            return Refused<MethodChanged>(ReauthenticateMessage);
        }

        var user = await UserAsync(userId, ct);
        var before = (await ReadAsync(user, ct)).Phone(kind);
        if (before is null)
        {
            return CommandResult<MethodChanged>.NotFound($"You have no {Describe(kind)} number.");
        }

        try
        {
            await provider.RemovePhoneAsync(user, kind, ct);
        }
        catch (MfaProviderException e)
        {
            return await ProviderFailedAsync<MethodChanged>(userId, $"Removing the {Describe(kind)} number {before.Masked}", e, before.Number, ct);
        }

        var account = await db.Users.SingleAsync(u => u.Id == userId, ct);
        db.Audit("mfa.phone-removed", $"{Capitalise(Describe(kind))} number {before.Masked} removed by its owner, in {provider.DisplayName}",
            "user", userId.ToString(), before: new { Kind = kind.ToString(), Number = before.Masked });
        await TellUserAsync(account, $"Your {Describe(kind)} number for sign-in was removed",
            $"The {Describe(kind)} number {before.Masked} was removed from your sign-in methods on {time.GetUtcNow():d MMM yyyy HH:mm} UTC.", ct);
        await db.SaveChangesAsync(ct);
        return Changed($"Your {Describe(kind)} number is removed.");
    }

    public async Task<CommandResult<MethodChanged>> SetPreferredAsync(Guid userId, DateTimeOffset? signedInAt, MfaMethod method, CancellationToken ct)
    {
        if (!IsRecent(signedInAt))
        {
            return Refused<MethodChanged>(ReauthenticateMessage);
        }

        var user = await UserAsync(userId, ct);
        var current = await ReadAsync(user, ct);
        if (method == MfaMethod.TextMessage && current.Phone(PhoneKind.Mobile) is null)
        {
            return CommandResult<MethodChanged>.Invalid("Method", "Text messages go to your mobile number: add a mobile number first.");
        }

        if (method == MfaMethod.PhoneCall && current.Phones.Count == 0)
        {
            return CommandResult<MethodChanged>.Invalid("Method", "Add a phone number first.");
        }

        if (current.Preferred == method)
        {
            return Changed("That is already your preferred method.");
        }

        try
        {
            await provider.SetPreferredAsync(user, method, ct);
        }
        catch (MfaProviderException e)
        {
            return await ProviderFailedAsync<MethodChanged>(userId, $"Setting the preferred method to {Describe(method)}", e, null, ct);
        }

        var account = await db.Users.SingleAsync(u => u.Id == userId, ct);
        db.Audit("mfa.preferred-changed", $"Preferred sign-in method set to {Describe(method)} by its owner, in {provider.DisplayName}",
            "user", userId.ToString(), before: new { Method = current.Preferred?.ToString() }, after: new { Method = method.ToString() });
        await TellUserAsync(account, "Your preferred sign-in method was changed",
            $"Your sign-ins are now confirmed by {Describe(method)} by default (changed on {time.GetUtcNow():d MMM yyyy HH:mm} UTC).", ct);
        await db.SaveChangesAsync(ct);
        return Changed($"Sign-ins are now confirmed by {Describe(method)}.");
    }

    public static string Describe(PhoneKind kind) => kind switch
    {
        PhoneKind.Mobile => "mobile",
        PhoneKind.AlternateMobile => "alternate mobile",
        PhoneKind.Office => "office phone",
        _ => kind.ToString(),
    };

    public static string Describe(MfaMethod method) => method switch
    {
        MfaMethod.PhoneCall => "phone call",
        MfaMethod.TextMessage => "text message",
        MfaMethod.AppNotification => "app notification",
        _ => method.ToString(),
    };

    private async Task<MfaMethodSet> ReadAsync(MfaUser user, CancellationToken ct)
    {
        try
        {
            return await provider.GetAsync(user, ct);
        }
        catch (MfaProviderException e)
        {
            // The page shows the plain message; what the provider answered is for admins, in the log.
            logger.LogWarning("Reading the sign-in methods of user {UserId} from {Provider} failed: {Detail}", user.Id, provider.DisplayName, e.Detail);
            throw;
        }
    }

    /// <summary>
    /// A change the provider refused or failed: the user gets the plain message, admins the provider's answer in the audit
    /// log (its own record, since nothing else is saved), with the number masked should the provider have quoted it.
    /// </summary>
    private async Task<CommandResult<T>> ProviderFailedAsync<T>(Guid userId, string doing, MfaProviderException e, PhoneNumber? number, CancellationToken ct)
    {
        await RecordProviderFailureAsync(db, provider, logger, userId, doing, e, number, ct);
        return CommandResult<T>.Conflict(e.Message);
    }

    /// <summary>A change made (or nothing to change), in words for the person.</summary>
    internal static CommandResult<MethodChanged> Changed(string message) => CommandResult<MethodChanged>.Ok(new MethodChanged(message));

    /// <summary>A step refused as a whole, in words for the person: an old sign-in, too many attempts, a code that was not sent.</summary>
    private static CommandResult<T> Refused<T>(string message) => CommandResult<T>.Invalid("", message);

    /// <summary>
    /// Logs and audits (in its own save, since nothing else is saved) a change the provider refused or failed, with its
    /// answer and the number masked should the provider have quoted it; returns that masked answer.
    /// </summary>
    internal static async Task<string> RecordProviderFailureAsync(
        PortalDbContext db, IMfaMethodProvider provider, ILogger logger, Guid userId, string doing, MfaProviderException e, PhoneNumber? number, CancellationToken ct)
    {
        var detail = number is null ? e.Detail : e.Detail.Replace(number.NationalNumber, number.Masked[(number.CountryCode.Length + 2)..], StringComparison.Ordinal);
        logger.LogWarning("{Doing} for user {UserId} with {Provider} failed: {Detail}", doing, userId, provider.DisplayName, detail);
        db.Audit("mfa.provider-failed", $"{doing} failed in {provider.DisplayName}: {detail}", "user", userId.ToString(),
            after: new { Detail = detail, e.Transient });
        await db.SaveChangesAsync(ct);
        return detail;
    }

    private const string ReauthenticateMessage = "For your safety, sign in again before changing your sign-in methods.";

    /// <summary>
    /// The per-user and per-number limits, checked and recorded in one serializable transaction: parallel requests
    /// cannot all pass a check that none of them has recorded yet. SQLite lets one writer in at a time; PostgreSQL fails
    /// all but one of the racers, which run again (<see cref="LostRaces"/>) and find the codes the winner recorded.
    /// </summary>
    private async Task<(PhoneVerification? Verification, CommandResult<CodeSent>? Refusal)> RecordSendAsync(
        Guid userId, PhoneKind kind, string stored, CodeDelivery delivery, string code, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var now = time.GetUtcNow();
        var since = now - VerificationCodes.RateWindow;
        var sentToUser = await db.PhoneVerifications.Where(v => v.UserId == userId && v.SentAt > since).Select(v => v.SentAt).ToListAsync(ct);
        var sentToNumber = await db.PhoneVerifications.Where(v => v.PhoneNumber == stored && v.SentAt > since).Select(v => v.SentAt).ToListAsync(ct);
        var decision = VerificationCodes.MaySend(now, sentToUser, sentToNumber, Limits);
        if (!decision.Allowed)
        {
            var wait = decision.RetryAt!.Value - now;
            return (null, Refused<CodeSent>($"{decision.Message} You can ask again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes."));
        }

        var state = VerificationCodes.Issue(code, now, Limits);
        var verification = new PhoneVerification
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Kind = kind,
            PhoneNumber = stored,
            Delivery = (int)delivery,
            Salt = state.Salt,
            CodeHash = state.CodeHash,
            SentAt = now,
            ExpiresAt = state.ExpiresAt,
        };
        db.PhoneVerifications.Add(verification);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (verification, null);
    }

    /// <summary>Asking for and entering codes, counted per account and per the address the page was opened from.</summary>
    private string? TooManyAttempts(Guid userId) =>
        attempts.TryAttempt(AttemptKind.MfaCodes, ClientAddress.Key(actor.Current.RemoteAddress), userId.ToString()) is { } wait
            ? AttemptLimits.Message(wait)
            : null;

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The e-mail that lets a person notice a change they did not make; it goes with the change's save.</summary>
    private Task TellUserAsync(PortalUser account, string subject, string what, CancellationToken ct) =>
        outbox.EnqueueAsync(db, MfaAccounts.ChangeNotice(account.Id, subject,
            what + " If this was not you, sign in to the portal, check your sign-in methods and contact your helpdesk at once."), ct);

    private async Task<MfaUser> UserAsync(Guid userId, CancellationToken ct) =>
        (await MfaAccounts.FindAsync(db, userId, ct))?.User
        ?? throw new MfaProviderException("Your account was not found.", $"No portal user {userId}.", transient: false);
}
