using Microsoft.AspNetCore.Diagnostics;

namespace VpnPortal.Web.Components;

public static class PageStatus
{
    /// <summary>
    /// Sets the status code of a statically rendered page that shows its own message (a refused form, an
    /// expired link), so the status code pages middleware does not replace it with the generic not-found page.
    /// </summary>
    public static void SetPageStatus(this HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }
    }
}
