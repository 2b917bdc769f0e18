using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Hosting;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Rotations;

public static class RotationsApi
{
    /// <summary>The largest multipart body accepted: the PFX limit plus room for the other fields.</summary>
    private const long MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapRotationsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/rotations", StartAsync)
            .WithName("StartSstpRotation")
            .WithSummary("Roll out a new SSTP certificate. multipart/form-data: pfx (the file), password, servers (names or ids in order, comma-separated; " +
                "none for every RRAS server with an agent), parallelism (default 1), windowStart, windowEnd (ISO 8601), checkOnly (true to check without starting).")
            .DisableAntiforgery()
            .WithMetadata(new BodySizeLimit(MaxBodyBytes))
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapGet("/rotations", async (GetRotation get, CancellationToken ct) => Results.Ok(await get.ListAsync(ct: ct)))
            .WithName("ListSstpRotations")
            .WithSummary("SSTP certificate rollouts, newest first.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapGet("/rotations/{id:guid}", async (Guid id, GetRotation get, CancellationToken ct) =>
                await get.RunAsync(id, ct) is { } detail ? Results.Ok(detail) : Results.NotFound())
            .WithName("GetSstpRotation")
            .WithSummary("A rollout's progress: each server's step, timing and results.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/rotations/{id:guid}/servers/{serverId:guid}/retry", async (Guid id, Guid serverId, RotationActions actions, CurrentActor actor, CancellationToken ct) =>
                (await actions.RetryAsync(id, serverId, actor.Current, ct)).Answer(Results.NoContent))
            .WithName("RetrySstpRotationServer")
            .WithSummary("Run a failed (rolled back) server's rotation again; the rollout goes on.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/rotations/{id:guid}/servers/{serverId:guid}/skip", async (Guid id, Guid serverId, RotationActions actions, CurrentActor actor, CancellationToken ct) =>
                (await actions.SkipAsync(id, serverId, actor.Current, ct)).Answer(Results.NoContent))
            .WithName("SkipSstpRotationServer")
            .WithSummary("Leave a failed server on its certificate and go on with the next.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/rotations/{id:guid}/pfx", UploadPfxAgainAsync)
            .WithName("UploadSstpRotationPfx")
            .WithSummary("Upload a stopped rollout's PFX again (after it was erased or can no longer be decrypted). multipart/form-data: pfx (the file), password.")
            .DisableAntiforgery()
            .WithMetadata(new BodySizeLimit(MaxBodyBytes))
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/rotations/{id:guid}/abandon", async (Guid id, RotationActions actions, CurrentActor actor, CancellationToken ct) =>
                (await actions.AbandonAsync(id, actor.Current, ct)).Answer(Results.NoContent))
            .WithName("AbandonSstpRotation")
            .WithSummary("End a rollout; servers not rotated keep their certificate and the PFX is deleted.")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }

    /// <summary>
    /// Reads a multipart form of at most <see cref="MaxBodyBytes"/>: a larger body is refused whether it announces its
    /// length or streams it in chunks (the server's body limit for this endpoint, see <see cref="MapRotationsApi"/>).
    /// </summary>
    private static async Task<(IFormCollection? Form, IResult? Problem)> ReadFormAsync(HttpRequest http, string expected, CancellationToken ct)
    {
        if (http.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        if (!http.HasFormContentType)
        {
            return (null, Results.Problem(statusCode: 400, title: expected));
        }

        try
        {
            return (await http.ReadFormAsync(ct), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, Results.Problem(statusCode: 400, title: "The form could not be read: " + e.Message));
        }
    }

    private static IResult TooLarge() =>
        Results.Problem(statusCode: 413, title: $"The upload is larger than {MaxBodyBytes / 1024} KB; a PFX for SSTP is a few KB.");

    private static async Task<IResult> StartAsync(HttpRequest http, PlanRotation plan, CurrentActor actor, IOptions<RotationOptions> options, CancellationToken ct)
    {
        var (form, problem) = await ReadFormAsync(http, "Send multipart/form-data with the fields pfx (the file), password, servers, parallelism, windowStart, windowEnd.", ct);
        if (form is null)
        {
            return problem!;
        }

        var errors = new Dictionary<string, string[]>();
        var file = form.Files.GetFile("pfx");
        if (file is null || file.Length == 0)
        {
            errors["pfx"] = ["Attach the PFX file as the field 'pfx'."];
        }
        else if (file.Length > options.Value.MaxPfxBytes)
        {
            errors["pfx"] = [$"The file is {file.Length / 1024} KB; files over {options.Value.MaxPfxBytes / 1024} KB are refused."];
        }

        var parallelism = 1;
        if (!string.IsNullOrWhiteSpace(form["parallelism"]) && !int.TryParse(form["parallelism"], NumberStyles.None, CultureInfo.InvariantCulture, out parallelism))
        {
            errors["parallelism"] = ["parallelism is a whole number."];
        }

        var windowStart = Time(form, "windowStart", errors);
        var windowEnd = Time(form, "windowEnd", errors);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        using var buffer = new MemoryStream();
        await file!.CopyToAsync(buffer, ct);
        var servers = form["servers"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var request = new PlanRotation.Request(buffer.ToArray(), file.FileName, form["password"], servers, parallelism, windowStart, windowEnd);
        if (string.Equals(form["checkOnly"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Ok(await plan.CheckAsync(request, ct));
        }

        var started = await plan.StartAsync(request, actor.Current, ct);
        var answer = started.Answer(check => Results.Json(new { id = started.Id, check }, statusCode: StatusCodes.Status201Created));

        // A refused plan's problem also lists each refusal and warning on its own, for a client to show.
        if (answer is ValidationProblem { ProblemDetails: var refused } && started.Value is { } unfit)
        {
            refused.Extensions["refusals"] = unfit.Refusals;
            refused.Extensions["warnings"] = unfit.Warnings;
        }

        return answer;
    }

    private static async Task<IResult> UploadPfxAgainAsync(Guid id, HttpRequest http, RotationActions actions, CurrentActor actor, CancellationToken ct)
    {
        var (form, problem) = await ReadFormAsync(http, "Send multipart/form-data with the fields pfx (the file) and password.", ct);
        if (form is null)
        {
            return problem!;
        }

        if (form.Files.GetFile("pfx") is not { Length: > 0 } file)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["pfx"] = ["Attach the PFX file as the field 'pfx'."] });
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return (await actions.UploadPfxAsync(id, buffer.ToArray(), file.FileName, form["password"], actor.Current, ct)).Answer(Results.NoContent);
    }

    private static DateTimeOffset? Time(IFormCollection form, string name, Dictionary<string, string[]> errors)
    {
        var text = form[name].ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors[name] = [$"{name} is a date and time such as 2026-11-23T22:00:00Z."];
        return null;
    }
}
