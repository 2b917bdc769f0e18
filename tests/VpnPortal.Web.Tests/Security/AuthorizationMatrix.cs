namespace VpnPortal.Web.Tests.Security;

/// <summary>
/// THE table of who may use each route of the portal. Every endpoint the portal maps must have a row here:
/// AuthorizationMatrixTests fails for a route without one, so nothing becomes reachable by accident.
/// Adding a page or an API route? Add one line below saying its audience.
/// </summary>
public static class AuthorizationMatrix
{
    public const string OidcStart = "/account/sign-in/oidc";

    public static readonly IReadOnlyList<RouteRule> Rules =
    [
        // Account and setup pages: open to everyone, signed in or not.
        Page("/account/sign-in", Audience.Anonymous),
        Page("/account/sign-in-2fa", Audience.Anonymous, redirectsTo: "/account/sign-in", why: "with no password sign-in waiting for its second factor it sends people to the sign-in form"),
        Page("/account/access-denied", Audience.Anonymous, status: 403, why: "the refusal page itself answers 403"),
        Page("/account/sign-in-refused", Audience.Anonymous, status: 403, why: "the organisation sign-in's refusal page itself answers 403"),
        Page("/setup", Audience.Anonymous, status: 410, why: "without a valid one-time token it says the link is gone (SetupLinkTests use real tokens)"),
        Page("/error", Audience.Anonymous),
        Page("/not-found", Audience.Anonymous),

        // Self-service pages: any signed-in person.
        Page("/me", Audience.SelfService),
        Page("/me/api-keys", Audience.SelfService),
        Page("/me/sign-in-methods", Audience.SelfService),
        Page("/me/notifications", Audience.SelfService),
        Page("/account/two-factor", Audience.SelfService),

        // The fleet: Admin and OnCall read it, only Admin changes it.
        Page("/", Audience.Operator, deniedRedirect: "/me", why: "the dashboard sends people who have only the User role to their self-service area, before any fleet query"),
        Page("/servers/rras", Audience.Operator),
        Page("/servers/rras/{Id:guid}", Audience.Operator),
        Page("/servers/rras/new", Audience.Admin),
        Page("/servers/nps", Audience.Operator),
        Page("/servers/nps/{Id:guid}", Audience.Operator),
        Page("/servers/nps/new", Audience.Admin),
        Page("/certificates", Audience.Operator),
        Page("/certificates/{Id:guid}", Audience.Operator),
        Page("/sessions", Audience.Operator),
        Page("/sessions/stale", Audience.Operator),
        Endpoint("GET", "/export/sessions.csv", Audience.Operator),
        Endpoint("GET", "/export/servers.csv", Audience.Operator),
        Page("/operations/{Id:guid}", Audience.Operator),
        Page("/rotations", Audience.Operator),
        Page("/rotations/new", Audience.Admin),
        Page("/rotations/{Id:guid}", Audience.Operator),
        Page("/untrusted-certificates", Audience.Operator),
        Page("/diagnostics", Audience.Operator),
        Page("/on-call", Audience.Operator),
        Page("/alerts", Audience.Operator),
        Page("/alerts/{Id:guid}", Audience.Operator),
        Page("/alerts/silences", Audience.Operator),

        // Administration: Admin only.
        Page("/users", Audience.Admin),
        Page("/users/new", Audience.Admin),
        Page("/users/{Id:guid}", Audience.Admin),
        Page("/audit", Audience.Admin),
        Page("/settings/notifications", Audience.Admin),
        Page("/agents", Audience.Admin),
        Page("/diagnostics/settings", Audience.Admin),

        // The automation API: API keys (Authorization: Bearer), never the sign-in cookie.
        Api("GET", "/api/v1/servers", Audience.Operator),
        Api("GET", "/api/v1/certificates", Audience.Operator),
        Api("GET", "/api/v1/sessions", Audience.Operator),
        Api("GET", "/api/v1/users", Audience.Admin),
        Api("GET", "/api/v1/audit", Audience.Admin),
        Api("POST", "/api/v1/enrollment-tokens", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (EnrollmentTokensApiTests mint real tokens)"),
        Api("POST", "/api/v1/disconnects", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (DisconnectEverywhereTests disconnect for real)"),
        Api("POST", "/api/v1/disconnects/{id:guid}/end-enforcement", Audience.Admin, status: 404, why: "the probe ends the window of an operation that does not exist"),
        Api("GET", "/api/v1/operations/{id:guid}", Audience.Operator, status: 404, why: "the probe asks for an operation that does not exist"),
        Api("GET", "/api/v1/sessions/stale", Audience.Operator),
        Api("POST", "/api/v1/rotations", Audience.Admin, status: 400, why: "the probe posts an empty form, not a PFX (SstpRotationTests roll out for real)"),
        Api("GET", "/api/v1/rotations", Audience.Operator),
        Api("GET", "/api/v1/findings", Audience.Operator),
        Api("POST", "/api/v1/findings/{id:guid}/acknowledge", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (AcknowledgeAndSuppressTests acknowledge for real)"),
        Api("POST", "/api/v1/findings/{id:guid}/unacknowledge", Audience.Admin, status: 404, why: "the probe names a finding that does not exist"),
        Api("GET", "/api/v1/suppressions", Audience.Operator),
        Api("POST", "/api/v1/suppressions", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (AcknowledgeAndSuppressTests suppress for real)"),
        Api("POST", "/api/v1/suppressions/{id:guid}/lift", Audience.Admin, status: 404, why: "the probe lifts a suppression that does not exist"),
        Api("GET", "/api/v1/diagnostics/settings", Audience.Admin),
        Api("POST", "/api/v1/diagnostics/settings", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (DiagnosticsSettingsTests save for real)"),
        Api("GET", "/api/v1/rotations/{id:guid}", Audience.Operator, status: 404, why: "the probe asks for a rollout that does not exist"),
        Api("POST", "/api/v1/rotations/{id:guid}/servers/{serverId:guid}/retry", Audience.Admin, status: 404, why: "the probe names a rollout that does not exist"),
        Api("POST", "/api/v1/rotations/{id:guid}/servers/{serverId:guid}/skip", Audience.Admin, status: 404, why: "the probe names a rollout that does not exist"),
        Api("POST", "/api/v1/rotations/{id:guid}/abandon", Audience.Admin, status: 404, why: "the probe names a rollout that does not exist"),
        Api("POST", "/api/v1/rotations/{id:guid}/pfx", Audience.Admin, status: 400, why: "the probe posts no form, not a PFX (RotationSecretsTests upload one for real)"),
        Api("POST", "/api/v1/sessions/cleanup", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (StaleSessionTests end sessions for real)"),
        Api("GET", "/api/v1/untrusted-certificates", Audience.Operator),
        Api("POST", "/api/v1/untrusted-certificates", Audience.Admin, status: 400, why: "the probe posts a form, not the JSON request (UntrustedCertificates tests untrust for real)"),
        Api("DELETE", "/api/v1/untrusted-certificates/{thumbprint}", Audience.Admin, status: 404, samplePath: "/api/v1/untrusted-certificates/3F2A9C1E5B7D4F6A8C0E2B4D6F8A1C3E5B7D9F0A",
            why: "the probe names a certificate that is not in the untrusted set"),
        Api("POST", "/api/v1/untrusted-certificates/{thumbprint}/adopt", Audience.Admin, status: 400, samplePath: "/api/v1/untrusted-certificates/3F2A9C1E5B7D4F6A8C0E2B4D6F8A1C3E5B7D9F0A/adopt",
            why: "the probe posts a form, not the JSON request (HeldCertificatesTests adopt for real)"),
        Api("POST", "/api/v1/untrusted-certificates/{thumbprint}/remove-from-server", Audience.Admin, status: 400, samplePath: "/api/v1/untrusted-certificates/3F2A9C1E5B7D4F6A8C0E2B4D6F8A1C3E5B7D9F0A/remove-from-server",
            why: "the probe posts a form, not the JSON request (HeldCertificatesTests remove for real)"),
        Api("GET", "/api/v1/on-call", Audience.Operator),
        Api("POST", "/api/v1/on-call/overrides", Audience.Operator, status: 400, why: "the probe posts a form, not the JSON request (OnCallTests add cover for real)"),
        Api("DELETE", "/api/v1/on-call/overrides/{id:guid}", Audience.Operator, status: 404, why: "the probe removes cover that does not exist"),
        Api("GET", "/api/v1/alerts", Audience.Operator),
        Api("GET", "/api/v1/alerts/{id:guid}", Audience.Operator, status: 404, why: "the probe asks for an alert that does not exist"),
        Api("POST", "/api/v1/alerts/{id:guid}/acknowledge", Audience.Operator, status: 400, why: "the probe posts a form, not the JSON request (AlertsApiTests acknowledge for real)"),
        Api("GET", "/openapi/{documentName}.json", Audience.SelfService),

        // The agent channel: enrolled agents' credentials only, never a person's cookie or API key (AgentApi tests).
        Endpoint("POST", "/api/agent/v1/enroll", Audience.Anonymous, status: 400, why: "open to agents holding a one-time token; the probe posts a form, not JSON"),
        Agent("POST", "/api/agent/v1/snapshots"),
        Agent("GET", "/api/agent/v1/commands"),
        Agent("POST", "/api/agent/v1/commands/{id:guid}/result"),

        // Endpoints that are not pages.
        Endpoint("GET", "/export/audit.csv", Audience.Admin),
        Endpoint("GET", "/export/certificates.csv", Audience.Operator),
        Endpoint("GET", "/export/findings.csv", Audience.Operator),
        Endpoint("POST", "/account/sign-out", Audience.Anonymous, status: 400,
            why: "open to all so a half-expired session can still sign out; this probe sends no antiforgery token, so every caller gets 400 (AntiforgeryTests sign out for real)"),
        Endpoint("*", "/healthz", Audience.Anonymous, why: "the load balancer's probe"),
        Endpoint("*", "/metrics", Audience.Anonymous, status: 403,
            why: "no account but not open: served to loopback and Metrics:AllowedNetworks only, and this probe has no client address (MetricsAccessTests)"),
        Endpoint("POST", "/account/reauthenticate", Audience.SelfService, status: 400,
            why: "signed-in people only; this probe sends no antiforgery token, so those let in get 400 (SignInMethodsTests signs in again for real)"),
        Endpoint("GET", OidcStart, Audience.Anonymous, status: 404,
            why: "organisation sign-in is off in this portal (OidcAuthorizationMatrixTests and OidcSignInTests switch it on)"),

        // Blazor's own endpoints. The circuit carries every interactive page; each page still authorises itself
        // (AuthorizeRouteView), so the circuit is for any signed-in person. Left to the fallback policy it would be
        // Admin-only and OnCall and User pages would never become interactive.
        Endpoint("*", "/_blazor/negotiate", Audience.SelfService, probe: "POST", samplePath: "/_blazor/negotiate?negotiateVersion=1"),
        Endpoint("*", "/_blazor", Audience.SelfService, status: 400, why: "a GET without the connection id from negotiate is refused by SignalR after authorisation"),
        Endpoint("*", "/_blazor/initializers/", Audience.SelfService),
        Endpoint("*", "/_blazor/disconnect/", Audience.SelfService, probe: "POST", status: 400, why: "a disconnect without a circuit id is refused after authorisation"),
        Endpoint("GET", "/_framework/opaque-redirect", Audience.Anonymous, status: 400,
            why: "follows only URLs the portal encrypted itself (after an enhanced form post, e.g. signing in); without one it answers 400"),
    ];

    private static RouteRule Page(string pattern, Audience audience, int status = 200, string? redirectsTo = null, string? deniedRedirect = null, string? why = null) =>
        new(RouteRule.PageKey(pattern), pattern, RouteKind.Page, audience, "GET", null, redirectsTo is null ? status : 302, redirectsTo, why) { DeniedRedirect = deniedRedirect };

    private static RouteRule Api(string method, string pattern, Audience audience, int status = 200, string? why = null, string? samplePath = null) =>
        new($"{method} {pattern}", pattern, RouteKind.Api, audience, method, samplePath, status, null, why);

    private static RouteRule Agent(string method, string pattern) =>
        new($"{method} {pattern}", pattern, RouteKind.Agent, Audience.Agent, method, null, 200, null, "only an agent credential is accepted");

    private static RouteRule Endpoint(string methods, string pattern, Audience audience, string? probe = null, string? samplePath = null, int status = 200, string? why = null) =>
        new($"{methods} {pattern}", pattern, RouteKind.CookieEndpoint, audience, probe ?? (methods == "*" ? "GET" : methods), samplePath, status, null, why);
}

/// <summary>Who may use a route, from the most open to the most closed.</summary>
public enum Audience
{
    /// <summary>Everyone, signed in or not.</summary>
    Anonymous = 0,

    /// <summary>Any signed-in person (role User or more).</summary>
    SelfService = 1,

    /// <summary>OnCall or Admin.</summary>
    Operator = 2,

    Admin = 3,

    /// <summary>Enrolled agents only: no person, whatever their role.</summary>
    Agent = 4,
}

/// <summary>How callers of a route prove who they are, and so what a refusal looks like.</summary>
public enum RouteKind
{
    /// <summary>A page: sign-in cookie; refusals redirect to the sign-in or access-denied page.</summary>
    Page,

    /// <summary>A non-page endpoint the browser calls with the sign-in cookie; refusals redirect or answer 401/403.</summary>
    CookieEndpoint,

    /// <summary>The automation API: API keys; refusals are 401 (who are you?) and 403 (not allowed).</summary>
    Api,

    /// <summary>The agent channel: agent credentials; anything else is 401 (the agent must enroll).</summary>
    Agent,
}

/// <summary>
/// One row of the matrix. <see cref="AllowedStatus"/> (or <see cref="AllowedRedirect"/>) is what an allowed caller
/// gets from the probe request; <see cref="Why"/> explains anything other than 200.
/// </summary>
public sealed record RouteRule(
    string Key,
    string Pattern,
    RouteKind Kind,
    Audience Audience,
    string ProbeMethod,
    string? SamplePath,
    int AllowedStatus,
    string? AllowedRedirect,
    string? Why)
{
    /// <summary>Pages answer GET (the page) and POST (its forms) on one endpoint: the row is per page.</summary>
    public static string PageKey(string pattern) => $"PAGE {pattern}";

    /// <summary>Where a signed-in caller below the audience is sent instead of the access-denied page, if anywhere.</summary>
    public string? DeniedRedirect { get; init; }

    public override string ToString() => Key;
}
