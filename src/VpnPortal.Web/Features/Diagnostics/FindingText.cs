using System.Text.RegularExpressions;
using MudBlazor;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>How a finding's evidence and fix steps are shown: commands apart from the prose, differing hashes marked.</summary>
public static partial class FindingText
{
    /// <summary>A fix step as shown: the sentence, and the command in it to copy (either may be missing).</summary>
    public sealed record FixStep(string? Prose, string? Command);

    /// <summary>One piece of an evidence value; <see cref="Differs"/> marks characters that differ from the value compared with.</summary>
    public sealed record Segment(string Text, bool Differs);

    /// <summary>An evidence row as shown: its value in pieces, and whether it is a hash that differs from another row's.</summary>
    public sealed record EvidenceLine(string Label, string Value, IReadOnlyList<Segment> Segments, bool Differs);

    // The commands rules write start with one of these (PowerShell cmdlets, netsh, certutil, a script call, a variable).
    [GeneratedRegex(@"^(netsh |certutil |& '|\$[A-Za-z]|(Set|Get|Restart|Import|Export|Enable|Disable|Update|Connect|Test|Remove|New|Add|Enable)-[A-Za-z]+)")]
    private static partial Regex CommandStart();

    /// <summary>
    /// Splits a step such as "Assign it to SSTP: Set-RemoteAccess ..." into the sentence and the command; a step that is
    /// only a command has no prose, a step without one has no command.
    /// </summary>
    public static FixStep Split(string step)
    {
        var text = step.Trim();
        if (CommandStart().IsMatch(text))
        {
            return new FixStep(null, text);
        }

        for (var colon = text.IndexOf(": ", StringComparison.Ordinal); colon >= 0; colon = text.IndexOf(": ", colon + 1, StringComparison.Ordinal))
        {
            var rest = text[(colon + 2)..].TrimStart();
            if (!CommandStart().IsMatch(rest))
            {
                continue;
            }

            var prose = text[..colon];

            // "(a .pfx file: Import-PfxCertificate ...)." : the bracket and full stop belong to the sentence.
            if (prose.Count(c => c == '(') > prose.Count(c => c == ')') && rest.TrimEnd('.').EndsWith(')'))
            {
                rest = rest.TrimEnd('.')[..^1];
            }

            return new FixStep(prose, rest);
        }

        return new FixStep(text, null);
    }

    /// <summary>
    /// The evidence rows, with the hashes (SHA-1 or SHA-256 hex) of one length compared: when one value is shared by several
    /// rows, the rows with another value are marked against it ("configured = IPv4, IPv6 differs"); when every value is
    /// different, all are marked against the first. Marked rows highlight the characters that differ.
    /// </summary>
    public static IReadOnlyList<EvidenceLine> Evidence(IEnumerable<ListFindings.EvidenceRow> rows)
    {
        var list = rows.ToList();
        var hashes = list.Select(r => AsHash(r.Value)).ToList();
        var reference = new Dictionary<int, string?>();
        foreach (var group in hashes.OfType<string>().GroupBy(h => h.Length))
        {
            var counts = group.GroupBy(h => h).OrderByDescending(g => g.Count()).ToList();
            reference[group.Key] = counts.Count < 2 ? null : counts[0].Count() > 1 ? counts[0].Key : group.First();
        }

        var result = new List<EvidenceLine>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var hash = hashes[i];
            var against = hash is null ? null : reference[hash.Length];
            if (hash is null || against is null)
            {
                result.Add(new EvidenceLine(list[i].Label, list[i].Value, [new Segment(list[i].Value, false)], false));
                continue;
            }

            var shared = hashes.Count(h => h == against) > 1;
            if (hash == against && shared)
            {
                result.Add(new EvidenceLine(list[i].Label, hash, [new Segment(hash, false)], false));
                continue;
            }

            // All different: the first is marked against the next one, the others against the first.
            var other = hash == against ? hashes.First(h => h is not null && h.Length == hash.Length && h != hash)! : against;
            result.Add(new EvidenceLine(list[i].Label, hash, Compare(hash, other), true));
        }

        return result;
    }

    private static string? AsHash(string value) => Thumbprints.Normalize(value) is { Length: 40 or 64 } hash ? hash : null;

    private static List<Segment> Compare(string value, string other)
    {
        var segments = new List<Segment>();
        var start = 0;
        for (var i = 1; i <= value.Length; i++)
        {
            if (i == value.Length || (value[i] != other[i]) != (value[start] != other[start]))
            {
                segments.Add(new Segment(value[start..i], value[start] != other[start]));
                start = i;
            }
        }

        return segments;
    }

    /// <summary>The colour a severity is shown in.</summary>
    public static Color SeverityColor(string severity) => severity switch
    {
        "critical" => Color.Error,
        "warning" => Color.Warning,
        _ => Color.Default,
    };

    public static string SeverityBadge(string severity) => severity switch
    {
        "critical" => "badge danger",
        "warning" => "badge warn",
        _ => "badge muted",
    };
}
