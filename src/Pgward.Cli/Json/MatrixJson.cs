namespace Pgward.Cli.Json;

/// <summary><c>cluster matrix --json</c> and <c>cluster crosscheck --json</c>: <paramref name="AllOk"/> is what exit 0 means.</summary>
internal sealed record MatrixJson(bool AllOk, IReadOnlyList<string> Warnings, IReadOnlyList<MatrixRowJson> Rows);

/// <summary>A source node; <paramref name="Error"/> is set when its agent did not give its row.</summary>
internal sealed record MatrixRowJson(int NodeId, string NodeName, string? Error, IReadOnlyList<MatrixLinkJson> Links);

/// <summary>One cell: <paramref name="Status"/> is <c>ok</c>, <c>failed</c> or <c>unknown</c>.</summary>
internal sealed record MatrixLinkJson(int To, string Status, string? Error);
