using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VpnPortal.Agent.Parsing;

/// <summary>
/// Reads a serialized certificate store element: the <c>Blob</c> value Windows keeps for each certificate of a
/// registry-backed store, e.g. the enterprise NTAuth store under
/// <c>HKLM\SOFTWARE\Microsoft\EnterpriseCertificates\NTAuth\Certificates\&lt;SHA-1&gt;</c>.
/// </summary>
/// <remarks>
/// Why the registry and not <c>certutil -enterprise -viewstore NTAuth</c>: the blob is binary and the same on every
/// Windows language, while certutil prints translated labels (and <c>-viewstore</c> is a dialog; the text form is
/// <c>-store</c>); and .NET's
/// X509Store cannot open the enterprise (CERT_SYSTEM_STORE_LOCAL_MACHINE_ENTERPRISE) location at all. The registry copy
/// is what the NPS server itself checks client certificates against (autoenrollment refreshes it from the directory).
/// The element is a sequence of properties, each a little-endian <c>uint32</c> property ID, a <c>uint32</c> reserved
/// word (1), a <c>uint32</c> length, and that many bytes; property 32 (CERT_CERT_PROP_ID) holds the DER certificate
/// and property 3 (CERT_SHA1_HASH_PROP_ID), when present, its SHA-1 thumbprint.
/// </remarks>
public static class SerializedCertificateBlob
{
    public const int CertificatePropertyId = 32;
    public const int Sha1HashPropertyId = 3;

    private const int HeaderSize = 12;
    private const int MaxBlobSize = 1 << 20;

    /// <summary>The DER certificate inside the blob. <paramref name="source"/> names the registry key in errors.</summary>
    public static byte[] ExtractCertificate(ReadOnlySpan<byte> blob, string source)
    {
        if (blob.Length > MaxBlobSize)
        {
            throw new OutputFormatException(source, $"the blob is {blob.Length} bytes, more than any certificate element");
        }

        byte[]? certificate = null;
        byte[]? sha1 = null;
        var offset = 0;
        while (offset < blob.Length)
        {
            if (blob.Length - offset < HeaderSize)
            {
                throw new OutputFormatException(source, $"truncated property header at byte {offset} ({blob.Length - offset} bytes left, 12 needed)", field: "Blob");
            }

            var id = BinaryPrimitives.ReadUInt32LittleEndian(blob[offset..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(blob[(offset + 8)..]);
            var start = offset + HeaderSize;
            if (length > (uint)(blob.Length - start))
            {
                throw new OutputFormatException(source, $"property {id} at byte {offset} claims {length} bytes but only {blob.Length - start} remain", field: "Blob");
            }

            var data = blob.Slice(start, (int)length);
            switch (id)
            {
                case CertificatePropertyId when certificate is not null:
                    throw new OutputFormatException(source, "the blob holds two certificates", field: "Blob");
                case CertificatePropertyId:
                    certificate = data.ToArray();
                    break;
                case Sha1HashPropertyId:
                    sha1 = data.ToArray();
                    break;
            }

            offset = start + (int)length;
        }

        if (certificate is null || certificate.Length == 0)
        {
            throw new OutputFormatException(source, "the blob holds no certificate (property 32)", field: "Blob");
        }

        // The stored hash was computed by Windows when the certificate was added; a mismatch means the blob is corrupt.
        if (sha1 is not null && !sha1.AsSpan().SequenceEqual(SHA1.HashData(certificate)))
        {
            throw new OutputFormatException(source, "the certificate does not hash to the SHA-1 stored beside it", field: "Blob");
        }

        return certificate;
    }

    /// <summary>Builds an element with the certificate and its SHA-1 property, as Windows writes it (for tests and tools).</summary>
    public static byte[] Create(ReadOnlySpan<byte> certificateDer)
    {
        var sha1 = SHA1.HashData(certificateDer);
        var blob = new byte[HeaderSize + sha1.Length + HeaderSize + certificateDer.Length];
        WriteProperty(blob, 0, Sha1HashPropertyId, sha1);
        WriteProperty(blob, HeaderSize + sha1.Length, CertificatePropertyId, certificateDer);
        return blob;
    }

    private static void WriteProperty(Span<byte> blob, int offset, int id, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(blob[offset..], (uint)id);
        BinaryPrimitives.WriteUInt32LittleEndian(blob[(offset + 4)..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(blob[(offset + 8)..], (uint)data.Length);
        data.CopyTo(blob[(offset + HeaderSize)..]);
    }
}
