using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Appearance;

/// <summary>Stores a person's theme (audited as a display-preference change, like every change).</summary>
public sealed class SaveDisplayPreference(PortalDbContext db)
{
    public async Task<CommandResult> RunAsync(Guid userId, ThemeChoice theme, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(theme))
        {
            return CommandResult.Invalid("Theme", "Choose light, dark or the system's setting.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            return CommandResult.NotFound("Your account no longer exists.");
        }

        var row = await db.DisplayPreferences.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (row is null)
        {
            row = new DisplayPreference { UserId = userId };
            db.DisplayPreferences.Add(row);
        }
        else if (row.Theme == theme)
        {
            return CommandResult.Ok(userId, row.Version);
        }

        row.Theme = theme;
        return await CommandResult.SaveAsync(db, () => CommandResult.Ok(userId, row.Version), ct);
    }
}
