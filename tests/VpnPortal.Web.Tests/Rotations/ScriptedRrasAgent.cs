using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Web.Tests.AgentApi;

namespace VpnPortal.Web.Tests.Rotations;

/// <summary>
/// An RRAS agent for rollout tests that keeps the SSTP state a real server would (configured certificate, both
/// HTTP.sys bindings, the offload hash) and answers the rollout's commands as Windows does, with faults to inject.
/// Every command it ran is kept, so a test can prove no step ran twice.
/// </summary>
public sealed class ScriptedRrasAgent(TestAgent agent, string initialSha1)
{
    public TestAgent Agent { get; } = agent;
    public string ConfiguredSha1 { get; private set; } = initialSha1;
    public string Ipv4Binding { get; private set; } = initialSha1;
    public string Ipv6Binding { get; private set; } = initialSha1;
    public string? OffloadHash { get; private set; }
    public bool UseHttps { get; set; } = true;
    public List<X509Certificate2> Personal { get; } = [];

    /// <summary>Every command run, in order: kind and payload.</summary>
    public List<(string Kind, JsonElement? Payload)> Ran { get; } = [];

    /// <summary>The next restart leaves the IPv6 binding on the old certificate (the verification must catch it).</summary>
    public bool Ipv6KeepsOldBindingOnRestart { get; set; }

    /// <summary>Commands of this kind fail with this message.</summary>
    public Dictionary<string, string> Failures { get; } = [];

    /// <summary>A fake clock to move on by a second before each poll, so the portal sees time pass between reports.</summary>
    public FakeTimeProvider? Time { get; set; }

    /// <summary>The same server's state, now reported by another agent client (e.g. to a restarted portal).</summary>
    public ScriptedRrasAgent MovedTo(TestAgent agent)
    {
        var moved = new ScriptedRrasAgent(agent, ConfiguredSha1)
        {
            Ipv4Binding = Ipv4Binding,
            Ipv6Binding = Ipv6Binding,
            OffloadHash = OffloadHash,
            UseHttps = UseHttps,
            Time = Time,
        };
        moved.Personal.AddRange(Personal);
        return moved;
    }

    /// <summary>Polls once (holding the poll up to <paramref name="waitSeconds"/>) and runs what came. Returns how many ran.</summary>
    public async Task<int> StepAsync(int waitSeconds = 5)
    {
        Time?.Advance(TimeSpan.FromSeconds(1));
        var batch = await Agent.PollAsync(waitSeconds);
        foreach (var command in batch.Commands)
        {
            await RunAsync(command);
        }

        return batch.Commands.Count;
    }

    /// <summary>Runs commands until <paramref name="done"/> holds or the time is up.</summary>
    public async Task RunUntilAsync(Func<Task<bool>> done, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the rollout did not get there in time");
            await StepAsync(waitSeconds: 1);
        }
    }

    public async Task ReportAsync()
    {
        // A report is taken after what it reports on: on a fake clock, let time move on so it is not stamped with the
        // very instant the portal queued the step that asked for it.
        Time?.Advance(TimeSpan.FromMilliseconds(10));
        await Agent.ReportAsync(Snapshot());
    }

    public AgentSnapshot Snapshot()
    {
        var snapshot = Snapshots.Rras(Agent, Agent.Next(), []);
        var appId = Snapshots.SstpAppId;
        return snapshot with
        {
            Rras = snapshot.Rras! with
            {
                SslBindings = UseHttps
                    ?
                    [
                        new ReportedSslBinding { IpPort = "0.0.0.0:443", CertificateHash = Ipv4Binding, ApplicationId = appId, CertificateStoreName = "MY" },
                        new ReportedSslBinding { IpPort = "[::]:443", CertificateHash = Ipv6Binding, ApplicationId = appId, CertificateStoreName = "MY" },
                    ]
                    : [],
                Sstp = new SstpParameters { ListenerPort = 443, UseHttps = UseHttps, Sha256CertificateHash = OffloadHash },
                ConfiguredSstpCertificateSha1 = ConfiguredSha1,
            },
            Certificates = [.. snapshot.Certificates, .. Personal.Select(c => CertificateReport.From(c, CertificateStoreKind.My))],
        };
    }

    private async Task RunAsync(AgentCommandMessage command)
    {
        Ran.Add((command.Kind, command.Payload));
        if (Failures.TryGetValue(command.Kind, out var failure))
        {
            (await Agent.AnswerAsync(command.Id, CommandOutcome.Failed, failure)).EnsureSuccessStatusCode();
            return;
        }

        var payload = command.Payload ?? default;
        string message;
        switch (command.Kind)
        {
            case AgentCommandKinds.ImportPfx:
                var pfx = Convert.FromBase64String(payload.GetProperty("pfx").GetString()!);
                var certificate = X509CertificateLoader.LoadPkcs12(pfx, payload.GetProperty("password").GetString());
                certificate.Thumbprint.ShouldBe(payload.GetProperty("sha1Thumbprint").GetString());
                if (!Personal.Any(c => c.Thumbprint == certificate.Thumbprint))
                {
                    Personal.Add(certificate); // importing what is there already changes nothing, as on Windows
                }

                message = $"Imported {certificate.Thumbprint} with its private key into Local Computer\\Personal.";
                break;
            case AgentCommandKinds.SetSstpCertificate:
                ConfiguredSha1 = payload.GetProperty("sha1Thumbprint").GetString()!;
                message = $"SSTP now uses {ConfiguredSha1}; restart RemoteAccess to bind it.";
                break;
            case AgentCommandKinds.SetSstpOffloadHash:
                OffloadHash = payload.TryGetProperty("sha256Hash", out var hash) && hash.ValueKind == JsonValueKind.String ? hash.GetString() : null;
                message = $"SHA256CertificateHash set to {OffloadHash ?? "(removed)"}.";
                break;
            case AgentCommandKinds.RestartRemoteAccess:
                Ipv4Binding = ConfiguredSha1;
                if (!Ipv6KeepsOldBindingOnRestart)
                {
                    Ipv6Binding = ConfiguredSha1;
                }

                Ipv6KeepsOldBindingOnRestart = false;
                message = "RemoteAccess restarted and is running.";
                break;
            case AgentCommandKinds.RefreshReport:
                (await Agent.AnswerAsync(command.Id, CommandOutcome.Succeeded, "A full report follows.")).EnsureSuccessStatusCode();
                await ReportAsync();
                return;
            case AgentCommandKinds.CheckSstpListener:
                var expected = payload.TryGetProperty("expectedSha1Thumbprint", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                if (expected is not null && !string.Equals(expected, Ipv4Binding, StringComparison.OrdinalIgnoreCase))
                {
                    (await Agent.AnswerAsync(command.Id, CommandOutcome.Failed, $"HEAD answered 401 but presented {Ipv4Binding}, not {expected}.")).EnsureSuccessStatusCode();
                    return;
                }

                message = $"HEAD {SstpListener.ProbePath} answered 401" + (UseHttps ? $" with certificate {Ipv4Binding}." : " over HTTP.");
                break;
            default:
                throw new ShouldAssertException($"The rollout sent an unexpected command: {command.Kind}");
        }

        (await Agent.AnswerAsync(command.Id, CommandOutcome.Succeeded, message)).EnsureSuccessStatusCode();
    }
}
