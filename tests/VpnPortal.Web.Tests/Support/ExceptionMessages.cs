namespace VpnPortal.Web.Tests.Support;

public static class ExceptionMessages
{
    /// <summary>The message of <paramref name="e"/> and of each exception inside it: where a start-up failure says what is wrong.</summary>
    public static IEnumerable<string> Messages(this Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x.Message;
        }
    }
}
