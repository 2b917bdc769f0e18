using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

/// <summary>
/// Certificates whose extensions are malformed: each is read with the broken part named and everything else intact. The
/// named cases are what a review found crashing the agent's report; the fuzz run damages every extension thousands of ways.
/// </summary>
public sealed class CertificateReaderMalformedTests : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly CertificateDetails baseline;

    public CertificateReaderMalformedTests()
    {
        using var certificate = ExtensionSamples.Certificate(key);
        baseline = CertificateReader.Read(certificate);
    }

    public void Dispose() => key.Dispose();

    /// <summary>Hand-made broken values: the part they break, the bytes, and what is wrong with them.</summary>
    public static TheoryData<string, string, string> NamedCases() => new()
    {
        { CertificateReader.Parts.SubjectAlternativeNames, "3005A203616263", "a DNS name tagged as constructed [2]" },
        { CertificateReader.Parts.SubjectAlternativeNames, "3005A903616263", "a name tagged [9], which no GeneralName is" },
        { CertificateReader.Parts.SubjectAlternativeNames, "30058206767070", "a DNS name announcing 6 bytes and holding 3" },
        { CertificateReader.Parts.EnhancedKeyUsages, "300406032B06", "an OID cut short" },
        { CertificateReader.Parts.EnhancedKeyUsages, "3003020105", "an INTEGER where an OID belongs" },
        { CertificateReader.Parts.AuthorityInformationAccess, "300C300A06082B06010505073001", "an access description without its location" },
        { CertificateReader.Parts.CrlDistributionPoints, "300B3009A007A005860368E970", "a URI with a byte outside IA5String" },
        { CertificateReader.Parts.CrlDistributionPoints, "30063004A002A005", "a full name announcing more than it holds" },
        { CertificateReader.Parts.BasicConstraints, "30030101", "a BOOLEAN without its value" },
        { CertificateReader.Parts.KeyUsage, "030500", "a BIT STRING cut short" },
        { CertificateReader.Parts.SubjectKeyIdentifier, "040501", "an OCTET STRING cut short" },
        { CertificateReader.Parts.AuthorityKeyIdentifier, "300580", "a key identifier without its length" },
    };

    [Theory]
    [MemberData(nameof(NamedCases))]
    public void Read_MalformedExtension_NamesThePartAndKeepsTheRest(string part, string hex, string what)
    {
        var sample = ExtensionSamples.Of(part);
        using var certificate = ExtensionSamples.Certificate(key, sample.Oid, Convert.FromHexString(hex));

        var details = Should.NotThrow(() => CertificateReader.Read(certificate), what);

        details.ReadProblems.ShouldHaveSingleItem().ShouldStartWith($"{part} unreadable: ");
        Differences(details, certificate, part, mutatedIsUnreadable: true).ShouldBeEmpty(what);
    }

    [Fact]
    public void Read_WellFormedSamples_ReadsEveryPartWithoutProblems()
    {
        baseline.ReadProblems.ShouldBeEmpty();
        baseline.SubjectAlternativeNames.ShouldBe(["DNS:vpn.corp.example", "DNS:vpn-west.corp.example", "IP:192.0.2.10", "IP:2001:db8::10"]);
        baseline.EnhancedKeyUsages.ShouldBe(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.8.2.2"]);
        baseline.CrlDistributionPoints.ShouldBe(["http://pki.corp.example/crl/issuing.crl", "ldap:///CN=Corp%20Issuing%20CA,CN=pki,CN=CDP"]);
        baseline.IsCertificateAuthority.ShouldBeTrue();
        baseline.Subject.ShouldBe(ExtensionSamples.Subject);
        baseline.SerialNumber.ShouldBe("015EED42");
        baseline.KeyAlgorithm.ShouldBe("ECDSA");
        baseline.KeySize.ShouldBe(256);
    }

    [Fact]
    public void Read_ThousandsOfDamagedExtensions_NeverThrowsAndKeepsTheRestOfTheReport()
    {
        // Change the seed to explore further; a failure names the extension, the case number and the bytes.
        const int Seed = 20260515;
        const int CasesPerExtension = 500;
        var random = new Random(Seed);
        var failures = new List<string>();
        var unreadable = ExtensionSamples.All.ToDictionary(s => s.Part, _ => 0);

        foreach (var sample in ExtensionSamples.All)
        {
            for (var i = 0; i < CasesPerExtension; i++)
            {
                var (mutation, value) = DerMutations.Mutate(sample.Value, random);
                var name = $"{sample.Part} case {i} ({mutation}: {Convert.ToHexString(value)})";
                using var certificate = ExtensionSamples.Certificate(key, sample.Oid, value);
                CertificateDetails details;
                try
                {
                    details = CertificateReader.Read(certificate);
                }
                catch (Exception e)
                {
                    failures.Add($"{name}: {e.GetType().Name} escaped: {e.Message}");
                    continue;
                }

                var isUnreadable = CertificateReader.IsUnreadable(details.ReadProblems, sample.Part);
                failures.AddRange(Differences(details, certificate, sample.Part, isUnreadable).Select(d => $"{name}: {d}"));
                unreadable[sample.Part] += isUnreadable ? 1 : 0;
            }
        }

        failures.Count.ShouldBe(0, $"the first of {failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");

        // The damage reached each decoder: most mutations break an extension, so a run where few did tested little.
        foreach (var (part, count) in unreadable)
        {
            count.ShouldBeGreaterThan(CasesPerExtension / 4, $"only {count} of {CasesPerExtension} damaged {part} were unreadable");
        }
    }

    [Fact]
    public void ReadProblems_BytesThatAreNoCertificate_SayItInOneLine()
    {
        CertificateReader.ReadProblems([0x30, 0x82, 0x01]).ShouldHaveSingleItem().ShouldStartWith("certificate unreadable: ");
        CertificateReader.ReadProblems(null).ShouldBeEmpty();
    }

    [Fact]
    public void ReadProblems_StoredCopyOfABrokenCertificate_NamesTheBrokenPart()
    {
        using var certificate = ExtensionSamples.Certificate(key, ExtensionSamples.Of(CertificateReader.Parts.EnhancedKeyUsages).Oid, [0x30, 0x03, 0x02, 0x01, 0x05]);

        CertificateReader.ReadProblems(certificate.RawData).ShouldHaveSingleItem().ShouldStartWith("enhanced key usages unreadable: ");
    }

    [Fact]
    public void Facts_UnreadableEnhancedKeyUsages_AreNotFitForAnyUse()
    {
        using var certificate = ExtensionSamples.Certificate(key, ExtensionSamples.Of(CertificateReader.Parts.EnhancedKeyUsages).Oid, [0x30, 0x03, 0x02, 0x01, 0x05]);

        // Read as "no EKU" the certificate would pass for all purposes; it must not.
        var facts = CertificateReader.Facts(certificate);
        var now = ExtensionSamples.NotBefore.AddDays(10);

        foreach (var verdict in new[] { CertificateFitness.Sstp(facts, now), CertificateFitness.Ikev2(facts, now), CertificateFitness.ClientAuthentication(facts, now) })
        {
            verdict.Fit.ShouldBeFalse();
            verdict.Reasons.ShouldContain(r => r.StartsWith("part of it cannot be read (enhanced key usages unreadable: ", StringComparison.Ordinal));
        }
    }

    /// <summary>What differs from the well-formed certificate beyond the one damaged part, and what is wrong in that part's report.</summary>
    private List<string> Differences(CertificateDetails details, X509Certificate2 certificate, string mutated, bool mutatedIsUnreadable)
    {
        var differences = new List<string>();
        void Same<T>(string part, T actual, T expected, Func<T, T, bool> equal)
        {
            if (part == mutated)
            {
                return;
            }

            if (!equal(actual, expected))
            {
                differences.Add($"{part} changed: {Show(actual)} instead of {Show(expected)}");
            }
        }

        static bool Sequence(IReadOnlyList<string> a, IReadOnlyList<string> b) => a.SequenceEqual(b);

        if (details.Sha1Thumbprint != Convert.ToHexString(SHA1.HashData(certificate.RawData)) || details.Sha256Thumbprint != Convert.ToHexString(SHA256.HashData(certificate.RawData)))
        {
            differences.Add("the thumbprints are not the hashes of the certificate");
        }

        Same("subject", details.Subject, baseline.Subject, string.Equals);
        Same("issuer", details.Issuer, baseline.Issuer, string.Equals);
        Same("serial number", details.SerialNumber, baseline.SerialNumber, string.Equals);
        Same("validity", (details.NotBefore, details.NotAfter), (baseline.NotBefore, baseline.NotAfter), (a, b) => a == b);
        Same("public key", (details.KeyAlgorithm, details.KeySize), (baseline.KeyAlgorithm, baseline.KeySize), (a, b) => a == b);
        Same(CertificateReader.Parts.SubjectAlternativeNames, details.SubjectAlternativeNames, baseline.SubjectAlternativeNames, Sequence);
        Same(CertificateReader.Parts.EnhancedKeyUsages, details.EnhancedKeyUsages, baseline.EnhancedKeyUsages, Sequence);
        Same(CertificateReader.Parts.CrlDistributionPoints, details.CrlDistributionPoints, baseline.CrlDistributionPoints, Sequence);
        Same(CertificateReader.Parts.BasicConstraints, details.IsCertificateAuthority, baseline.IsCertificateAuthority, (a, b) => a == b);

        var elsewhere = details.ReadProblems.Where(p => !p.StartsWith(mutated + " unreadable: ", StringComparison.Ordinal)).ToList();
        if (elsewhere.Count > 0)
        {
            differences.Add($"problems reported for parts that were not damaged: {string.Join(" | ", elsewhere)}");
        }

        if (mutatedIsUnreadable)
        {
            var left = mutated switch
            {
                CertificateReader.Parts.SubjectAlternativeNames => details.SubjectAlternativeNames.Count,
                CertificateReader.Parts.EnhancedKeyUsages => details.EnhancedKeyUsages.Count,
                CertificateReader.Parts.CrlDistributionPoints => details.CrlDistributionPoints.Count,
                CertificateReader.Parts.BasicConstraints => details.IsCertificateAuthority ? 1 : 0,
                _ => 0,
            };
            if (left != 0)
            {
                differences.Add($"{mutated} is unreadable but still reports values");
            }
        }

        return differences;
    }

    private static string Show<T>(T value) => value is IEnumerable<string> list ? $"[{string.Join(", ", list)}]" : $"{value}";
}
