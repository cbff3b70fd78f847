namespace Pgward.Core.Config;

/// <summary>
/// One <c>name = value</c> line as written, before any meaning is given to it.
/// <see cref="Section"/> is <c>""</c> before the first <c>[section]</c> header; names are lower-cased.
/// </summary>
public sealed record ConfigEntry(string Section, string Key, string Value, string File, int Line);
