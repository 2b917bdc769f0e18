using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class MfaExtensionCertificatesTests
{
    private const string Tenant = "6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94";

    [Theory]
    [InlineData("CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94, OU=Microsoft NPS Extension", null, true)]
    [InlineData("OU=microsoft nps extension, CN=6F0E3C2A-9D41-4B7E-A3C5-2F8D1E0B7A94", Tenant, true)]
    [InlineData("CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94, OU=Microsoft NPS Extension", "00000000-0000-0000-0000-000000000001", false)]
    [InlineData("CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94", null, false)]
    [InlineData("CN=nps1.corp.example, OU=Microsoft NPS Extension", null, false)]
    [InlineData("", null, false)]
    public void IsNamedLikeOne_NeedsTheOuAndAGuidCn_TheTenantsWhenKnown(string subject, string? tenant, bool expected) =>
        MfaExtensionCertificates.IsNamedLikeOne(subject, tenant).ShouldBe(expected);
}
