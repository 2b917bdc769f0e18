using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Notifications.NotificationSeed;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>What each webhook format posts, as a listener on loopback receives it.</summary>
public sealed class WebhookFormatTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GenericTeamsAndSlack_EachGetTheirOwnShape_InTheRotasTimeZone_WithAbsoluteLinks()
    {
        await using var hook = await WebhookListener.StartAsync();
        await using var portal = await PortalServices.StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(Start), NoJobs, ReachListenersOnLoopback);
        var ana = await portal.CreateUserAsync(Roles.OnCall);
        await using (var db = portal.Database.CreateContext())
        {
            db.OnCallRotations.Add(new OnCallRotation { Id = OnCallRotation.SingletonId, TimeZoneId = "Europe/Berlin", StartsOn = new DateOnly(2026, 11, 23) });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await SetPreferenceAsync(portal, ana.Id, email: false, inPortal: false);
        await AddWebhookAsync(portal, "Generic", WebhookFormat.Generic, hook.Url("/generic"));
        await AddWebhookAsync(portal, "Teams", WebhookFormat.Teams, hook.Url("/teams"));
        await AddWebhookAsync(portal, "Slack", WebhookFormat.Slack, hook.Url("/slack"));
        await EnqueueAsync(portal, new Notification("alert:9:threshold:14", null, ana.Id, Content()));

        (await DeliverAsync(portal)).ShouldBe(3);

        var byPath = hook.Requests.ToDictionary(r => r.Path);
        byPath.Values.ShouldAllBe(r => r.ContentType.StartsWith("application/json"));
        const string when = "in 14 days, on Tue 8 Dec 2026 10:00 (Europe/Berlin)";
        const string certificate = "https://vpnportal.corp.example/certificates/7d0c1d2e-0000-4000-8000-000000000001";

        var generic = byPath["/generic"].Json;
        generic["source"]!.GetValue<string>().ShouldBe("vpnportal");
        generic["sourceKey"]!.GetValue<string>().ShouldBe("alert:9:threshold:14");
        generic["severity"]!.GetValue<string>().ShouldBe("warning");
        generic["subject"]!.GetValue<string>().ShouldBe("SSTP certificate vpn.corp.example expires in 14 days");
        generic["expiresAt"]!.GetValue<string>().ShouldStartWith("2026-12-08T09:00:00");
        generic["expires"]!.GetValue<string>().ShouldBe(when);
        generic["installedOn"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["VPN01 (Local Computer\\Personal)", "VPN02 (Local Computer\\Personal)"]);
        generic["links"]![0]!["url"]!.GetValue<string>().ShouldBe(certificate);

        var teams = byPath["/teams"].Json;
        teams["@type"]!.GetValue<string>().ShouldBe("MessageCard");
        teams["@context"]!.GetValue<string>().ShouldBe("https://schema.org/extensions");
        teams["title"]!.GetValue<string>().ShouldBe("SSTP certificate vpn.corp.example expires in 14 days");
        teams["summary"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        var facts = teams["sections"]![0]!["facts"]!.AsArray();
        facts.Single(f => f!["name"]!.GetValue<string>() == "Expires")!["value"]!.GetValue<string>().ShouldBe(when);
        facts.Single(f => f!["name"]!.GetValue<string>() == "Installed on")!["value"]!.GetValue<string>().ShouldContain("VPN02");
        var action = teams["potentialAction"]![0]!;
        action["@type"]!.GetValue<string>().ShouldBe("OpenUri");
        action["name"]!.GetValue<string>().ShouldBe("Certificate");
        action["targets"]![0]!["uri"]!.GetValue<string>().ShouldBe(certificate);

        var slack = byPath["/slack"].Json;
        slack["text"]!.GetValue<string>().ShouldStartWith("SSTP certificate vpn.corp.example expires in 14 days");
        var blocks = slack["blocks"]!.AsArray();
        blocks[0]!["type"]!.GetValue<string>().ShouldBe("header");
        blocks[0]!["text"]!["type"]!.GetValue<string>().ShouldBe("plain_text");
        blocks.Where(b => b!["type"]!.GetValue<string>() == "section").SelectMany(b => b!["fields"]?.AsArray() ?? [])
            .Select(f => f!["text"]!.GetValue<string>()).ShouldContain($"*Expires*\n{when}");
        var buttons = blocks.Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        buttons.Select(b => b!["url"]!.GetValue<string>()).ShouldContain(certificate);
        buttons.ShouldAllBe(b => b!["type"]!.GetValue<string>() == "button");
    }

    [Fact]
    public void Slack_EscapesItsControlCharacters_AndCutsTheHeaderToItsLimit()
    {
        var message = new RenderedNotification("critical", new string('x', 200), "a < b & c > d", null, null, [], [], "UTC");

        var payload = WebhookSender.Payload(WebhookFormat.Slack, "k", message);

        payload["blocks"]![0]!["text"]!["text"]!.GetValue<string>().Length.ShouldBe(150);
        payload["blocks"]![1]!["text"]!["text"]!.GetValue<string>().ShouldBe("a &lt; b &amp; c &gt; d");
    }
}
