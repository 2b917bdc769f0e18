using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Shouldly;
using VpnPortal.Web.ComponentTests.Support;
using VpnPortal.Web.Features.Rotations;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Rotations;

public sealed class PfxUploadAgainTests : IAsyncLifetime
{
    private PortalComponentContext _ctx = default!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _ctx = await PortalComponentContext.CreateAsync();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public async Task UploadForARolloutThatIsGone_SaysSo_AndAnnouncesNoUpload()
    {
        var (pfx, certificate) = TestPfx.Create(_ctx.Time.GetUtcNow());
        var notifications = _ctx.Bunit.Render<MudSnackbarProvider>();
        var uploaded = false;
        var cut = _ctx.Bunit.Render<PfxUploadAgain>(p => p
            .Add(x => x.RotationId, Guid.NewGuid())
            .Add(x => x.Sha1Thumbprint, certificate.Thumbprint)
            .Add(x => x.Uploaded, () => uploaded = true));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(pfx, "vpn.pfx"));
        cut.WaitForAssertion(() => cut.Find("#pfx-again-file-name").TextContent.ShouldBe("vpn.pfx"));
        cut.Find("#pfx-again-password").Input(TestPfx.Password);
        cut.Find("#pfx-again-upload").Click();

        cut.WaitForAssertion(() => cut.Find("#pfx-again-error").TextContent.ShouldBe("The rollout is no longer there."));
        uploaded.ShouldBeFalse();
        notifications.Markup.ShouldNotContain("PFX uploaded");
        await using var db = _ctx.Db();
        (await db.AuditEntries.CountAsync(Ct)).ShouldBe(0, "nothing was stored");
    }
}
