using System.Globalization;
using System.Text;

namespace VpnPortal.Web.Tests.Support;

/// <summary>One line of a scrape: a series' name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Whether every given label has the given value (other labels may be there too).</summary>
    public bool Has(params (string Name, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Name, out var value) && value == l.Value);
}

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4) as a scraper does: <c># TYPE</c> lines and samples with
/// escaped label values. Anything it cannot read fails the test with the line, rather than being skipped.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Each metric family's type (counter, gauge, histogram...) by its name.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Every series name that has a sample (a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> each).</summary>
    public IReadOnlySet<string> Names => Samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The samples of one series name.</summary>
    public IEnumerable<PrometheusSample> Of(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels; 0 when there is none (a counter not yet counted).</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        Of(name).Where(s => s.Has(labels)).Select(s => s.Value).DefaultIfEmpty(0).Single();

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length == 4 && parts[1] == "TYPE")
                {
                    types[parts[2]] = parts[3];
                }

                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusText(samples, types);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                if (eq < 0 || line[eq + 1] != '"')
                {
                    throw new FormatException($"Not a label in: {line}");
                }

                var label = line[i..eq].Trim();
                i = eq + 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels[label] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ');
        var number = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
