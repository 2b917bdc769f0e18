using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Phones;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>The portal's own store, for setups where the MFA service reads the numbers from the portal.</summary>
public sealed class PortalMfaMethodProvider(PortalDbContext db, TimeProvider time) : IMfaMethodProvider
{
    public string DisplayName => "VpnPortal";

    public async Task<MfaMethodSet> GetAsync(MfaUser user, CancellationToken cancellationToken)
    {
        var account = await db.Users.AsNoTracking().Include(u => u.PhoneMethods)
            .SingleOrDefaultAsync(u => u.Id == user.Id, cancellationToken)
            ?? throw NotFound(user);
        var phones = account.PhoneMethods
            .OrderBy(p => p.Kind)
            .Select(p => new MfaPhone(p.Kind, PhoneNumber.FromStored(p.PhoneNumber), p.PhoneNumber))
            .ToList();
        return new MfaMethodSet(phones, account.PreferredMfaMethod);
    }

    public async Task SetPhoneAsync(MfaUser user, PhoneKind kind, PhoneNumber number, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(user, cancellationToken);
        var now = time.GetUtcNow();
        var method = account.PhoneMethods.SingleOrDefault(p => p.Kind == kind);
        if (method is null)
        {
            // Added explicitly: reached through the navigation, a row with its key already set would be taken for an existing one.
            method = new MfaPhoneMethod { Id = Guid.NewGuid(), UserId = account.Id, Kind = kind };
            db.MfaPhoneMethods.Add(method);
        }

        // E.164 plus the extension, so an office number keeps it; what Entra stores is the same.
        method.PhoneNumber = number.Stored;
        method.VerifiedAt = now;
        method.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemovePhoneAsync(MfaUser user, PhoneKind kind, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(user, cancellationToken);
        if (account.PhoneMethods.SingleOrDefault(p => p.Kind == kind) is { } method)
        {
            db.Remove(method);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task SetPreferredAsync(MfaUser user, MfaMethod method, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(user, cancellationToken);
        account.PreferredMfaMethod = method;
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<PortalUser> LoadAsync(MfaUser user, CancellationToken cancellationToken) =>
        await db.Users.Include(u => u.PhoneMethods).SingleOrDefaultAsync(u => u.Id == user.Id, cancellationToken)
        ?? throw NotFound(user);

    private static MfaProviderException NotFound(MfaUser user) =>
        new("Your account was not found.", $"No portal user {user.Id} ({user.DirectoryName}).", transient: false);
}
