using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace VpnPortal.Testing;

/// <summary>
/// Microsoft Entra ID's token endpoint and Microsoft Graph's phone authentication methods API on loopback (https, with
/// a certificate of its own), following the documented contract: the client-credentials grant, with the client secret or
/// a client assertion signed with a registered certificate (checked as Entra does); /v1.0/users/{id}/
/// authentication/phoneMethods with the fixed method ids per phone type, "+{cc} {number}" numbers, one phone per type,
/// a mobile before an alternate mobile (and kept while there is one), no change of type, the default method's phone not
/// deleted; /beta/.../signInPreferences; Graph's error bodies; and,
/// on request, failures (429/503 with Retry-After, 400, 403, 500) with Graph's error codes.
/// </summary>
public sealed partial class GraphStandIn : IAsyncDisposable
{
    public const string TenantId = "11111111-2222-3333-4444-555555555555";
    public const string ClientId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string ClientSecret = "stand-in-client-secret";

    private static readonly Dictionary<string, string> MethodIds = new()
    {
        ["mobile"] = "3179e48a-750b-4051-897c-87b9720928f7",
        ["alternateMobile"] = "b6332ec1-7057-4abe-9331-3d72feddfe41",
        ["office"] = "e37fc753-ff3b-4958-9484-eaa9425c82bc",
    };

    private const int Stalled = 0;

    private static readonly HashSet<string> PreferredMethods = ["push", "oath", "voiceMobile", "voiceAlternateMobile", "voiceOffice", "sms"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DirectoryUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, string? Method)> _faults = new();
    private readonly ConcurrentBag<string> _issuedTokens = [];
    private readonly ConcurrentBag<X509Certificate2> _clientCertificates = [];

    private GraphStandIn(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public Uri BaseAddress => new(_app.Urls.Single().Replace("127.0.0.1", "localhost", StringComparison.Ordinal));

    /// <summary>Every request, in order, as (method, path, body, time received).</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int TokenRequests => Requests.Count(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));

    public IEnumerable<RecordedRequest> GraphRequests => Requests.Where(r => !r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));

