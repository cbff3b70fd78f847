namespace Pgward.Core.Config;

/// <summary>The <c>log_level</c> setting, with repmgr's level names. Messages below it are not logged.</summary>
public enum LogSeverity
{
    Debug,
    Info,
    Notice,
    Warning,
    Error,
}
