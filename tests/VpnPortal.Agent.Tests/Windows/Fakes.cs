using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Windows;
using VpnPortal.Contracts.Agents;
using VpnPortal.Testing;

namespace VpnPortal.Agent.Tests.Windows;

/// <summary>Answers each script (by its name) with a recorded output and remembers what it was asked to run.</summary>
internal sealed class RecordedPowerShell : IPowerShellRunner
{
    private readonly Dictionary<string, Queue<Func<string>>> answers = new();

    public List<PowerShellScript> Ran { get; } = [];

    public RecordedPowerShell Answer(PowerShellScript script, string output) => Answer(script.Name, () => output);

    public RecordedPowerShell Answer(string scriptName, string output) => Answer(scriptName, () => output);

    public RecordedPowerShell Answer(string scriptName, Func<string> output)
    {
        if (!answers.TryGetValue(scriptName, out var queue))
        {
            answers[scriptName] = queue = new Queue<Func<string>>();
        }

        queue.Enqueue(output);
        return this;
    }

    public Task<string> RunAsync(PowerShellScript script, CancellationToken cancellationToken)
    {
        Ran.Add(script);
        if (!answers.TryGetValue(script.Name, out var queue) || queue.Count == 0)
        {
            throw new InvalidOperationException($"No recorded output for '{script.Name}'.");
        }

        // The last answer repeats, so probes can run any number of times.
        var answer = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
        return Task.FromResult(answer());
    }
}

internal sealed class RecordedNetsh(string output) : INetsh
{
    public Task<string> ShowSslCertificatesAsync(CancellationToken cancellationToken) => Task.FromResult(output);
}

/// <summary>
/// HKLM in memory. A key exists once a value was put under it (<see cref="Set"/>) or it was made (<see cref="WithKey"/>);
/// what the code under test writes is recorded in <see cref="Writes"/>.
/// </summary>
internal sealed class FakeRegistry : IMachineRegistry
{
    private readonly Dictionary<(string Key, string Name), object> values = new();
    private readonly Dictionary<string, List<string>> subKeys = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> keys = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>"set NAME" and "delete NAME" for every change made through the interface, in order.</summary>
    public List<string> Writes { get; } = [];

    /// <summary>Makes an empty key, as an installed service's Parameters key.</summary>
    public FakeRegistry WithKey(string key)
    {
        keys.Add(key);
        return this;
    }

    public FakeRegistry Set(string key, string name, object value)
    {
        keys.Add(key);
        values[(key.ToUpperInvariant(), name.ToUpperInvariant())] = value;
        var cut = key.LastIndexOf('\\');
        if (cut > 0)
        {
            var parent = key[..cut];
            if (!subKeys.TryGetValue(parent, out var list))
            {
                subKeys[parent] = list = [];
            }

            if (!list.Contains(key[(cut + 1)..], StringComparer.OrdinalIgnoreCase))
            {
                list.Add(key[(cut + 1)..]);
            }
        }

        return this;
    }

    public object? GetValue(string keyPath, string valueName) => values.GetValueOrDefault((keyPath.ToUpperInvariant(), valueName.ToUpperInvariant()));

    public IReadOnlyList<string> SubKeyNames(string keyPath) => subKeys.TryGetValue(keyPath, out var list) ? list : [];

    public void SetValue(string keyPath, string valueName, object value)
    {
        if (!keys.Contains(keyPath))
        {
            throw new IOException($@"HKLM\{keyPath} does not exist.");
        }

        Writes.Add($"set {valueName}");
        Set(keyPath, valueName, value);
    }

    public bool DeleteValue(string keyPath, string valueName)
    {
        Writes.Add($"delete {valueName}");
        return values.Remove((keyPath.ToUpperInvariant(), valueName.ToUpperInvariant()));
    }
}

/// <summary>
/// In-memory stores holding raw certificates (PFX bytes when with a key) so every read hands out fresh objects, as
/// X509Store does. NTAuth is read from the registry by the real code, as on Windows.
/// </summary>
internal sealed class FakeStores(IMachineRegistry registry) : IMachineCertificateStores
{
    private readonly Dictionary<CertificateStoreKind, List<byte[]>> stores = new();

