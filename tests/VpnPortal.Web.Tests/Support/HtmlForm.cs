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

    public static HtmlForm Find(string html, string formName, string pageUrl)
    {
        var document = new HtmlParser().ParseDocument(html);
        var forms = document.QuerySelectorAll("form").OfType<IHtmlFormElement>().ToList();
        var form = forms.FirstOrDefault(f => f.QuerySelector($"input[name='{HandlerField}']")?.GetAttribute("value") == formName);
        form.ShouldNotBeNull($"{pageUrl} has no form named '{formName}'; its forms: {string.Join(", ", forms.Select(f => f.QuerySelector($"input[name='{HandlerField}']")?.GetAttribute("value") ?? "(unnamed)"))}");

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in form.QuerySelectorAll("input[name]").OfType<IHtmlInputElement>())
        {
            if (input.Type is "checkbox" or "radio" && !input.IsChecked)
            {
                continue;
            }

            fields[input.Name!] = input.Value;
        }

        fields.ShouldContainKey(AntiforgeryField, $"the form '{formName}' on {pageUrl} carries no antiforgery token");
        var action = form.GetAttribute("action");
        return new HtmlForm(string.IsNullOrEmpty(action) ? pageUrl : action, fields);
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
