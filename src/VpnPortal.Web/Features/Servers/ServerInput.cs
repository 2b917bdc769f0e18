using VpnPortal.Data.Configurations;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// What every server form has, whatever the server's role: host name, DNS name, site, notes and the version
/// the admin started from. The role's own fields and rules live in the derived input.
/// </summary>
public abstract class ServerInput
{
    public string? Name { get; set; }
    public string? HostFqdn { get; set; }
    public string? Site { get; set; }
    public string? Notes { get; set; }

    /// <summary>The version the admin started editing from; empty for a new server.</summary>
    public Guid Version { get; set; }

    /// <summary>Field errors keyed by property name; empty when the input is acceptable.</summary>
    public Dictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        Add(errors, nameof(Name), HostNames.ValidateHostName(Name));
        if (!string.IsNullOrWhiteSpace(HostFqdn))
        {
            Add(errors, nameof(HostFqdn), HostNames.ValidateFqdn(HostFqdn, "The server's DNS name"));
        }

        ValidateRoleFields(errors);
        Add(errors, nameof(Site), TextField(Site, FieldLimits.Name, "The site"));
        Add(errors, nameof(Notes), TextField(Notes, FieldLimits.Notes, "The notes", allowNewLines: true));
        return errors;
    }

    /// <summary>Copies the fields every server has onto the entity, normalised.</summary>
    public void ApplyCommonTo(Data.Entities.ManagedServer server)
    {
        server.Name = Name!.Trim();
        server.HostFqdn = string.IsNullOrWhiteSpace(HostFqdn) ? null : HostNames.Normalize(HostFqdn);
        server.Site = string.IsNullOrWhiteSpace(Site) ? null : Site.Trim();
        server.Notes = string.IsNullOrWhiteSpace(Notes) ? null : Notes.Trim();
    }

    /// <summary>Adds the errors of the fields only this role has.</summary>
    protected abstract void ValidateRoleFields(Dictionary<string, string> errors);

    protected static void Add(Dictionary<string, string> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors[field] = error;
        }
    }

    /// <summary>A free-text field: not too long for its column, no control characters (new lines only where allowed).</summary>
    internal static string? TextField(string? value, int max, string what, bool allowNewLines = false)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > max)
        {
            return $"{what} may have at most {max} characters (it has {value.Length}).";
        }

        return value.Any(c => char.IsControl(c) && !(allowNewLines && c is '\n' or '\r' or '\t'))
            ? $"{what} contains control characters."
            : null;
    }
}
