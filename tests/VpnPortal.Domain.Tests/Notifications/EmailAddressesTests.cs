using Shouldly;
using VpnPortal.Domain.Notifications;
using Xunit;

namespace VpnPortal.Domain.Tests.Notifications;

public sealed class EmailAddressesTests
{
    [Theory]
    [InlineData("ana.pager@corp.example", "a•••@corp.example")]
    [InlineData("a@corp.example", "a•••@corp.example")]
    [InlineData("\"odd@local\"@corp.example", "\"•••@corp.example")]
    [InlineData("no-at-sign", "•••")]
    [InlineData("@corp.example", "•••")]
    public void Masked_KeepsTheFirstCharacterAndTheDomain_AndHidesTheLength(string address, string expected) =>
        EmailAddresses.Masked(address).ShouldBe(expected);
}
