namespace Pgward.Core.Reporting;

/// <summary>
/// What an operation tells the person running it, in repmgr's levels (<c>NOTICE: ...</c>, <c>HINT: ...</c>).
/// Operations report through this and return their outcome as a value; the CLI decides where lines go.
/// </summary>
public interface IReporter
{
    void Report(ReportLevel level, string message);

    /// <summary>Progress of long work (clone, backup): redrawn in place on a terminal, a plain line otherwise.</summary>
    void Progress(string message);
}
