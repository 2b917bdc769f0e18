using Shouldly;
using VpnPortal.Domain.Agents;
using Xunit;

namespace VpnPortal.Domain.Tests.Agents;

public sealed class AgentPresenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, AgentPresenceState.Online)]
    [InlineData(60, AgentPresenceState.Online)]
    [InlineData(61, AgentPresenceState.Late)]
    [InlineData(300, AgentPresenceState.Late)]
    [InlineData(301, AgentPresenceState.Offline)]
    public void Classify_BySilence_CrossesIntoLateThenOffline(int secondsSilent, AgentPresenceState expected) =>
        AgentPresence.Classify(Now.AddSeconds(-secondsSilent), null, Now, Interval).ShouldBe(expected);

    [Fact]
    public void Classify_Revoked_WinsOverRecentContact() =>
        AgentPresence.Classify(Now, Now.AddMinutes(-1), Now, Interval).ShouldBe(AgentPresenceState.Revoked);

    [Fact]
    public void Classify_NeverHeardFrom_IsNeverSeen() =>
        AgentPresence.Classify(null, null, Now, Interval).ShouldBe(AgentPresenceState.NeverSeen);
}