    /// <summary>Portal settings that make Microsoft Entra ID, through this stand-in, the MFA provider.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Mfa:Provider"] = "Entra",
        ["Mfa:Entra:Instance"] = BaseAddress.ToString(),
        ["Mfa:Entra:TenantId"] = TenantId,
        ["Mfa:Entra:ClientId"] = ClientId,
        ["Mfa:Entra:ClientSecret"] = ClientSecret,
        ["Mfa:Entra:GraphBaseUrl"] = BaseAddress.ToString(),
    };

    public static async Task<GraphStandIn> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new GraphStandIn(app, certificate);
        app.Run(standIn.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return standIn;
    }

    public void AddUser(string userPrincipalName, string? preferred = null, params (string Type, string Number)[] phones)
    {
        var user = new DirectoryUser { Preferred = preferred };
        foreach (var (type, number) in phones)
        {
            user.Phones[type] = number;
        }

        _users[userPrincipalName] = user;
    }

    /// <summary>A change made in Entra itself (by an admin, or by the user on Microsoft's own page), not through the portal.</summary>
    public void SetPhoneDirectly(string userPrincipalName, string type, string? number)
    {
        var user = _users[userPrincipalName];
        lock (user)
        {
            if (number is null)
            {
                user.Phones.Remove(type);
            }
            else
            {
                user.Phones[type] = number;
            }
        }
    }

    /// <summary>Registers a certificate's public key as the app registration's credential, as uploaded in the Entra admin center.</summary>
    public void RegisterClientCertificate(X509Certificate2 certificate) => _clientCertificates.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));

    public IReadOnlyDictionary<string, string> PhonesOf(string userPrincipalName) => new Dictionary<string, string>(_users[userPrincipalName].Phones);

    public string? PreferredOf(string userPrincipalName) => _users[userPrincipalName].Preferred;

    /// <summary>The next <paramref name="count"/> Graph requests (of <paramref name="method"/>, if given) fail with <paramref name="status"/> (and Retry-After, if given).</summary>
    public void FailNext(int count, int status, string? retryAfter = null, string? method = null)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue((status, retryAfter, method));
        }
    }

    /// <summary>The next <paramref name="count"/> Graph requests (of <paramref name="method"/>, if given) get no answer until the client gives up.</summary>
    public void StallNext(int count, string? method = null) => FailNext(count, Stalled, null, method);

    /// <summary>An HTTP handler that trusts this stand-in's certificate (and only it), as the portal's named clients get in tests.</summary>
    public HttpMessageHandler CreateTrustingHandler() => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString() },
    };

    /// <summary>
    /// Writes the stand-in's certificate as PEM to <paramref name="path"/>, for a portal in another process to trust through
    /// SSL_CERT_FILE (OpenSSL's trust file, which .NET reads on Linux).
    /// </summary>
    public void WriteCertificatePem(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem());

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
        foreach (var registered in _clientCertificates)
        {
            registered.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        Requests.Enqueue(new RecordedRequest(context.Request.Method, path, body, DateTimeOffset.UtcNow));

        if (path == $"/{TenantId}/oauth2/v2.0/token" && HttpMethods.IsPost(context.Request.Method))
        {
            await TokenAsync(context, body);
            return;
        }

        var bearer = context.Request.Headers.Authorization.ToString();
        if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal) || !_issuedTokens.Contains(bearer["Bearer ".Length..]))
        {
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
            return;
        }

        if (_faults.TryPeek(out var next) && (next.Method is null || next.Method == context.Request.Method) && _faults.TryDequeue(out var fault))
        {
            if (fault.Status == Stalled)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up waiting: what a stalled request is for.
                }

                return;
            }

            if (fault.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = fault.RetryAfter;
            }

            var (code, message) = FaultError(fault.Status);
            await ErrorAsync(context, fault.Status, code, message);
            return;
        }

        var match = GraphPath().Match(path);
        if (!match.Success)
        {
            await ErrorAsync(context, 400, "BadRequest", $"Resource not found for the segment '{path}'.");
            return;
        }

        var userId = Uri.UnescapeDataString(match.Groups["user"].Value);
        if (!_users.TryGetValue(userId, out var user))
        {
            await ErrorAsync(context, 404, "Request_ResourceNotFound", $"Resource '{userId}' does not exist or one of its queried reference-property objects are not present.");
            return;
        }

        var version = match.Groups["version"].Value;
        var resource = match.Groups["resource"].Value;
        var methodId = match.Groups["method"].Success ? match.Groups["method"].Value : null;
        lock (user)
        {
            // Responses are written after the lock; decide them inside.
            (int Status, JsonNode? Body) answer = (version, resource, context.Request.Method, methodId) switch
            {
                ("v1.0", "phoneMethods", "GET", null) => (200, new JsonObject
                {
                    ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#users('{userId}')/authentication/phoneMethods",
                    ["value"] = new JsonArray(user.Phones.Select(p => (JsonNode)Phone(p.Key, p.Value)).ToArray()),
                }),
                ("v1.0", "phoneMethods", "POST", null) => Create(user, body),
                ("v1.0", "phoneMethods", "GET", { } id) => TypeOf(id) is { } type && user.Phones.TryGetValue(type, out var number)
                    ? (200, Phone(type, number))
                    : ItemNotFound(id),
                ("v1.0", "phoneMethods", "PATCH", { } id) => Update(user, id, body),
                ("v1.0", "phoneMethods", "DELETE", { } id) => Delete(user, id),
                ("beta", "signInPreferences", "GET", null) => (200, new JsonObject
                {
                    ["isSystemPreferredAuthenticationMethodEnabled"] = false,
                    ["userPreferredMethodForSecondaryAuthentication"] = user.Preferred,
                }),
                ("beta", "signInPreferences", "PATCH", null) => SetPreferred(user, body),
                _ => (405, Error("Request_BadRequest", "Unsupported request.")),
            };
            context.Items["answer"] = answer;
        }

        var (status, json) = ((int, JsonNode?))context.Items["answer"]!;
        context.Response.StatusCode = status;
        if (json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json.ToJsonString(), context.RequestAborted);
        }
    }

    private async Task TokenAsync(HttpContext context, string body)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
        string Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : "";
        var refused = Field("grant_type") != "client_credentials" || Field("client_id") != ClientId
            ? "AADSTS700016: Application not found in the directory."
            : Field("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                ? AssertionProblem(Field("client_assertion"), $"{BaseAddress}{TenantId}/oauth2/v2.0/token")
                : Field("client_secret") != ClientSecret
                    ? "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
                    : null;
        if (refused is not null)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["error"] = "invalid_client",
                ["error_description"] = refused,
                ["error_codes"] = new[] { int.Parse(refused["AADSTS".Length..refused.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) },
            }), context.RequestAborted);
            return;
        }

        if (form["scope"] != "https://graph.microsoft.com/.default" && !form["scope"].ToString().EndsWith("/.default", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":"invalid_scope"}""", context.RequestAborted);
            return;
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _issuedTokens.Add(token);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            ["access_token"] = token,
        }), context.RequestAborted);
    }

    /// <summary>
    /// Why Entra would refuse a client assertion (a JWT the client signed with its certificate's private key), or null: the
    /// signature must verify with a registered certificate's public key (RS256 or PS256), aud must be the token endpoint,
    /// iss and sub the client id, and the time now within nbf and exp.
    /// </summary>
    private string? AssertionProblem(string assertion, string audience)
    {
        var parts = assertion.Split('.');
        JsonNode? header, claims;
        byte[] signature;
        try
        {
            header = parts.Length == 3 ? JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) : null;
            claims = parts.Length == 3 ? JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) : null;
            signature = parts.Length == 3 ? Base64Url.DecodeFromChars(parts[2]) : [];
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return $"AADSTS50027: JWT token is invalid or malformed: {e.Message}";
        }

        if (header is null || claims is null)
        {
            return "AADSTS50027: JWT token is invalid or malformed.";
        }

        var padding = header["alg"]?.GetValue<string>() switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (padding is null || !_clientCertificates.Any(c => c.GetRSAPublicKey() is { } key && key.VerifyData(signed, signature, HashAlgorithmName.SHA256, padding)))
        {
            return $"AADSTS700027: Client assertion failed signature validation. (Reason - The key was not found., Thumbprint of key used by client: '{header["x5t#S256"] ?? header["x5t"]}')";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return claims["aud"]?.GetValue<string>() is not { } aud || !string.Equals(aud, audience, StringComparison.OrdinalIgnoreCase)
            ? $"AADSTS700212: No matching federated identity record found for presented assertion audience '{claims["aud"]}'."
            : claims["iss"]?.GetValue<string>() != ClientId || claims["sub"]?.GetValue<string>() != ClientId
                ? "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter."
                : Seconds(claims["exp"]) is not { } exp || exp <= now || Seconds(claims["nbf"]) > now + 300
                    ? "AADSTS700024: Client assertion is not within its valid time range."
                    : null;
    }

    // A JWT time (seconds since 1970): a number, though MSAL writes it as a string.
    private static long? Seconds(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Number => value.GetValue<long>(),
        JsonValueKind.String => long.TryParse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null,
        _ => null,
    };

    // The codes and messages Graph answers with for each status.
    private static (string Code, string Message) FaultError(int status) => status switch
    {
        429 => ("TooManyRequests", "Too many requests."),
        400 => ("badRequest", "The request is invalid for this user's authentication methods."),
        403 => ("accessDenied", "Request Authorization failed."),
        503 => ("serviceNotAvailable", "The service is temporarily unavailable."),
        _ => ("generalException", "An internal server error occurred."),
    };

    private static (int, JsonNode?) Create(DirectoryUser user, string body)
    {
        if (ReadPhone(body) is not { } phone)
        {
            return (400, Error("badRequest", "Invalid request body: phoneNumber and phoneType are required."));
        }

        if (!MethodIds.ContainsKey(phone.Type))
        {
            return (400, Error("badRequest", $"Invalid phoneType '{phone.Type}'."));
        }

        if (!EntraNumber().IsMatch(phone.Number))
        {
            return (400, Error("badRequest", "Invalid phone number format. Use +{country code} {number}x{extension}."));
        }

        if (user.Phones.ContainsKey(phone.Type))
        {
            return (400, Error("badRequest", $"A phone method of type {phone.Type} already exists for this user."));
        }

        if (phone.Type == "alternateMobile" && !user.Phones.ContainsKey("mobile"))
        {
            return (400, Error("badRequest", "A user must have a mobile phone before adding an alternate mobile phone."));
        }

        user.Phones[phone.Type] = phone.Number;
        return (201, Phone(phone.Type, phone.Number));
    }

    private static (int, JsonNode?) Update(DirectoryUser user, string methodId, string body)
    {
        if (TypeOf(methodId) is not { } type || !user.Phones.ContainsKey(type))
        {
            return ItemNotFound(methodId);
        }

        if (ReadPhone(body) is not { } phone)
        {
            return (400, Error("badRequest", "Invalid request body."));
        }

        if (phone.Type != type)
        {
            return (400, Error("badRequest", "The phone type of a phone method cannot be changed."));
        }

        if (!EntraNumber().IsMatch(phone.Number))
        {
            return (400, Error("badRequest", "Invalid phone number format. Use +{country code} {number}x{extension}."));
        }

        user.Phones[type] = phone.Number;
        return (204, null);
    }

    // The documented rules: no alternate mobile without a mobile, and not the phone of the default MFA method.
    private static (int, JsonNode?) Delete(DirectoryUser user, string methodId)
    {
        if (TypeOf(methodId) is not { } type || !user.Phones.ContainsKey(type))
        {
            return ItemNotFound(methodId);
        }

        if (type == "mobile" && user.Phones.ContainsKey("alternateMobile"))
        {
            return (400, Error("badRequest", "Cannot delete the mobile phone method while an alternateMobile phone method exists."));
        }

        var usedByDefault = user.Preferred switch
        {
            "sms" or "voiceMobile" => "mobile",
            "voiceAlternateMobile" => "alternateMobile",
            "voiceOffice" => "office",
            _ => null,
        };
        if (usedByDefault == type)
        {
            return (400, Error("badRequest", "Cannot delete the phone method used by the user's default authentication method."));
        }

        user.Phones.Remove(type);
        return (204, null);
    }

    private static (int, JsonNode?) SetPreferred(DirectoryUser user, string body)
    {
        var value = JsonNode.Parse(body)?["userPreferredMethodForSecondaryAuthentication"]?.GetValue<string>();
        if (value is null || !PreferredMethods.Contains(value))
        {
            return (400, Error("badRequest", $"Invalid value '{value}' for userPreferredMethodForSecondaryAuthentication."));
        }

        user.Preferred = value;
        return (204, null);
    }

    private static (string Type, string Number)? ReadPhone(string body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            var type = node?["phoneType"]?.GetValue<string>();
            var number = node?["phoneNumber"]?.GetValue<string>();
            return type is null || number is null ? null : (type, number);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? TypeOf(string methodId) => MethodIds.FirstOrDefault(m => m.Value == methodId).Key;

    private static JsonObject Phone(string type, string number) => new()
    {
        ["id"] = MethodIds[type],
        ["phoneNumber"] = number,
        ["phoneType"] = type,
        ["smsSignInState"] = "notAllowedByPolicy",
    };

    private static (int, JsonNode?) ItemNotFound(string id) => (404, Error("itemNotFound", $"The phone method '{id}' was not found."));

    private static JsonObject Error(string code, string message) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["innerError"] = new JsonObject { ["request-id"] = Guid.NewGuid().ToString() } },
    };

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Error(code, message).ToJsonString(), context.RequestAborted);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    [GeneratedRegex(@"^/(?<version>v1\.0|beta)/users/(?<user>[^/]+)/authentication/(?<resource>phoneMethods|signInPreferences)(?:/(?<method>[^/]+))?$")]
    private static partial Regex GraphPath();

    [GeneratedRegex(@"^\+\d{1,3} \d{1,14}(x\d{1,6})?$")]
    private static partial Regex EntraNumber();

    private sealed class DirectoryUser
    {
        public Dictionary<string, string> Phones { get; } = new(StringComparer.Ordinal);

        public string? Preferred { get; set; }
    }
}

public sealed record RecordedRequest(string Method, string Path, string Body, DateTimeOffset ReceivedAt);
