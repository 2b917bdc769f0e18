using System.Text.Json;

namespace VpnPortal.Web.Features.Api;

/// <summary>
/// Reads a v1 API request body by hand rather than by parameter binding: a wrong content type or broken JSON then
/// reaches the endpoint and gets its 400 with a message, instead of a routing miss that falls through to the pages.
/// </summary>
public static class JsonBody
{
    /// <summary>The body, or a 400 problem saying what is wrong and showing <paramref name="example"/>.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest http, JsonSerializerOptions? options, string example, CancellationToken ct)
        where T : class
    {
        T? value;
        try
        {
            value = http.HasJsonContentType() ? await http.ReadFromJsonAsync<T>(options, ct) : null;
        }
        catch (JsonException e)
        {
            return (null, Results.Problem(statusCode: 400, title: $"The body is not a valid request: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Cut off as it streamed in (Security:MaxRequestBodyBytes), announced length or not.
            return (null, Results.Problem(statusCode: 413, title: "The body is larger than this portal accepts (Security:MaxRequestBodyBytes)."));
        }

        return value is null ? (null, Results.Problem(statusCode: 400, title: $"Send JSON such as {example}.")) : (value, null);
    }
}
