using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Servers.Live;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Features.Servers.Live;

public sealed class SstpBindingsPanelTests : IDisposable
{
    private const string CertA = "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344";
    private const string CertB = "FFEEDDCCBBAA99887766554433221100FFEEDDCC";

    private readonly BunitContext _ctx = new();

    public SstpBindingsPanelTests()
    {
        _ctx.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestClock.Start));
        _ctx.Services.AddSingleton(Web.Features.Appearance.PersonalView.Fixed(TimeZoneInfo.Utc));
        _ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public void BothBindingsOnTheConfiguredCertificate_ShowSideBySideWithNoDifference()
    {
        var cut = Render(configured: CertA, Binding("0.0.0.0:443", CertA), Binding("[::]:443", CertA.ToLowerInvariant()));

        cut.Find("#binding-ipv4").TextContent.ShouldContain(CertA);
        cut.Find("#binding-ipv6").TextContent.ShouldContain(CertA.ToLowerInvariant());
        cut.Find("#binding-configured").TextContent.ShouldContain(CertA);
        cut.FindAll("#binding-differences").ShouldBeEmpty();
        cut.FindAll(".binding.differs").ShouldBeEmpty();
        cut.Find("#bindings-match");
    }

    [Fact]
    public void IPv6BindingOnAnotherCertificate_IsFlaggedAgainstIPv4AndTheConfiguredOne()
    {
        var cut = Render(configured: CertA, Binding("0.0.0.0:443", CertA), Binding("[::]:443", CertB));

        var differences = cut.Find("#binding-differences").TextContent;
        differences.ShouldContain("The IPv4 and IPv6 bindings use different certificates.");
        differences.ShouldContain("The IPv6 binding's certificate is not the one RRAS is configured to use for SSTP.");
        differences.ShouldNotContain("The IPv4 binding's certificate is not");
        cut.Find("#binding-ipv6").ClassList.ShouldContain("differs");
        cut.Find("#binding-ipv4").ClassList.ShouldNotContain("differs", "IPv4 is on the configured certificate");
        cut.Find("#binding-configured").ClassList.ShouldContain("differs");
        cut.FindAll("#bindings-match").ShouldBeEmpty();
    }

    [Fact]
    public void NoConfiguredCertificate_BindingsOnDifferentCertificates_AreBothMarked()
    {
        var cut = Render(configured: null, Binding("0.0.0.0:443", CertA), Binding("[::]:443", CertB));

        cut.Find("#binding-differences").TextContent.ShouldContain("The IPv4 and IPv6 bindings use different certificates.");
        cut.Find("#binding-ipv4").ClassList.ShouldContain("differs");
        cut.Find("#binding-ipv6").ClassList.ShouldContain("differs");
    }

    [Fact]
    public void MissingIPv6Binding_IsFlaggedOnTheReportedListenerPort()
    {
        var cut = Render(configured: null, listenerPort: 8443, Binding("0.0.0.0:8443", CertA), Binding("[::]:443", CertA));

        cut.Find("#binding-differences").TextContent.ShouldContain("No IPv6 binding on [::]:8443.");
        cut.Find("#binding-ipv6").TextContent.ShouldContain("missing");
        cut.Find("#binding-configured").TextContent.ShouldContain("None chosen");
        cut.Markup.ShouldContain("Other bindings reported", Case.Sensitive, "the binding on another port is still shown");
    }

    private IRenderedComponent<SstpBindingsPanel> Render(string? configured, params SstpBinding[] bindings) => Render(configured, null, bindings);

    private IRenderedComponent<SstpBindingsPanel> Render(string? configured, int? listenerPort, params SstpBinding[] bindings)
    {
        var server = new RrasServer
        {
            Id = Guid.NewGuid(),
            Name = "VPN01",
            LastReportAt = DateTimeOffset.UtcNow,
            Sstp = new SstpReportedState { ConfiguredCertificateSha1 = configured, ListenerPort = listenerPort, UseHttps = true },
        };
        return _ctx.Render<SstpBindingsPanel>(p => p.Add(x => x.Server, server).Add(x => x.Bindings, bindings));
    }

    private static SstpBinding Binding(string ipPort, string hash) => new()
    {
        Id = Guid.NewGuid(),
        IpPort = ipPort,
        CertificateHash = hash,
        ApplicationId = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75"),
        LastSeenAt = DateTimeOffset.UtcNow,
    };
}
