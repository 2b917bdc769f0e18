using Shouldly;
using VpnPortal.Agent.Parsing;
using VpnPortal.Contracts.Agents;
using Xunit;

namespace VpnPortal.Agent.Tests.Parsing;

public sealed class RemoteAccessJsonTests
{
    private static readonly DateTimeOffset Now = new(2023, 11, 15, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ParseSessions_Ps51SingleObject_ReadsOneSessionWithLegacyDate()
    {
        var sessions = RemoteAccessJson.ParseSessions(Samples.Read("sessions-ps51-one.json"), Now);

        var session = sessions.ShouldHaveSingleItem();
        session.UserNames.ShouldBe([@"CORP\alice"]);
        session.HostName.ShouldBeNull();
        session.ClientIpAddresses.ShouldBe(["10.20.30.41"]);
        session.ClientExternalAddress.ShouldBe("203.0.113.7");
        session.TunnelType.ShouldBe(ReportedTunnelType.Sstp);
        session.AuthMethod.ShouldBe("Eap Peap");
        session.ConnectionStartTime.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));
        session.ConnectionDurationSeconds.ShouldBe(1834);
        session.TotalBytesIn.ShouldBe(48211331);
        session.TotalBytesOut.ShouldBe(391004876);
    }

    [Fact]
    public void ParseSessions_Ps51Array_ReadsVpnSessionsAndLeavesDirectAccessOut()
    {
        var sessions = RemoteAccessJson.ParseSessions(Samples.Read("sessions-ps51-many.json"), Now);

        sessions.Count.ShouldBe(2);
        sessions[0].UserNames.ShouldBe(["alice@corp.example"]);
        sessions[0].ClientIpAddresses.ShouldBe(["10.20.30.42", "fd00:20:30::42"]);
        sessions[0].TunnelType.ShouldBe(ReportedTunnelType.Ikev2);
        sessions[0].TotalBytesIn.ShouldBe(9007199254740993);
        sessions[1].UserNames.ShouldBe(["LAPTOP-0042.corp.example"]);
        sessions[1].ClientExternalAddress.ShouldBeNull();
        sessions[1].ClientIpAddresses.ShouldBe(["10.20.31.7"]);
        sessions[1].TunnelType.ShouldBe(ReportedTunnelType.Ikev2);
        sessions[1].AuthMethod.ShouldBe("Machine Certificate");
        // The +0100 of the legacy form names the writer's zone; the milliseconds are UTC already.
        sessions[1].ConnectionStartTime.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1699980000000));
    }

    [Fact]
    public void ParseSessions_Ps7WithViewNames_ReadsUnitSuffixedNamesAndIsoDates()
    {
        var session = RemoteAccessJson.ParseSessions(Samples.Read("sessions-ps7-view-names.json"), Now).ShouldHaveSingleItem();

        session.ClientIpAddresses.ShouldBe(["10.20.30.50", "fd00:20:30::50"]);
        session.ConnectionDurationSeconds.ShouldBe(220);
        session.TunnelType.ShouldBe(ReportedTunnelType.L2tp);
        session.ConnectionStartTime.ShouldBe(new DateTimeOffset(2023, 11, 14, 20, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void ParseSessions_NoOutputAtAll_ReturnsNoSessions()
    {
        RemoteAccessJson.ParseSessions(Samples.Read("sessions-none.json"), Now).ShouldBeEmpty();
        RemoteAccessJson.ParseSessions("[]", Now).ShouldBeEmpty();
        RemoteAccessJson.ParseSessions("null", Now).ShouldBeEmpty();
    }

    [Fact]
    public void ParseSessions_TunnelTypeAsNumber_AsksForTheName()
    {
        var error = Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSessions(Samples.Read("sessions-numeric-tunneltype.json"), Now));

        error.Field.ShouldBe("[0].TunnelType");
        error.Message.ShouldContain("the number 2");
    }

    [Fact]
    public void ParseSessions_NegativeBytes_NamesItemAndProperty()
    {
        var error = Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSessions(Samples.Read("sessions-negative-bytes.json"), Now));

        error.Field.ShouldBe("[1].TotalBytesIn");
        error.Message.ShouldContain("-4096");
    }

    [Fact]
    public void ParseSessions_TruncatedJson_SaysItIsNotJsonWithTheLine()
    {
        var error = Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSessions(Samples.Read("sessions-truncated.json"), Now));

        error.Message.ShouldStartWith("Get-RemoteAccessConnectionStatistics (line ");
        error.Message.ShouldContain("not valid JSON");
        error.Line.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("""{"TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].UserName")]
    [InlineData("""{"UserName":[],"TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].UserName")]
    [InlineData("""{"UserName":"a","TunnelType":"Gre","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].TunnelType")]
    [InlineData("""{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":"yesterday","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].ConnectionStartTime")]
    [InlineData("""{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":"\/Date(4102444800000)\/","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].ConnectionStartTime")]
    [InlineData("""{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":999999999999,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].ConnectionDuration")]
    [InlineData("""{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1.5,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].ConnectionDuration")]
    [InlineData("""{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesOut":1}""", "[0].TotalBytesIn")]
    [InlineData("""{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesIn":"lots","TotalBytesOut":1}""", "[0].TotalBytesIn")]
    [InlineData("""{"UserName":"a","ClientIPv4Address":"10.0.0.999","TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].ClientIPAddress")]
    [InlineData("""{"UserName":{"x":1},"TunnelType":"Sstp","ConnectionStartTime":"2023-11-14T00:00:00Z","ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "[0].UserName")]
    public void ParseSessions_BadOrAbsurdValue_NamesTheProperty(string json, string field)
    {
        Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSessions(json, Now)).Field.ShouldBe(field);
    }

    [Fact]
    public void ParseSessions_ArrayOfNonObjects_IsRefused()
    {
        Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSessions("[1,2]", Now)).Field.ShouldBe("[0]");
        Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSessions("\"text\"", Now));
    }

    [Fact]
    public void ParseSessions_DateWrappedByPs51NoteProperties_ReadsItsValue()
    {
        const string json = """{"UserName":"a","TunnelType":"Sstp","ConnectionStartTime":{"value":"\/Date(1700000000000)\/","DisplayHint":2,"DateTime":"Tuesday, November 14, 2023 10:13:20 PM"},"ConnectionDuration":1,"TotalBytesIn":1,"TotalBytesOut":1}""";

        RemoteAccessJson.ParseSessions(json, Now).ShouldHaveSingleItem().ConnectionStartTime.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));
    }

    [Fact]
    public void ParseSummary_Ps51Object_ReadsAllCounters()
    {
        var summary = RemoteAccessJson.ParseSummary(Samples.Read("summary-ps51.json"));

        summary.ShouldBe(new ConnectionSummary
        {
            TotalConnections = 3,
            TotalVpnConnections = 2,
            TotalDaConnections = 1,
            TotalUniqueUsers = 3,
            MaxConcurrentConnections = 41,
            TotalCumulativeConnections = 7031,
            TotalBytesIn = 1167785920,
            TotalBytesOut = 3350338848,
        });
    }

    [Theory]
    [InlineData("", "the output is empty")]
    [InlineData("""[{"TotalConnections":1,"TotalUniqueUsers":1,"TotalBytesIn":1,"TotalBytesOut":1},{"TotalConnections":1,"TotalUniqueUsers":1,"TotalBytesIn":1,"TotalBytesOut":1}]""", "found 2")]
    [InlineData("""{"TotalUniqueUsers":1,"TotalBytesIn":1,"TotalBytesOut":1}""", "TotalConnections")]
    [InlineData("""{"TotalConnections":1,"TotalUniqueUsers":5,"TotalBytesIn":1,"TotalBytesOut":1}""", "impossible")]
    [InlineData("""{"TotalConnections":-1,"TotalUniqueUsers":0,"TotalBytesIn":1,"TotalBytesOut":1}""", "TotalConnections")]
    public void ParseSummary_BadOutput_IsAClearError(string json, string expected)
    {
        Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseSummary(json)).Message.ShouldContain(expected);
    }

    [Fact]
    public void ParseRadiusServers_MixedPurposes_ReturnsOnlyAuthenticationServers()
    {
        var servers = RemoteAccessJson.ParseRadiusServers(Samples.Read("radius-ps51.json"));

        servers.ShouldBe(
        [
            new ReportedRadiusServer { Address = "nps1.corp.example", Port = 1812, TimeoutSeconds = 60, Priority = 30 },
            new ReportedRadiusServer { Address = "nps2.corp.example", Port = 1812, TimeoutSeconds = 60, Priority = 20 },
        ]);
    }

    [Fact]
    public void ParseRadiusServers_SingleObjectWithPlainNames_ReadsIt()
    {
        const string json = """{"ServerName":"10.1.2.1","Purpose":"Authentication","Score":30,"Timeout":5,"Port":1645}""";

        RemoteAccessJson.ParseRadiusServers(json).ShouldHaveSingleItem().ShouldBe(
            new ReportedRadiusServer { Address = "10.1.2.1", Port = 1645, TimeoutSeconds = 5, Priority = 30 });
    }

    [Theory]
    [InlineData("""{"ServerName":"a","Purpose":1,"Timeout":5}""", "[0].Purpose")]
    [InlineData("""{"ServerName":"a","Purpose":"Proxy","Timeout":5}""", "[0].Purpose")]
    [InlineData("""{"Purpose":"Authentication","Timeout":5}""", "[0].ServerName")]
    [InlineData("""{"ServerName":"a","Purpose":"Authentication","Timeout":0}""", "[0].Timeout")]
    [InlineData("""{"ServerName":"a","Purpose":"Authentication","Timeout":5,"Port":70000}""", "[0].Port")]
    public void ParseRadiusServers_BadValue_NamesTheProperty(string json, string field)
    {
        Should.Throw<OutputFormatException>(() => RemoteAccessJson.ParseRadiusServers(json)).Field.ShouldBe(field);
    }
}
