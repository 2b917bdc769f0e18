using System.Text.Json;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Supplies a command's payload at delivery for kinds whose payload must not be stored (secrets): the stored payload
/// is a reference. A refusal ends the command as failed instead of delivering it.
/// </summary>
public interface ICommandPayloadSource
{
    string Kind { get; }

    Task<(JsonElement? Payload, string? Refusal)> ExpandAsync(AgentCommand command, CancellationToken ct);
}