    /// <summary>Keeps only the public part of what is added, as a store whose key container cannot be reached.</summary>
    public bool LosesKeys { get; set; }

    /// <summary>"STORE:SHA1" for every certificate the code under test added, in order (not those a test put there).</summary>
    public List<string> Added { get; } = [];

    public FakeStores With(CertificateStoreKind store, X509Certificate2 certificate)
    {
        Put(store, certificate);
        return this;
    }

    public IReadOnlyList<X509Certificate2> Read(CertificateStoreKind store) =>
        store == CertificateStoreKind.NTAuth ? LocalMachineCertificateStores.ReadNtAuth(registry)
        : stores.TryGetValue(store, out var list)
            ? list.Select(bytes => X509Certificate2.GetCertContentType(bytes) == X509ContentType.Pkcs12
                ? X509CertificateLoader.LoadPkcs12(bytes, null)
                : X509CertificateLoader.LoadCertificate(bytes)).ToList()
            : [];

    public void Add(CertificateStoreKind store, X509Certificate2 certificate)
    {
        Added.Add($"{store}:{certificate.Thumbprint}");
        Put(store, certificate);
    }

    public bool Remove(CertificateStoreKind store, string sha1Thumbprint) =>
        stores.TryGetValue(store, out var list) && list.RemoveAll(bytes => Thumbprint(bytes) == sha1Thumbprint) > 0;

    public IReadOnlyList<string> Thumbprints(CertificateStoreKind store) =>
        stores.TryGetValue(store, out var list) ? list.Select(Thumbprint).ToList() : [];

    /// <summary>As X509Store.Add: a certificate already there is replaced (so adding it with its key gives it the key).</summary>
    private void Put(CertificateStoreKind store, X509Certificate2 certificate)
    {
        if (!stores.TryGetValue(store, out var list))
        {
            stores[store] = list = [];
        }

        list.RemoveAll(bytes => Thumbprint(bytes) == certificate.Thumbprint);
        list.Add(certificate.HasPrivateKey && !LosesKeys ? certificate.Export(X509ContentType.Pfx) : certificate.RawData);
    }

    private static string Thumbprint(byte[] bytes)
    {
        using var certificate = X509Certificate2.GetCertContentType(bytes) == X509ContentType.Pkcs12
            ? X509CertificateLoader.LoadPkcs12(bytes, null)
            : X509CertificateLoader.LoadCertificate(bytes);
        return certificate.Thumbprint;
    }
}

/// <summary>Answers every listener probe with <see cref="Answer"/> and remembers what it was asked to probe.</summary>
internal sealed class RecordedListenerProbe : ISstpListenerProbe
{
    public SstpProbeAnswer Answer { get; set; } = SstpProbeAnswer.NoAnswer("no answer recorded");

    public List<Uri> Probed { get; } = [];

    public Task<SstpProbeAnswer> ProbeAsync(Uri uri, CancellationToken cancellationToken)
    {
        Probed.Add(uri);
        return Task.FromResult(Answer);
    }
}

internal static class TestCertificates
{
    public static X509Certificate2 Create(string subject, bool withKey = true, string[]? ekus = null, DateTimeOffset? notAfter = null, DateTimeOffset? notBefore = null)
    {
        using var key = TestKeys.Rsa2048();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (ekus is not null)
        {
            var oids = new OidCollection();
            foreach (var eku in ekus)
            {
                oids.Add(new Oid(eku));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl"]));
        var certificate = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(200));
        if (withKey)
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadCertificate(certificate.RawData);
        }
    }
}

/// <summary>Commands as the portal sends them.</summary>
internal static class TestCommands
{
    public static AgentCommandMessage Create(string kind, object? payload, DateTimeOffset executeBy) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, AgentJson.Options),
        ExecuteBy = executeBy,
    };
}
