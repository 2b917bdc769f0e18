using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace VpnPortal.Web.Features.Servers;

/// <summary>
/// What the RRAS and NPS forms do alike: check the input before asking the page to save, then show the
/// page's field errors next to the fields and its other messages in a summary.
/// </summary>
public abstract class ServerEditorBase<TInput> : ComponentBase
    where TInput : ServerInput
{
    private ValidationMessageStore? _messages;

    [Parameter, EditorRequired] public TInput Input { get; set; } = default!;

    /// <summary>Saves the input and returns the result; field errors in it are shown next to the fields.</summary>
    [Parameter, EditorRequired] public Func<TInput, Task<CommandResult>> OnSave { get; set; } = default!;

    [Parameter] public EventCallback OnCancel { get; set; }
    [Parameter] public string SubmitText { get; set; } = "Save";

    /// <summary>The form's edit context; the inputs read their invalid state from it.</summary>
    protected EditContext EditContext { get; private set; } = default!;

    protected IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    protected IReadOnlyList<string> Summary { get; private set; } = [];
    protected bool Busy { get; private set; }

    /// <summary>
    /// Saving needs the circuit: before it connects, the prerendered form would post natively and lose what was
    /// typed, so the button stays disabled until the form is interactive.
    /// </summary>
    protected bool CanSubmit => RendererInfo.IsInteractive && !Busy;

    protected override void OnParametersSet()
    {
        if (EditContext?.Model != Input)
        {
            EditContext = new EditContext(Input);
            _messages = new ValidationMessageStore(EditContext);
            Errors = new Dictionary<string, string>();
            Summary = [];
        }
    }

    protected async Task SubmitAsync()
    {
        var local = Input.Validate();
        if (local.Count > 0)
        {
            ShowErrors(local);
            Summary = ["Please correct the highlighted fields."];
            return;
        }

        Busy = true;
        try
        {
            var result = await OnSave(Input);
            ShowErrors(result.Errors);
            Summary = result.Succeeded ? [] : result.Errors.TryGetValue("", out var general) ? [general] : ["Please correct the highlighted fields."];
        }
        finally
        {
            Busy = false;
        }
    }

    // The inputs mark themselves aria-invalid (and styled) only from the EditContext's messages; an
    // aria-invalid attribute of our own is stripped by InputBase, so the errors are mirrored there.
    private void ShowErrors(IReadOnlyDictionary<string, string> fieldErrors)
    {
        Errors = fieldErrors;
        _messages!.Clear();
        foreach (var (field, message) in fieldErrors)
        {
            if (field.Length > 0)
            {
                _messages.Add(EditContext.Field(field), message);
            }
        }

        EditContext.NotifyValidationStateChanged();
    }
}
