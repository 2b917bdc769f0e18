namespace VpnPortal.Data.Configurations;

/// <summary>Column lengths, shared with input validation so a form never accepts what the database refuses.</summary>
public static class FieldLimits
{
    public const int HostName = 63;
    public const int Fqdn = 253;
    public const int Name = 100;
    public const int Principal = 256;
    public const int Notes = 2000;
    public const int Subject = 1024;
    public const int MaxPublicFqdns = 10;
    public const int SessionKey = 128;

    /// <summary>E.164 (16 characters with the +) and an office extension (x and up to six digits).</summary>
    public const int PhoneNumber = 23;
}
