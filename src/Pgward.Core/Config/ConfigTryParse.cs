namespace Pgward.Core.Config;

/// <summary>Reads one setting's text as a <typeparamref name="T"/>; false when the text is not a valid value.</summary>
public delegate bool ConfigTryParse<T>(string text, out T value);
