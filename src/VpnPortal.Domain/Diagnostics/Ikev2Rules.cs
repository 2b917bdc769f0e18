namespace VpnPortal.Domain.Diagnostics;

/// <summary>The Ikev2 rules.</summary>
public static class Ikev2Rules
{
    public static IReadOnlyList<DiagnosticRule> Rules { get; } = [];
}
