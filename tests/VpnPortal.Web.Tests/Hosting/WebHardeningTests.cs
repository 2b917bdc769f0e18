using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Hosting;

/// <summary>The headers every answer carries, and request bodies cut off at the limit as they stream in.</summary>
public sealed class WebHardeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/api/v1/servers")]
    [InlineData("/css/site.css")]
    [InlineData("/no-such-page")]
    public async Task EveryAnswer_ForbidsFraming_SniffingAndReferrers_AndAllowsOnlyOwnScripts(string path)
    {
        await using var portal = await PortalFactory.StartAsync();
        using var client = portal.CreateApiClient(null);

        using var response = await client.GetAsync(path, Ct);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("object-src 'none'");
        csp.ShouldNotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    [Fact]
    public async Task ChunkedUploadOverTheLimit_IsCutOffWith413_AndNothingIsStored()
    {
        await using var portal = await PortalFactory.StartOnKestrelAsync();
        using var api = portal.CreateNetworkClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.Admin)));
        // No Content-Length anywhere: the body streams in chunks and only its bytes can tell how large it is.
        var (response, form) = await PostChunkedAsync(api, "/api/v1/rotations", () => new MultipartFormDataContent
        {
            { new StreamContent(new Unannounced(4 * 1024 * 1024)), "pfx", "huge.pfx" },
            { new StringContent("pw"), "password" },
        });
        using var answer = response;
        using var sent = form;

        form.Headers.ContentLength.ShouldBeNull("the body went out chunked");
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync(Ct));
        await using var db = portal.Database.CreateContext();
        (await db.SstpRotations.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task ChunkedJsonOverTheGeneralLimit_Is413_NotAnError()
    {
        await using var portal = await PortalFactory.StartOnKestrelAsync(new Dictionary<string, string> { ["Security:MaxRequestBodyBytes"] = "65536" });
        using var api = portal.CreateNetworkClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.Admin)));
        var json = "{\"role\":\"Rras\",\"serverName\":\"" + new string('a', 200 * 1024) + "\"}";
        var (response, body) = await PostChunkedAsync(api, PortalApiRoutes.EnrollmentTokens, () => Json(json));
        using var answer = response;
        using var sent = body;

        body.Headers.ContentLength.ShouldBeNull("the body went out chunked");
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Security:MaxRequestBodyBytes");
        await using var db = portal.Database.CreateContext();
        (await db.AgentEnrollmentTokens.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task ChunkedSnapshotOverItsLimit_IsRefusedAsTooLarge_NotAServerError()
    {
        await using var portal = await PortalFactory.StartOnKestrelAsync(new Dictionary<string, string> { ["Agents:MaxSnapshotBytes"] = "65536" });
        var agent = await portal.EnrollAsync(Data.Entities.ServerRole.Rras, "VPN01");
        using var client = portal.CreateNetworkClient(agent.Enrollment.Credential);
        var (response, body) = await PostChunkedAsync(client, AgentRoutes.Snapshots, () => Json("{\"sequence\":1,\"pad\":\"" + new string('x', 512 * 1024) + "\"}"));
        using var answer = response;
        using var sent = body;

        body.Headers.ContentLength.ShouldBeNull("the body went out chunked");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("larger than the 64 KB");
    }

    /// <summary>
    /// Posts a body made by <paramref name="content"/> and returns the answer with the body sent. The portal answers an
    /// oversized body before it has all arrived and then closes the connection; on a loaded machine the client can still
    /// be writing then and fail with a broken pipe before it reads the answer (seen in CI). That transport race is not
    /// the portal's answer, so the request is sent again (a new body, a new connection), up to three times.
    /// </summary>
    private static async Task<(HttpResponseMessage Response, HttpContent Body)> PostChunkedAsync(HttpClient client, string path, Func<HttpContent> content)
    {
        for (var attempt = 1; ; attempt++)
        {
            var body = content();
            try
            {
                // The request is not disposed here: that would dispose the body, which the caller still reads and disposes.
                return (await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body }, Ct), body);
            }
            catch (HttpRequestException ex) when (ex.InnerException is IOException && attempt < 3)
            {
                body.Dispose();
            }
        }
    }

    private static StreamContent Json(string json)
    {
        var body = new StreamContent(new Unannounced(Encoding.UTF8.GetBytes(json)));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return body;
    }

    /// <summary>A body that does not say its length (so HttpClient sends it chunked), of the given bytes or zeros.</summary>
    private sealed class Unannounced(byte[] content) : Stream
    {
        private int _position;

        public Unannounced(int zeros)
            : this(new byte[zeros])
        {
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, content.Length - _position);
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
