namespace Pgward.Core.Postgres;

/// <summary>The SQL expressions that tell a delayed standby (<c>recovery_min_apply_delay</c> above zero; a primary
/// ignores the setting), shared by every probe that asks.</summary>
public static class ApplyDelaySql
{
    /// <summary>True on a delayed standby.</summary>
    public const string IsDelayed = "(pg_is_in_recovery() AND current_setting('recovery_min_apply_delay') <> '0')";

    /// <summary>The delay as the server shows it ("1h") on a delayed standby, else NULL.</summary>
    public const string Setting = $"(CASE WHEN {IsDelayed} THEN current_setting('recovery_min_apply_delay') END)";
}
