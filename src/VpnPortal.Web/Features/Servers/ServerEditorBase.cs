using Microsoft.AspNetCore.Components;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// What the RRAS and NPS forms do alike: check the input before asking the page to save, then show the
/// page's field errors next to the fields and its other messages in a summary.
/// </summary>
public abstract class ServerEditorBase<TInput> : ComponentBase
    where TInput : ServerInput
{
    [Parameter, EditorRequired] public TInput Input { get; set; } = default!;

    /// <summary>Saves the input and returns the result; field errors in it are shown next to the fields.</summary>
    [Parameter, EditorRequired] public Func<TInput, Task<CommandResult>> OnSave { get; set; } = default!;

    [Parameter] public EventCallback OnCancel { get; set; }
    [Parameter] public string SubmitText { get; set; } = "Save";

    protected IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    protected IReadOnlyList<string> Summary { get; private set; } = [];
    protected bool Busy { get; private set; }

    protected string? Invalid(string field) => Errors.ContainsKey(field) ? "true" : null;

    protected async Task SubmitAsync()
    {
        var local = Input.Validate();
        if (local.Count > 0)
        {
            Errors = local;
            Summary = ["Please correct the highlighted fields."];
            return;
        }

        Busy = true;
        try
        {
            var result = await OnSave(Input);
            Errors = result.Errors;
            Summary = result.Succeeded ? [] : result.Errors.TryGetValue("", out var general) ? [general] : ["Please correct the highlighted fields."];
        }
        finally
        {
            Busy = false;
        }
    }
}
