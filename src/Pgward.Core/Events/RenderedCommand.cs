namespace Pgward.Core.Events;

/// <summary>
/// A shell script for <c>/bin/sh -c</c> whose placeholders have become references to <see cref="Environment"/>
/// variables, so event values reach the command as data and are never parsed by the shell.
/// </summary>
public sealed record RenderedCommand(string Script, IReadOnlyDictionary<string, string> Environment);
