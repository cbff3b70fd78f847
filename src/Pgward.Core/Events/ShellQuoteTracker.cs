using System.Text;

namespace Pgward.Core.Events;

/// <summary>
/// Follows <c>sh</c> quoting through a command template, character by character, so a placeholder can be written in
/// the form that is correct where it stands. Handles quotes, backslashes, <c>$( )</c>, backticks and comments; it is
/// not a full shell parser (here-documents, for one, are read as plain words).
/// </summary>
internal sealed class ShellQuoteTracker
{
    private readonly Stack<ShellContext> _contexts = new();
    private readonly Stack<int> _parentheses = new();

    public ShellContext Context => _contexts.Count == 0 ? ShellContext.Unquoted : _contexts.Peek();

    /// <summary>Copies the syntax at <paramref name="i"/> to <paramref name="script"/>; returns how many extra characters it consumed.</summary>
    public int Advance(string template, int i, StringBuilder script)
    {
        var c = template[i];
        var next = i + 1 < template.Length ? template[i + 1] : '\0';
        if (Context == ShellContext.SingleQuoted)
        {
            script.Append(c);
            if (c == '\'')
            {
                _contexts.Pop();
            }

            return 0;
        }

        if (c == '\\' && i + 1 < template.Length)
        {
            script.Append(c).Append(next);
            return 1;
        }

        if (c == '$' && next == '(')
        {
            script.Append("$(");
            _contexts.Push(ShellContext.CommandSubstitution);
            _parentheses.Push(0);
            return 1;
        }

        if (c == '`')
        {
            script.Append(c);
            if (Context == ShellContext.Backtick)
            {
                _contexts.Pop();
            }
            else
            {
                _contexts.Push(ShellContext.Backtick);
            }

            return 0;
        }

        return Context == ShellContext.DoubleQuoted ? AdvanceDoubleQuoted(c, script) : AdvanceUnquoted(template, i, script);
    }

    private int AdvanceDoubleQuoted(char c, StringBuilder script)
    {
        script.Append(c);
        if (c == '"')
        {
            _contexts.Pop();
        }

        return 0;
    }

    private int AdvanceUnquoted(string template, int i, StringBuilder script)
    {
        var c = template[i];
        if (c == '#' && StartsWord(template, i))
        {
            var end = template.IndexOf('\n', i);
            end = end < 0 ? template.Length : end;
            script.Append(template, i, end - i);
            return end - i - 1;
        }

        script.Append(c);
        switch (c)
        {
            case '\'':
                _contexts.Push(ShellContext.SingleQuoted);
                break;
            case '"':
                _contexts.Push(ShellContext.DoubleQuoted);
                break;
            case '(' when Context == ShellContext.CommandSubstitution:
                _parentheses.Push(_parentheses.Pop() + 1);
                break;
            case ')' when Context == ShellContext.CommandSubstitution:
                var depth = _parentheses.Pop();
                if (depth == 0)
                {
                    _contexts.Pop();
                }
                else
                {
                    _parentheses.Push(depth - 1);
                }

                break;
        }

        return 0;
    }

    /// <summary>A <c>#</c> starts a comment only at the start of a word.</summary>
    private static bool StartsWord(string template, int i) =>
        i == 0 || char.IsWhiteSpace(template[i - 1]) || template[i - 1] is ';' or '&' or '|' or '(' or ')';
}
