using Shouldly;
using VpnPortal.Agent.Parsing;
using Xunit;

namespace VpnPortal.Agent.Tests.Parsing;

public sealed class ScriptSectionsTests
{
    [Fact]
    public void Split_SectionsWithCrlfAndAnEmptyOne_ReturnsEachBody()
    {
        var sections = ScriptSections.Split("##vpnportal:section sessions\r\n\r\n##vpnportal:section summary\r\n{\"a\":1}\r\n", "test");

        sections["sessions"].ShouldBe("");
        sections["summary"].ShouldBe("{\"a\":1}");
    }

    [Fact]
    public void Split_TextBeforeTheFirstMarker_IsAnError()
    {
        Should.Throw<OutputFormatException>(() => ScriptSections.Split("WARNING: something\n##vpnportal:section a\n", "test")).Line.ShouldBe(1);
    }

    [Fact]
    public void Split_SectionTwice_IsAnError()
    {
        Should.Throw<OutputFormatException>(() => ScriptSections.Split("##vpnportal:section a\n##vpnportal:section a\n", "test")).Line.ShouldBe(2);
    }

    [Fact]
    public void Required_MissingSection_SaysWhich()
    {
        Should.Throw<OutputFormatException>(() => ScriptSections.Required(new Dictionary<string, string>(), "radius", "test")).Message.ShouldContain("'radius'");
    }
}
