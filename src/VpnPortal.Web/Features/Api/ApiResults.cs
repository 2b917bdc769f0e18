using System.Text.Json;

namespace VpnPortal.Web.Features.Api;

/// <summary>
/// The one place a <see cref="CommandResult"/> becomes an HTTP answer: the success the endpoint chooses, or problem
/// details (RFC 9457) whose title is the same plain sentence a page shows. Invalid input is a 400 validation problem
/// with the errors under each field's JSON name (a message about the whole request under ""); gone is 404, a stale
/// version or a state that refuses the change is 409, and a change that is not the caller's to make is 403.
/// </summary>
public static class ApiResults
{
    /// <summary><paramref name="ok"/> when the command succeeded, otherwise its problem.</summary>
    public static IResult Answer(this CommandResult result, Func<IResult> ok) => result.Succeeded ? ok() : result.Problem();

    /// <summary><paramref name="ok"/> with the command's value when it succeeded, otherwise its problem.</summary>
    public static IResult Answer<T>(this CommandResult<T> result, Func<T, IResult> ok) => result.Succeeded ? ok(result.Value!) : result.Problem();

    /// <summary>The problem details for a failed command.</summary>
    public static IResult Problem(this CommandResult result) => result.Status switch
    {
        CommandStatus.Ok => throw new InvalidOperationException("A command that succeeded has no problem to report."),
        CommandStatus.Invalid => TypedResults.ValidationProblem(
            result.Errors.ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => new[] { e.Value }), title: result.Error),
        CommandStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: result.Error),
        CommandStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: result.Error),
        CommandStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: result.Error),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "Unknown command status."),
    };
}
