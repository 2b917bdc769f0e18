using System.Security.Cryptography;

namespace VpnPortal.Testing;

/// <summary>
/// RSA keys for test certificates whose key pair is not what the test is about. Making a 2048-bit RSA key costs a few
/// hundred milliseconds of CPU (more on a busy machine), and the suite makes certificates by the thousand: here each
/// size's keys are made once per test process. Every call returns a new <see cref="RSA"/> object, the caller's to
/// dispose, holding one of a few keys in turn, so certificates made one after another in a test have different keys.
/// A test about keys themselves (a PFX whose key does not match, two certificates told apart by their key) makes
/// its own with <c>RSA.Create</c>.
/// </summary>
public static class TestKeys
{
    private const int KeysPerSize = 4;
    private static readonly Dictionary<int, Lazy<byte[]>[]> Pools = new()
    {
        [1024] = Pool(1024),
        [2048] = Pool(2048),
    };

    private static int _next;

    /// <summary>A 2048-bit RSA key.</summary>
    public static RSA Rsa2048() => Rsa(2048);

    /// <summary>An RSA key of <paramref name="bits"/> (1024 or 2048).</summary>
    public static RSA Rsa(int bits)
    {
        if (!Pools.TryGetValue(bits, out var pool))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "Test keys come in 1024 and 2048 bits; make other sizes with RSA.Create.");
        }

        var key = pool[(int)((uint)Interlocked.Increment(ref _next) % KeysPerSize)].Value;
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key, out _);
        return rsa;
    }

    private static Lazy<byte[]>[] Pool(int bits) =>
        [.. Enumerable.Range(0, KeysPerSize).Select(_ => new Lazy<byte[]>(() =>
        {
            using var rsa = RSA.Create(bits);
            return rsa.ExportPkcs8PrivateKey();
        }))];
}
