using System.Globalization;
using System.Text.RegularExpressions;

namespace Pgward.Backup.Retention;

/// <summary>
/// Barman's <c>retention_policy</c>: <c>REDUNDANCY n</c> (keep the n newest backups) or
/// <c>RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS</c> (keep what recovery to any moment of the last n days needs).
/// </summary>
public abstract partial record RetentionPolicy
{
    public static bool TryParse(string text, out RetentionPolicy? policy, out string? error)
    {
        policy = null;
        error = null;
        var match = Grammar().Match(text.Trim());
        if (!match.Success)
        {
            error = $"invalid retention_policy \"{text}\": expected REDUNDANCY n or RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS";
            return false;
        }
        if (!int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            error = $"invalid retention_policy \"{text}\": the number must be at least 1";
            return false;
        }
        policy = match.Groups["redundancy"].Success
            ? new RedundancyPolicy(n)
            : new RecoveryWindowPolicy(n, match.Groups["unit"].Value.ToUpperInvariant() switch
            {
                "DAY" or "DAYS" => RecoveryWindowUnit.Days,
                "WEEK" or "WEEKS" => RecoveryWindowUnit.Weeks,
                _ => RecoveryWindowUnit.Months,
            });
        return true;
    }

    [GeneratedRegex(@"^(?:(?<redundancy>REDUNDANCY)\s+(?<n>\d+)|RECOVERY\s+WINDOW\s+OF\s+(?<n>\d+)\s+(?<unit>DAYS?|WEEKS?|MONTHS?))$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
