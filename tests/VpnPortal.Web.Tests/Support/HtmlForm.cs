using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Shouldly;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// One form of a statically rendered Blazor page: where it posts and the fields it carries. Blazor marks an
/// SSR form with a hidden "_handler" field holding its FormName, next to the "__RequestVerificationToken".
/// </summary>
public sealed class HtmlForm
{
    public const string HandlerField = "_handler";
    public const string AntiforgeryField = "__RequestVerificationToken";

    private HtmlForm(string action, IReadOnlyDictionary<string, string> fields)
    {
        Action = action;
        Fields = fields;
    }

    /// <summary>The URL the form posts to (the page's own URL when the form names none).</summary>
    public string Action { get; }

    /// <summary>The values the page rendered, as a browser would send them unchanged.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The Blazor form whose FormName (the hidden "_handler" field) is <paramref name="formName"/>.</summary>
    public static HtmlForm Find(string html, string formName, string pageUrl)
    {
        var forms = Forms(html);
        var form = forms.FirstOrDefault(f => HandlerOf(f) == formName);
        form.ShouldNotBeNull($"{pageUrl} has no form named '{formName}'; its forms: {string.Join(", ", forms.Select(f => HandlerOf(f) ?? f.GetAttribute("action") ?? "(unnamed)"))}");
        return From(form, pageUrl);
    }

    /// <summary>The plain HTML form that posts to <paramref name="action"/> (a path relative to the page's base "/").</summary>
    public static HtmlForm FindByAction(string html, string action, string pageUrl)
    {
        var forms = Forms(html);
        var form = forms.FirstOrDefault(f => "/" + (f.GetAttribute("action") ?? "").TrimStart('/') == "/" + action.TrimStart('/'));
        form.ShouldNotBeNull($"{pageUrl} has no form posting to {action}");
        return From(form, pageUrl);
    }

    private static List<IHtmlFormElement> Forms(string html) =>
        new HtmlParser().ParseDocument(html).QuerySelectorAll("form").OfType<IHtmlFormElement>().ToList();

    private static string? HandlerOf(IHtmlFormElement form) => form.QuerySelector($"input[name='{HandlerField}']")?.GetAttribute("value");

    private static HtmlForm From(IHtmlFormElement form, string pageUrl)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in form.QuerySelectorAll("input[name]").OfType<IHtmlInputElement>())
        {
            if (input.Type is "checkbox" or "radio" && !input.IsChecked)
            {
                continue;
            }

            fields[input.Name!] = input.Value;
        }

        fields.ShouldContainKey(AntiforgeryField, $"the form {HandlerOf(form) ?? form.GetAttribute("action")} on {pageUrl} carries no antiforgery token");
        var action = form.GetAttribute("action");
        // The portal's pages have <base href="/">, so a relative action is relative to the site root.
        return new HtmlForm(string.IsNullOrEmpty(action) ? pageUrl : "/" + action.TrimStart('/'), fields);
    }

    /// <summary>The fields without the antiforgery token: what a forged cross-site form can send.</summary>
    public Dictionary<string, string> WithoutAntiforgeryToken(IReadOnlyDictionary<string, string> overrides)
    {
        var all = With(overrides);
        all.Remove(AntiforgeryField);
        return all;
    }

    public Dictionary<string, string> With(IReadOnlyDictionary<string, string> overrides)
    {
        var all = new Dictionary<string, string>(Fields, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            all[name] = value;
        }

        return all;
    }
}
