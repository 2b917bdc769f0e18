using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Features.Metrics;

/// <summary>"Metrics": whether /metrics is served, to whom, and how fresh the figures read from the database are.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>Off: /metrics does not exist (404) and nothing listens to the portal's meters.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Networks besides loopback that may scrape, in CIDR form (<c>10.20.0.0/24</c>, <c>fd00::/64</c>); a single address
    /// is <c>/32</c> (or <c>/128</c>). Everyone else gets 403.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// The figures read from the database (servers, sessions, findings, alerts, certificates, outbox) are read again at
    /// most this often, whatever the number of scrapers; zero reads them for every scrape.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a scrape waits for a read of the database; past that it gets the previous figures.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan ScrapeWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The allowed networks, parsed (valid once the options are validated).</summary>
    public IReadOnlyList<System.Net.IPNetwork> Networks() =>
        AllowedNetworks.Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var network) ? network : default).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedNetworks.Count; i++)
        {
            var text = AllowedNetworks[i]?.Trim() ?? "";
            if (!System.Net.IPNetwork.TryParse(text, out var network))
            {
                yield return new ValidationResult(
                    $"{Section}:AllowedNetworks:{i}: \"{text}\" is not a network in CIDR form (e.g. 10.0.0.0/24; 10.0.0.5/32 for one address).",
                    [nameof(AllowedNetworks)]);
            }
            else if (!network.BaseAddress.Equals(System.Net.IPAddress.Parse(text.Split('/')[0])))
            {
                // 10.0.0.1/24 may be a network typed with an address, or an address typed with the wrong prefix: ask.
                yield return new ValidationResult(
                    $"{Section}:AllowedNetworks:{i}: \"{text}\" has bits set past its prefix: write the network ({network}) or one address (/32, /128).",
                    [nameof(AllowedNetworks)]);
            }
        }
    }
}
