namespace Pgward.Core.Config;

/// <summary>A <see cref="ConfigKey"/> whose value is a <typeparamref name="T"/>.</summary>
public sealed class ConfigKey<T>(
    string name,
    ConfigType<T> type,
    Func<NodeOptions, T> get,
    Func<NodeOptions, T, NodeOptions> set,
    bool required = false,
    bool secret = false) : ConfigKey(name, required, secret)
{
    public override string Expected => type.Expected;

    public override string Problem(string text) => type.Problem?.Invoke(text) ?? base.Problem(text);

    public override bool TryApply(NodeOptions options, string text, out NodeOptions updated)
    {
        updated = options;
        if (!type.TryParse(text, out var value))
        {
            return false;
        }

        updated = set(options, value);
        return true;
    }

    public override string Format(NodeOptions options) => type.Format(get(options));
}
