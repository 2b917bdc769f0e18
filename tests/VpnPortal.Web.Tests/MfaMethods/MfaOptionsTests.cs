using System.ComponentModel.DataAnnotations;
using Shouldly;
using VpnPortal.Web.Features.MfaMethods;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>The Entra settings a portal refuses to start with, each with the sentence that names it.</summary>
public sealed class MfaOptionsTests
{
    [Theory]
    [InlineData("00:00:00.500", "00:00:20", "Mfa:Entra:RequestTimeout must be between")]
    [InlineData("00:03:00", "00:04:00", "Mfa:Entra:RequestTimeout must be between")]
    [InlineData("00:00:10", "00:00:05", "Mfa:Entra:CallTimeout must be at least")]
    [InlineData("00:00:10", "00:10:00", "Mfa:Entra:CallTimeout must be at least")]
    public void TimeoutsOutOfRange_AreRefusedWithTheSettingNamed(string request, string call, string message)
    {
        var problems = Problems(o =>
        {
            o.Entra.RequestTimeout = TimeSpan.Parse(request, System.Globalization.CultureInfo.InvariantCulture);
            o.Entra.CallTimeout = TimeSpan.Parse(call, System.Globalization.CultureInfo.InvariantCulture);
        });

        problems.ShouldHaveSingleItem().ShouldStartWith(message);
    }

    [Fact]
    public void TheDefaults_AreAccepted() => Problems(_ => { }).ShouldBeEmpty();

    private static List<string> Problems(Action<MfaOptions> change)
    {
        var options = new MfaOptions { Provider = "Entra" };
        options.Entra.TenantId = "contoso.onmicrosoft.com";
        options.Entra.ClientId = "client";
        options.Entra.ClientSecret = "secret";
        change(options);
        return options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? "").ToList();
    }
}
