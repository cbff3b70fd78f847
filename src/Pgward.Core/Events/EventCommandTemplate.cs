using System.Text;

namespace Pgward.Core.Events;

/// <summary>
/// Turns repmgr's <c>event_notification_command</c> into a script for <c>/bin/sh -c</c> that cannot be subverted by
/// event values.
/// </summary>
/// <remarks>
/// <para>
/// repmgr pastes values into the command text, so a node name or details containing <c>'</c>, <c>;</c> or
/// <c>$(...)</c> run as shell code. Here every placeholder becomes a reference to an environment variable
/// (<see cref="EventEnvironment"/>); the shell expands a variable but never parses its value as code. The reference
/// respects the quoting around it: <c>%d</c> becomes <c>"${PGWARD_EVENT_DETAILS}"</c>, <c>"%d"</c> becomes
/// <c>"${PGWARD_EVENT_DETAILS}"</c>, and <c>'%d'</c> becomes <c>''"${PGWARD_EVENT_DETAILS}"''</c>, so each value stays
/// exactly one argument, empty or not. Pipes, redirections and other shell syntax in the template are kept.
/// </para>
/// <para>
/// Placeholders: <c>%n</c> node ID, <c>%e</c> event, <c>%s</c> 1 or 0, <c>%t</c> timestamp, <c>%d</c> details,
/// <c>%p</c> related node ID, <c>%c</c> related conninfo, <c>%a</c> related node name (the node's own name when the
/// event has no related node), <c>%%</c> a literal <c>%</c>. Any other <c>%x</c> stays as written, and so does a
/// placeholder right after a backslash (the shell escapes that <c>%</c>).
/// </para>
/// <para>
/// What this cannot protect: a command that hands its arguments to another shell (<c>sh -c "... %d"</c>,
/// <c>ssh host "notify '%d'"</c>, <c>eval</c>) has that shell parse the value.
/// </para>
/// </remarks>
public static class EventCommandTemplate
{
    public static RenderedCommand Render(string template, EventNotification e)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(e);
        return new RenderedCommand(ToScript(template), EventEnvironment.For(e));
    }

    /// <summary>The script for <paramref name="template"/>; it depends on the template alone, never on event values.</summary>
    public static string ToScript(string template)
    {
        var script = new StringBuilder(template.Length + 64);
        var scanner = new ShellQuoteTracker();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '%' && TryWritePlaceholder(script, scanner.Context, template, ref i))
            {
                continue;
            }

            i += scanner.Advance(template, i, script);
        }

        return script.ToString();
    }

    private static bool TryWritePlaceholder(StringBuilder script, ShellContext context, string template, ref int i)
    {
        if (i + 1 >= template.Length)
        {
            return false;
        }

        var letter = template[i + 1];
        if (letter == '%')
        {
            script.Append('%');
            i++;
            return true;
        }

        if (EventEnvironment.ForPlaceholder(letter) is not { } variable)
        {
            return false;
        }

        script.Append(context switch
        {
            ShellContext.DoubleQuoted => $"${{{variable}}}",
            ShellContext.SingleQuoted => $"'\"${{{variable}}}\"'",
            _ => $"\"${{{variable}}}\"",
        });
        i++;
        return true;
    }
}
