using VpnPortal.Domain.Accounts;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>Why an organisation sign-in was refused: the codes the audit log and the refusal page use, and what people are told.</summary>
public static class OidcFailures
{
    public const string PagePathBase = "/account/sign-in-refused";

    public const string BadState = "bad-state";
    public const string ProviderError = "provider-error";
    public const string ProviderUnavailable = "provider-unavailable";
    public const string NoIdToken = "no-id-token";
    public const string BadToken = "bad-token";
    public const string NoRole = ExternalRoleMapping.NoRoleReason;
    public const string GroupsOverage = ExternalRoleMapping.GroupsOverageReason;
    public const string Disabled = "disabled";
    public const string AccountExists = "account-exists";
    public const string LinkedElsewhere = "linked-elsewhere";
    public const string BreakGlass = "break-glass";
    public const string NoEmail = "no-email";
    public const string NotCreated = "not-created";

    public static string PagePath(string reason) => $"{PagePathBase}?reason={Uri.EscapeDataString(reason)}";

    /// <summary>What the refusal page says; details stay in the audit log.</summary>
    public static string Message(string? reason, string provider) => reason switch
    {
        NoRole => $"Your {provider} account has no VpnPortal role. Ask your administrator to give you one of the portal's app roles or groups.",
        GroupsOverage => $"Your {provider} account is in too many groups for the sign-in token to list them. Ask your administrator to give you a VpnPortal app role instead.",
        Disabled => "Your VpnPortal account is disabled. Ask an admin.",
        AccountExists => $"A local VpnPortal account already uses your e-mail address, and linking it to {provider} is not switched on. Ask an admin.",
        LinkedElsewhere => $"Your VpnPortal account is already linked to another {provider} account. Ask an admin.",
        BreakGlass => "This is an emergency (break-glass) admin account: sign in with its password instead.",
        NoEmail => $"Your {provider} account has no e-mail address or user principal name the portal can use. Ask your administrator.",
        ProviderUnavailable => $"{provider} could not be reached. Try again in a moment.",
        ProviderError => $"{provider} did not complete the sign-in. Try again.",
        BadState => "This sign-in was not started here or has expired. Start again from the sign-in page.",
        BadToken or NoIdToken => $"The answer from {provider} could not be verified, so you were not signed in. Try again; if it keeps happening, tell an admin.",
        _ => "You were not signed in. Try again, or ask an admin.",
    };
}
