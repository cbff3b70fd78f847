using System.Text;

namespace Pgward.Core.Events;

/// <summary>Drains a child's output pipe, keeping at most the first <c>limit</c> characters, so the child never blocks on a full pipe.</summary>
internal static class OutputExcerpt
{
    public static async Task<string> ReadAsync(StreamReader reader, int limit, CancellationToken ct)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
            {
                kept.Append(buffer, 0, Math.Min(read, limit - kept.Length));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Cancelled after the shell exited or was killed: what was read so far is the excerpt.
        }

        return kept.ToString().TrimEnd();
    }
}
