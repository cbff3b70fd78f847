namespace Pgward.Core.Events;

/// <summary>Where in <c>sh</c> syntax a template position sits, which decides how a variable reference is written there.</summary>
internal enum ShellContext
{
    /// <summary>Plain words, at top level or inside <c>$( )</c> or backticks: needs <c>"${VAR}"</c>.</summary>
    Unquoted,

    /// <summary>Inside <c>"..."</c>: <c>${VAR}</c> is expanded as one word already.</summary>
    DoubleQuoted,

    /// <summary>Inside <c>'...'</c>: nothing expands, so the quote is closed around <c>"${VAR}"</c>.</summary>
    SingleQuoted,

    /// <summary>Inside <c>$( )</c>; behaves as unquoted, and ends at its matching parenthesis.</summary>
    CommandSubstitution,

    /// <summary>Inside backticks; behaves as unquoted, and ends at the next unescaped backtick.</summary>
    Backtick,
}
