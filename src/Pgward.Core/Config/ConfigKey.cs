namespace Pgward.Core.Config;

/// <summary>One root-section setting of <c>pgward.conf</c>: its name, type and where it lands in <see cref="NodeOptions"/>.</summary>
public abstract class ConfigKey(string name, bool required, bool secret)
{
    /// <summary>The name in the file, lower case.</summary>
    public string Name { get; } = name;

    /// <summary>The file must set it; it has no usable default.</summary>
    public bool Required { get; } = required;

    /// <summary>Never printed: shown as <c>********</c> when set.</summary>
    public bool Secret { get; } = secret;

    /// <summary>Completes "expected ...": type and allowed range.</summary>
    public abstract string Expected { get; }

    /// <summary>Why <paramref name="text"/> is not valid for this setting, without printing a secret.</summary>
    public virtual string Problem(string text) =>
        $"expected {Expected}, got {(Secret ? "a value that is not shown" : $"\"{text}\"")}";

    /// <summary>Reads <paramref name="text"/> into a copy of <paramref name="options"/>; false if the text is not valid.</summary>
    public abstract bool TryApply(NodeOptions options, string text, out NodeOptions updated);

    /// <summary>The current value as it would be written in the file; secrets masked.</summary>
    public string Show(NodeOptions options) => Secret ? Mask(Format(options)) : Format(options);

    /// <summary>The current value as it would be written in the file, secrets included.</summary>
    public abstract string Format(NodeOptions options);

    private static string Mask(string value) => value.Length == 0 ? "" : "********";
}
