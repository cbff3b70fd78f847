namespace Pgward.IntegrationTests.Cluster;

/// <summary>What one in-process <c>pgward</c> invocation printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}
