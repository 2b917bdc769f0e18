using System.Buffers.Binary;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Security;

/// <summary>
/// The portal as shipped hashes passwords with Identity's default PBKDF2 rounds; only the in-memory test portals use
/// fewer, to save CPU, and they still verify a hash made with the full count.
/// </summary>
public sealed class PasswordHashingTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task ThePortalsOwnServices_HashWithIdentitysDefaultOf100000Rounds()
    {
        await using var portal = await PortalServices.StartAsync(shippedPasswordHashing: true);

        var hash = await portal.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<IPasswordHasher<PortalUser>>().HashPassword(new PortalUser(), Password)));

        Rounds(hash).ShouldBe(100_000);
    }

    [Fact]
    public async Task TestPortals_HashWithFewerRounds_AndVerifyAHashMadeWithTheDefault()
    {
        await using var portal = await PortalFactory.StartAsync();
        var hasher = await portal.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<IPasswordHasher<PortalUser>>()));

        Rounds(hasher.HashPassword(new PortalUser(), Password)).ShouldBe(PortalFactory.TestPasswordIterations);
        var shipped = new PasswordHasher<PortalUser>().HashPassword(new PortalUser(), Password);
        Rounds(shipped).ShouldBe(100_000);
        hasher.VerifyHashedPassword(new PortalUser(), shipped, Password).ShouldBe(PasswordVerificationResult.Success);
        hasher.VerifyHashedPassword(new PortalUser(), shipped, Password + "!").ShouldBe(PasswordVerificationResult.Failed);
    }

    /// <summary>The rounds an Identity V3 hash says it was made with: format byte 1, PRF, then the count, big-endian.</summary>
    private static int Rounds(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        bytes[0].ShouldBe((byte)0x01, "an Identity V3 hash");
        return BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(5, 4));
    }
}
