using Shouldly;
using VpnPortal.Domain.Sessions;
using Xunit;

namespace VpnPortal.Domain.Tests.Sessions;

public sealed class VpnIdentityTests
{
    [Theory]
    [InlineData("ana@corp.example", VpnIdentityKind.UserPrincipalName)]
    [InlineData("  Ana.Lopez@Corp.Example ", VpnIdentityKind.UserPrincipalName)]
    [InlineData(@"CORP\ana", VpnIdentityKind.DownLevelName)]
    [InlineData("LT-4821.corp.example", VpnIdentityKind.Device)]
    public void Parse_RecognisesUsersAndDevices(string text, VpnIdentityKind kind)
    {
        var (identity, error) = VpnIdentity.Parse(text);

        error.ShouldBeNull();
        identity!.Kind.ShouldBe(kind);
        identity.Name.ShouldBe(text.Trim());
    }

    [Theory]
    [InlineData("", "Enter a user")]
    [InlineData("ana", "fully qualified")]
    [InlineData("ana@", "user principal name")]
    [InlineData("@corp.example", "user principal name")]
    [InlineData("ana@@corp.example", "user principal name")]
    [InlineData("ana lopez@corp.example", "user principal name")]
    [InlineData(@"CORP\", "down-level name")]
    [InlineData(@"CORP\ana\x", "down-level name")]
    [InlineData(@"AVERYLONGDOMAINNAME\ana", "down-level name")]
    [InlineData("lt..corp.example", "two dots")]
    [InlineData("ana\u0000@corp.example", "printable")]
    public void Parse_Nonsense_SaysWhatIsExpected(string text, string mentions)
    {
        var (identity, error) = VpnIdentity.Parse(text);

        identity.ShouldBeNull();
        error!.ShouldContain(mentions, Case.Insensitive);
    }

    [Fact]
    public void Matches_AnyOfTheConnectionsNames_IgnoringCase()
    {
        var (upn, _) = VpnIdentity.Parse("ANA@corp.example");
        string[] names = [@"CORP\ana", "ana@corp.example"];

        upn!.Matches(names).ShouldBeTrue();
        upn.NameAsReported(names).ShouldBe("ana@corp.example");
        VpnIdentity.Parse("bob@corp.example").Identity!.Matches(names).ShouldBeFalse();
        VpnIdentity.Parse("ana@corp.example.evil").Identity!.Matches(names).ShouldBeFalse("a name that merely starts the same is someone else");
    }
}
