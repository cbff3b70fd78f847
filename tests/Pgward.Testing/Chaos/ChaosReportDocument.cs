namespace Pgward.Testing.Chaos;

/// <summary>What the report's JSON file holds: the table's rows and each run's verdict line.</summary>
public sealed record ChaosReportDocument(bool Passed, IReadOnlyList<ChaosReportRow> Rows, IReadOnlyList<string> Verdicts);
