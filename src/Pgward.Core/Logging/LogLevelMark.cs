namespace Pgward.Core.Logging;

/// <summary>How a level appears in a daemon's log: its word in a plain line (<c>WARNING</c>) and its syslog priority in
/// the journal's prefix (<c>&lt;4&gt;</c>, see sd-daemon(3)).</summary>
public sealed record LogLevelMark(string Word, int Priority);
