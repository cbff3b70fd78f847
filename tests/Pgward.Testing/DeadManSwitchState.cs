using System.Buffers.Binary;

namespace Pgward.Testing;

/// <summary>
/// Where a data node's dead-man switch (<c>pgward -f CONF daemon dead-man-switch</c>, started by the node's agent)
/// says who it is: a 64-byte file <c>pgward-deadman.state</c> beside the node's pgward.conf, the switch's PID the
/// little-endian Int64 at byte 32. The tests read only that field, to kill -9 the switch as a fault and at teardown.
/// </summary>
public static class DeadManSwitchState
{
    public const string FileName = "pgward-deadman.state";
    public const int Length = 64;
    public const int PidOffset = 32;

    /// <summary>The state file of the node whose pgward.conf is <paramref name="config"/>.</summary>
    public static string PathFor(string config) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(config))!, FileName);

    /// <summary>The PID the state holds; null when it is too short or holds no usable PID.</summary>
    public static int? Pid(ReadOnlySpan<byte> state)
    {
        if (state.Length < PidOffset + sizeof(long))
        {
            return null;
        }
        var pid = BinaryPrimitives.ReadInt64LittleEndian(state.Slice(PidOffset, sizeof(long)));
        return pid is > 0 and <= int.MaxValue ? (int)pid : null;
    }

    /// <summary>The PID in the node's state file; null when there is no file (no dead-man switch in this build) or it
    /// holds no usable PID.</summary>
    public static int? ReadPid(string config)
    {
        try
        {
            using var file = new FileStream(PathFor(config), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var state = new byte[Length];
            var read = file.ReadAtLeast(state, Length, throwOnEndOfStream: false);
            return Pid(state.AsSpan(0, read));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
