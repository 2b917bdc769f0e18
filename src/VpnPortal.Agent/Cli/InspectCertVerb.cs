using System.Text.Json;
using System.Text.Json.Serialization;
using VpnPortal.Agent.Certificates;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Cli;

/// <summary><c>inspect-cert FILE [--password P]</c>: what a certificate file is and what it is fit for, as JSON.</summary>
internal sealed class InspectCertVerb(TimeProvider time) : IAgentVerb
{
    public InspectCertVerb()
        : this(TimeProvider.System)
    {
    }

    public string Name => "inspect-cert";

    public string Usage => "inspect-cert FILE [--password P]   show a PEM, DER (.cer) or PFX certificate and whether it fits SSTP, IKEv2 and client authentication";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CliOptions(args, new HashSet<string> { "password" });
        if (options.Positional.Count != 1)
        {
            throw new CliUsageException(options.Positional.Count == 0 ? "FILE is required." : "Give exactly one FILE.");
        }

        CertificateInspection inspection;
        try
        {
            inspection = CertificateInspector.Inspect(options.Positional[0], options.Get("password"), time.GetUtcNow());
        }
        catch (CertificateFileException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }

        await output.WriteLineAsync(JsonSerializer.Serialize(inspection, Json));
        return 0;
    }
}
