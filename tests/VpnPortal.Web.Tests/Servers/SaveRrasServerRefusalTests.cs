using Shouldly;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Servers;

/// <summary>
/// One portal with two servers (VPN01, VPN02) arranged once. Every test here submits input the handler must refuse
/// and checks that no row of any table changed, so a test that wrongly wrote would fail itself, not its neighbours.
/// </summary>
public sealed class RefusalFixture : IAsyncLifetime
{
    public PortalFactory Portal { get; private set; } = default!;

    public ServerAdmin Admin { get; private set; } = default!;

    public CommandResult Vpn02 { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Portal = await PortalFactory.StartAsync();
        Admin = await ServerAdmin.CreateAsync(Portal);
        await Admin.CreateOkAsync(ServerAdmin.ValidInput("VPN01"));
        Vpn02 = await Admin.CreateOkAsync(ServerAdmin.ValidInput("VPN02"));
    }

    public async ValueTask DisposeAsync() => await Portal.DisposeAsync();
}

public sealed class SaveRrasServerRefusalTests(RefusalFixture fixture) : IClassFixture<RefusalFixture>
{
    [Theory]
    [InlineData("vpn01", "must be fully qualified")]
    [InlineData("https://vpn01.corp.example/", "not a URL")]
    [InlineData("vpn01..corp.example", "has an empty part")]
    [InlineData("vpn01.corp.example:443", "must not include a port")]
    [InlineData("10.0.0.1", "not an IP address")]
    [InlineData("vpn_01.corp.example", "contains '_'")]
    [InlineData("-vpn01.corp.example", "starts or ends with a hyphen")]
    [InlineData("vpn01.corp.example.", "must not end with a dot")]
    public async Task SaveRrasServer_InvalidServerDnsName_RefusedWithMessage(string fqdn, string message)
    {
        var input = ServerAdmin.ValidInput("VPN10");
        input.HostFqdn = fqdn;

        await ShouldBeRefusedAsync(() => fixture.Admin.CreateAsync(input), nameof(RrasServerInput.HostFqdn), message);
    }

    [Theory]
    [InlineData("vpn.corp.example\nhttps://phish.example/login", "not a URL")]
    [InlineData("vpn", "must be fully qualified")]
    [InlineData("", "Enter at least one public name")]
    public async Task SaveRrasServer_InvalidPublicName_RefusedWithMessage(string publicNames, string message)
    {
        var input = ServerAdmin.ValidInput("VPN10");
        input.PublicFqdns = publicNames;

        await ShouldBeRefusedAsync(() => fixture.Admin.CreateAsync(input), nameof(RrasServerInput.PublicFqdns), message);
    }

    [Theory]
    [InlineData("VPN01")]
    [InlineData("vpn01")]
    [InlineData("Vpn01")]
    [InlineData(" VPN01 ")]
    public async Task SaveRrasServer_NameTakenInAnyCase_Refused(string name)
    {
        var input = ServerAdmin.ValidInput("VPN10");
        input.Name = name;

        await ShouldBeRefusedAsync(
            () => fixture.Admin.CreateAsync(input),
            nameof(RrasServerInput.Name),
            $"A server named {name.Trim()} already exists.");
    }

    [Fact]
    public async Task SaveRrasServer_RenameToTakenNameInOtherCase_Refused()
    {
        var input = ServerAdmin.ValidInput("vpn01");
        input.Version = fixture.Vpn02.Version!.Value;

        await ShouldBeRefusedAsync(() => fixture.Admin.UpdateAsync(fixture.Vpn02.Id!.Value, input), nameof(RrasServerInput.Name), "A server named vpn01 already exists.");
    }

    [Theory]
    [InlineData(nameof(RrasServerInput.Notes), 3000, "The notes may have at most 2000 characters (it has 3000).")]
    [InlineData(nameof(RrasServerInput.Name), 100, "The host name has a part of 100 characters; each part may have at most 63.")]
    [InlineData(nameof(RrasServerInput.Site), 101, "The site may have at most 100 characters (it has 101).")]
    [InlineData(nameof(RrasServerInput.HostFqdn), 254, "is 254 characters long; DNS names have at most 253.")]
    public async Task SaveRrasServer_OverlongField_RefusedWithTheLimit(string field, int length, string message)
    {
        // Valid apart from its length; a DNS name is five 50-letter labels (254 characters with the dots).
        var value = field == nameof(RrasServerInput.HostFqdn)
            ? string.Join('.', Enumerable.Repeat(new string('a', 50), 5))
            : new string('a', length);
        value.Length.ShouldBe(length);
        var input = WithField(field, value);

        await ShouldBeRefusedAsync(() => fixture.Admin.CreateAsync(input), field, message);
    }

    [Theory]
    [InlineData(nameof(RrasServerInput.Name), "VPN\u000701", "contains 'U+0007'")]
    [InlineData(nameof(RrasServerInput.Name), "<script>", "contains '<'")]
    [InlineData(nameof(RrasServerInput.Name), "VPN01\u202Egpj", "contains '\u202E'")]
    [InlineData(nameof(RrasServerInput.Site), "Lon\u0000don", "The site contains control characters.")]
    [InlineData(nameof(RrasServerInput.Site), "London\r\nSet-Cookie: x=1", "The site contains control characters.")]
    [InlineData(nameof(RrasServerInput.Notes), "ok\u001b[31mred", "The notes contains control characters.")]
    [InlineData(nameof(RrasServerInput.HostFqdn), "vpn01.corp.example\u0000.evil.example", "contains 'U+0000'")]
    public async Task SaveRrasServer_ControlCharactersOrMarkupInNames_Refused(string field, string value, string message)
    {
        await ShouldBeRefusedAsync(() => fixture.Admin.CreateAsync(WithField(field, value)), field, message);
    }

    private static RrasServerInput WithField(string field, string value)
    {
        var input = ServerAdmin.ValidInput("VPN10");
        switch (field)
        {
            case nameof(RrasServerInput.Name):
                input.Name = value;
                break;
            case nameof(RrasServerInput.HostFqdn):
                input.HostFqdn = value;
                break;
            case nameof(RrasServerInput.Site):
                input.Site = value;
                break;
            case nameof(RrasServerInput.Notes):
                input.Notes = value;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }

        return input;
    }

    private async Task ShouldBeRefusedAsync(Func<Task<CommandResult>> save, string field, string message)
    {
        var before = await fixture.Portal.CountRowsAsync();

        var result = await save();

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors.Keys.ShouldContain(field, string.Join("; ", result.Messages));
        result.Errors[field].ShouldContain(message);
        (await fixture.Portal.CountRowsAsync()).ShouldEqual(before, "refused input writes nothing: no server, no audit entry");
    }
}
