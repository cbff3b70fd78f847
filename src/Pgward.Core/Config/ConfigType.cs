namespace Pgward.Core.Config;

/// <summary>
/// The type and allowed range of a setting: how to read it, how to write it back, and what to tell the user
/// when the text does not fit (<see cref="Expected"/> completes "expected ...").
/// </summary>
public sealed record ConfigType<T>(string Expected, ConfigTryParse<T> TryParse, Func<T, string> Format)
{
    /// <summary>
    /// The whole message for a text that does not fit, when "expected ..., got TEXT" would not do: the text may hold
    /// a secret, or a more precise reason helps. Null: the binder's usual message.
    /// </summary>
    public Func<string, string>? Problem { get; init; }
}
