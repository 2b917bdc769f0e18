namespace VpnPortal.Agent.Simulation;

/// <summary>Names of people and devices for simulated sessions: enough of them that a server of 400 sessions rarely repeats one.</summary>
internal static class SimulatedPeople
{
    private static readonly string[] FirstNames =
    [
        "anna", "ben", "carla", "david", "elena", "felix", "greta", "hannah", "ivan", "julia", "karim", "laura", "marco", "nina",
        "oliver", "paula", "quentin", "rosa", "samir", "tanja", "ulrich", "vera", "walter", "xenia", "yusuf", "zoe", "amir", "bianca",
        "chris", "dana", "emil", "fatima", "georg", "heidi", "ines", "jonas", "katrin", "lukas", "mia", "noah", "petra", "ralf",
        "sofia", "tim", "ute", "viktor", "wiebke", "lea", "max", "sarah",
    ];

    private static readonly string[] LastNames =
    [
        "adler", "becker", "costa", "dietrich", "eriksen", "fischer", "garcia", "hoffmann", "ibrahim", "jansen", "keller", "lange",
        "meyer", "novak", "olsen", "peters", "quint", "richter", "schmidt", "tanaka", "urban", "vogel", "wagner", "yilmaz", "zimmer",
        "alvarez", "brandt", "chen", "dahl", "engel", "frank", "gruber", "hansen", "kowalski", "lindqvist", "martin", "nguyen",
        "okafor", "popescu", "rossi", "schulz", "torres", "weber", "wolf", "kaiser", "berg", "horn", "roth", "schwarz", "koch",
    ];

    public static int PeopleCount => FirstNames.Length * LastNames.Length;

    /// <summary>"first.last" of person <paramref name="index"/> (0 to <see cref="PeopleCount"/> - 1).</summary>
    public static string Person(int index) => FirstNames[index % FirstNames.Length] + "." + LastNames[index / FirstNames.Length % LastNames.Length];

    /// <summary>Laptops (LT-) outnumber desktops (DT-), as in most Always On VPN fleets.</summary>
    public static string Device(int number, string domain) => (number % 5 == 0 ? "DT-" : "LT-") + number.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + "." + domain;

    /// <summary>FNV-1a: a hash that is the same in every process, so a server's derived values survive restarts.</summary>
    public static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ char.ToUpperInvariant(c)) * 16777619u;
        }

        return hash;
    }
}
