using VpnPortal.Domain.Certificates;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// Which certificate an NPS server presents to EAP clients (PEAP, EAP-TLS): the one every NPS rule about "the server
/// certificate" judges. NPS offers only certificates in Local Computer\Personal with their private key and Server
/// Authentication named in their EKU, and the network policy picks one of them. The agent does not report the policy's
/// pick, so the one issued by the organisation's CA (the fleet's client certificate issuers) is taken, a currently valid
/// one before an expired one, then the one that lasts longest. The Azure MFA NPS extension's certificate never is it.
/// </summary>
public static class PeapCertificate
{
    /// <summary>The certificate <paramref name="server"/> presents to EAP clients, or null when it has none NPS could offer.</summary>
    public static StoredCertificate? Of(ServerFacts server, FleetFacts fleet) =>
        server.Certificates
            .Where(c => IsOffered(c, server))
            .OrderByDescending(c => IssuedByOrganisation(c, fleet))
            .ThenByDescending(c => c.Facts.NotBefore <= fleet.Now && c.Facts.NotAfter >= fleet.Now)
            .ThenByDescending(c => c.Facts.NotAfter)
            .FirstOrDefault();

    /// <summary>Whether NPS could offer the certificate for PEAP at all, validity aside.</summary>
    public static bool IsOffered(StoredCertificate certificate, ServerFacts server) =>
        certificate.Store == StoreKind.My
        && certificate.Facts.HasPrivateKey
        && EnhancedKeyUsages.NamesServerAuthentication(certificate.Facts.EnhancedKeyUsages)
        && !server.IsMfaExtensionCertificate(certificate);

    // With no issuers configured no certificate is preferred for its issuer.
    private static bool IssuedByOrganisation(StoredCertificate certificate, FleetFacts fleet) =>
        fleet.ClientCertificateIssuers.Any(i => NpsRules.SameDistinguishedName(certificate.Issuer, i));
}
