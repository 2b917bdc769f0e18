namespace VpnPortal.Web.Tests.Support;

public static class ResponseExtensions
{
    /// <summary>The path a redirect points to, without host or query ("/account/sign-in"); null when it is no redirect.</summary>
    public static string? RedirectPath(this HttpResponseMessage response) => response.Headers.Location switch
    {
        null => null,
        { IsAbsoluteUri: true } absolute => absolute.AbsolutePath,
        var relative => relative.OriginalString.Split('?')[0],
    };

    /// <summary>Whether the response is a 302 to <paramref name="path"/> (compared as <see cref="RedirectPath"/>).</summary>
    public static bool IsRedirectTo(this HttpResponseMessage response, string path) =>
        response.StatusCode == System.Net.HttpStatusCode.Redirect && response.RedirectPath() == path;

    public static Task<string> BodyAsync(this HttpResponseMessage response) =>
        response.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken);
}
