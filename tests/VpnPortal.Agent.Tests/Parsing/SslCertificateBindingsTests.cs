using Shouldly;
using VpnPortal.Agent.Parsing;
using Xunit;

namespace VpnPortal.Agent.Tests.Parsing;

public sealed class SslCertificateBindingsTests
{
    private static readonly Guid Sstp = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75");
    private static readonly Guid Iis = Guid.Parse("4dc3e181-e14b-4a21-b022-59fc669b0914");

    [Fact]
    public void Parse_OldFormatWithCrlfAndTrailingBlanks_ReturnsBothSstpBindings()
    {
        var bindings = SslCertificateBindings.Parse(Samples.Read("sslcert-2012r2-sstp.txt"));

        bindings.Select(b => b.Key).ShouldBe(["0.0.0.0:443", "[::]:443"]);
        bindings.ShouldAllBe(b => b.KeyKind == SslBindingKeyKind.IpPort && b.Port == 443);
        bindings.ShouldAllBe(b => b.CertificateHash == "C14E9C7FFE2F292EF4367EED10317F4C1BA20DF0");
        bindings.ShouldAllBe(b => b.ApplicationId == Sstp && b.CertificateStoreName == "MY");
        bindings[0].OtherFields["Negotiate Client Certificate"].ShouldBe("Disabled");
        bindings[0].OtherFields["Ctl Identifier"].ShouldBe("");
        bindings[1].Line.ShouldBe(19);
    }

    [Fact]
    public void Parse_NewFormatWithHostnameAndCentralStoreBindings_KeepsTheirKeyKinds()
    {
        var bindings = SslCertificateBindings.Parse(Samples.Read("sslcert-2022-sstp-sni-ccs.txt"));

        bindings.Select(b => (b.KeyKind, b.Key)).ShouldBe(
        [
            (SslBindingKeyKind.IpPort, "0.0.0.0:443"),
            (SslBindingKeyKind.IpPort, "[::]:443"),
            (SslBindingKeyKind.HostnamePort, "portal.corp.example:443"),
            (SslBindingKeyKind.CentralCertificateStore, "8443"),
        ]);
        bindings[0].OtherFields["Disable HTTP2"].ShouldBe("Not Set");
        bindings[2].CertificateHash.ShouldBe("0A1B2C3D4E5F60718293A4B5C6D7E8F901234567");
        bindings[2].ApplicationId.ShouldBe(Iis);
        bindings[3].CertificateHash.ShouldBeNull();
        bindings[3].CertificateStoreName.ShouldBeNull();
        bindings[3].Port.ShouldBe(8443);
    }

    [Fact]
    public void IpBindingsOnPort_NewFormatWithHostnameBindings_ReturnsOnlyIpBindings()
    {
        var bindings = SslCertificateBindings.Parse(Samples.Read("sslcert-2022-sstp-sni-ccs.txt"));

        var reported = SslCertificateBindings.IpBindingsOnPort(bindings, 443);

        reported.Select(b => b.IpPort).ShouldBe(["0.0.0.0:443", "[::]:443"]);
        reported.ShouldAllBe(b => b.CertificateHash == "5B1F4D0A9E3C27F8A6D2E4B0C9F1A3E5D7B9C2F4" && b.ApplicationId == Sstp);
    }

    [Fact]
    public void IpBindingsOnPort_IisTookIpv4Binding_ReportsItWithItsOwnAppIdAndLeavesOtherPortsOut()
    {
        var bindings = SslCertificateBindings.Parse(Samples.Read("sslcert-2019-iis-took-ipv4.txt"));

        var reported = SslCertificateBindings.IpBindingsOnPort(bindings, 443);

        bindings.Count.ShouldBe(3);
        reported.Count.ShouldBe(2);
        reported[0].ShouldBe(new Contracts.Agents.ReportedSslBinding
        {
            IpPort = "0.0.0.0:443",
            CertificateHash = "9F8E7D6C5B4A39281706F5E4D3C2B1A098765432",
            ApplicationId = Iis,
            CertificateStoreName = "My",
        });
        reported[1].ApplicationId.ShouldBe(Sstp);
    }

