using System.Net;
using Shouldly;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// An HttpClient with a cookie jar that does not follow redirects: it fetches a page, fills in one of its
/// forms (keeping the hidden antiforgery and handler fields the page rendered) and posts it, as a browser does.
/// </summary>
public sealed class PortalBrowser(HttpClient client, CookieContainer cookies) : IDisposable
{
    public const string AuthCookie = "VpnPortal.Auth";
    public const string SignInPath = "/account/sign-in";

    public HttpClient Client { get; } = client;

    public CookieContainer Cookies { get; } = cookies;

    public bool HasCookie(string name) => Cookies.GetCookies(Client.BaseAddress!).Any(c => c.Name == name && !c.Expired && c.Value.Length > 0);

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path, TestContext.Current.CancellationToken);

    /// <summary>GETs the page (it must answer 200) and returns the form whose Blazor form name is <paramref name="formName"/>.</summary>
    public async Task<HtmlForm> GetFormAsync(string path, string formName)
    {
        using var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path} should show the page with the form '{formName}'");
        return HtmlForm.Find(html, formName, path);
    }

    /// <summary>Posts the form with its rendered fields, overridden or extended by <paramref name="fields"/>.</summary>
    public Task<HttpResponseMessage> SubmitAsync(HtmlForm form, IReadOnlyDictionary<string, string> fields) =>
        Client.PostAsync(form.Action, new FormUrlEncodedContent(form.With(fields)), TestContext.Current.CancellationToken);

    /// <summary>Posts these exact fields to <paramref name="path"/>, e.g. a forged form without the antiforgery token.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, IReadOnlyDictionary<string, string> fields) =>
        Client.PostAsync(path, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);

    /// <summary>Fills in and posts the real sign-in form. The caller asserts the outcome.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, string path = SignInPath)
    {
        var form = await GetFormAsync(path, "sign-in");
        return await SubmitAsync(form, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }

    public void Dispose() => Client.Dispose();
}
