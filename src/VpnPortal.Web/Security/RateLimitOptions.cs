using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Security;

/// <summary>What is counted: each kind of attempt has counters of its own.</summary>
public enum AttemptKind
{
    /// <summary>The password sign-in form.</summary>
    SignIn,

    /// <summary>The second factor after the password: an authenticator code or a recovery code.</summary>
    SecondFactor,

    /// <summary>Asking for and entering the codes that confirm a new MFA phone number.</summary>
    MfaCodes,

    /// <summary>An agent presenting an enrollment token (anonymous: there is no account, only the address).</summary>
    Enrollment,
}

/// <summary>How many attempts one client address and one account may make in a window.</summary>
public sealed class AttemptLimit
{
    [Range(1, 100_000)]
    public int PerAddress { get; set; }

    /// <summary>None: attempts are counted per address only.</summary>
    [Range(1, 100_000)]
    public int? PerAccount { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; }
}

/// <summary>
/// "Security:RateLimits": attempts allowed per client address and per account in each window, for each kind of attempt.
/// The counters are kept by each portal node in memory, so behind a load balancer each node allows this many.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "Security:RateLimits";

    public AttemptLimit SignIn { get; set; } = new() { PerAddress = 30, PerAccount = 10, Window = TimeSpan.FromMinutes(5) };

    public AttemptLimit SecondFactor { get; set; } = new() { PerAddress = 30, PerAccount = 10, Window = TimeSpan.FromMinutes(5) };

    public AttemptLimit MfaCodes { get; set; } = new() { PerAddress = 30, PerAccount = 20, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Per address only: an enrollment has no account, and its token is too long to guess.</summary>
    public AttemptLimit Enrollment { get; set; } = new() { PerAddress = 30, Window = TimeSpan.FromMinutes(5) };

    public AttemptLimit For(AttemptKind kind) => kind switch
    {
        AttemptKind.SignIn => SignIn,
        AttemptKind.SecondFactor => SecondFactor,
        AttemptKind.MfaCodes => MfaCodes,
        AttemptKind.Enrollment => Enrollment,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // Data annotations do not look into nested objects: each limit is checked here, named by its setting.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var kind in Enum.GetValues<AttemptKind>())
        {
            var limit = For(kind);
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(limit, new ValidationContext(limit), results, validateAllProperties: true);
            foreach (var result in results)
            {
                var member = result.MemberNames.FirstOrDefault() ?? "";
                yield return new ValidationResult($"{Section}:{kind}:{member}: {result.ErrorMessage}", [kind.ToString()]);
            }
        }
    }
}
