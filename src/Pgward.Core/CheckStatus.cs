namespace Pgward.Core;

/// <summary>Result of one health check; the numeric value is the Nagios exit code.</summary>
public enum CheckStatus
{
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}
