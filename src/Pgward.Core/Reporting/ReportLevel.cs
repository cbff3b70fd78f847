namespace Pgward.Core.Reporting;

public enum ReportLevel
{
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    /// <summary>Elaborates the line before it.</summary>
    Detail,
    /// <summary>Says what to do about the line before it.</summary>
    Hint,
}
