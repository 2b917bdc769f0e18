namespace VpnPortal.Data.Entities;

/// <summary>An ASP.NET Core data-protection key, kept in the portal database so every node shares cookies.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string FriendlyName { get; set; } = "";
    public string Xml { get; set; } = "";
}
