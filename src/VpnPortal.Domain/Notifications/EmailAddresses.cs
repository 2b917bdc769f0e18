namespace VpnPortal.Domain.Notifications;

/// <summary>E-mail addresses as a notice shows them to someone who may not be their owner.</summary>
public static class EmailAddresses
{
    /// <summary>
    /// "a•••@corp.example": the first character and the domain, enough for the owner to recognise the address (or a
    /// stranger's domain) without handing it whole to whoever reads the old mailbox. The dots are fixed in number, so the
    /// length is not told either.
    /// </summary>
    public static string Masked(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var at = address.LastIndexOf('@');
        return at <= 0 ? "•••" : $"{address[0]}•••{address[at..]}";
    }
}