    [Fact]
    public void IpBindingsOnPort_ListenerOnAnotherPort_FindsOnlyThatPort()
    {
        var bindings = SslCertificateBindings.Parse(Samples.Read("sslcert-2019-iis-took-ipv4.txt"));

        SslCertificateBindings.IpBindingsOnPort(bindings, 8443).Select(b => b.IpPort).ShouldBe(["10.20.0.15:8443"]);
    }

    [Fact]
    public void Parse_NoBindings_ReturnsEmpty()
    {
        SslCertificateBindings.Parse(Samples.Read("sslcert-none.txt")).ShouldBeEmpty();
        SslCertificateBindings.Parse("").ShouldBeEmpty();
    }

    [Fact]
    public void Parse_TruncatedLastBlock_NamesTheBlockAndTheMissingField()
    {
        var error = Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(Samples.Read("sslcert-truncated.txt")));

        error.Line.ShouldBe(11);
        error.Field.ShouldBe("Application ID");
        error.Message.ShouldContain("[::]:443");
        error.Message.ShouldContain("no application ID");
    }

    [Fact]
    public void Parse_NonHexHash_NamesLineAndField()
    {
        var error = Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(Samples.Read("sslcert-bad-hash.txt")));

        error.Line.ShouldBe(6);
        error.Field.ShouldBe("Certificate Hash");
        error.Message.ShouldContain("not a SHA-1 hash");
    }

    [Fact]
    public void Parse_BadGuid_NamesLineAndField()
    {
        var error = Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(Samples.Read("sslcert-bad-appid.txt")));

        error.Line.ShouldBe(7);
        error.Field.ShouldBe("Application ID");
        error.Message.ShouldStartWith("netsh http show sslcert (line 7, field 'Application ID'):");
    }

    [Fact]
    public void Parse_BlockWithoutHash_IsAnErrorNotADroppedBinding()
    {
        const string output = "    IP:port : 0.0.0.0:443\n    Application ID : {ba195980-cd49-458b-9e23-c84ee0adcd75}\n";

        var error = Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(output));

        error.Field.ShouldBe("Certificate Hash");
        error.Line.ShouldBe(1);
    }

    [Fact]
    public void Parse_NullHashOnIpBinding_IsAnError()
    {
        const string output = "    IP:port : 0.0.0.0:443\n    Certificate Hash : (null)\n    Application ID : {ba195980-cd49-458b-9e23-c84ee0adcd75}\n";

        Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(output)).Line.ShouldBe(2);
    }

    [Theory]
    [InlineData("    IP:port : 0.0.0.0:99999", "no valid port")]
    [InlineData("    IP:port : not-an-ip:443", "not an IP address")]
    [InlineData("    Hostname:port : vpn.corp.example", "not a host name and port")]
    public void Parse_BadKey_IsAnError(string keyLine, string problem)
    {
        var output = keyLine + "\n    Certificate Hash : c14e9c7ffe2f292ef4367eed10317f4c1ba20df0\n    Application ID : {ba195980-cd49-458b-9e23-c84ee0adcd75}\n";

        Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(output)).Message.ShouldContain(problem);
    }

    [Fact]
    public void Parse_FieldBeforeAnyKey_IsAnError()
    {
        const string output = "SSL Certificate bindings:\n-------------------------\n\n    Certificate Hash : c14e9c7ffe2f292ef4367eed10317f4c1ba20df0\n";

        var error = Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(output));

        error.Line.ShouldBe(4);
        error.Field.ShouldBe("Certificate Hash");
    }

    [Fact]
    public void Parse_LocalizedOrForeignLine_NamesTheLine()
    {
        // netsh translates its banner and labels; the first line the parser cannot place is named, here the German banner.
        const string output = "\nSSL-Zertifikatbindungen:\n------------------------\n\n    IP:Port                      : 0.0.0.0:443\n    Zertifikathash               : c14e9c7ffe2f292ef4367eed10317f4c1ba20df0\n";

        var error = Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(output));

        error.Line.ShouldBe(2);
    }

    [Fact]
    public void Parse_SameFieldTwiceInABlock_IsAnError()
    {
        const string output = "    IP:port : 0.0.0.0:443\n    Certificate Hash : c14e9c7ffe2f292ef4367eed10317f4c1ba20df0\n    Certificate Hash : c14e9c7ffe2f292ef4367eed10317f4c1ba20df0\n";

        Should.Throw<OutputFormatException>(() => SslCertificateBindings.Parse(output)).Line.ShouldBe(3);
    }
}
