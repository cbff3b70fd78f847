using System.IO.MemoryMappedFiles;
using Pgward.Core.Config;
using Pgward.Core.IO;

namespace Pgward.Agent.Fencing;

/// <summary>
/// The 128 bytes that an agent and its <see cref="DeadManSwitch"/> share: <c>pgward-deadman.state</c> beside pgward.conf
/// (mode 0600), mapped into both processes, so the agent renews the deadline with a memory write and the switch reads
/// it without a system call. Each field is a little-endian 64-bit integer at an 8-byte aligned offset, so a read never
/// sees half a write. Times are <see cref="TimeProvider.GetTimestamp"/> values of the system clock: CLOCK_MONOTONIC,
/// the same in every process on the host, unaffected by a change of the wall clock.
/// </summary>
public sealed class DeadManState : IDisposable
{
    public const string FileName = "pgward-deadman.state";
    public const int Size = 128;

    private const long Magic = 0x3130_4D44_5747_5750; // "PGWGDM01"
    private const int MagicOffset = 0;
    private const int ModeOffset = 8;
    private const int DeadlineOffset = 16;
    private const int AgentPidOffset = 24;

    /// <summary>Where the switch's PID is: the fault suite reads it to kill the switch.</summary>
    public const int SwitchPidOffset = 32;

    private const int SwitchAliveOffset = 40;
    private const int FiredPidOffset = 48;
    private const int FiredAtOffset = 56;
    private const int ArmedPostmasterOffset = 64;
    private const int FiredDeadlineOffset = 72;

    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;

    private DeadManState(MemoryMappedFile file)
    {
        this.file = file;
        view = file.CreateViewAccessor(0, Size);
        if (view.ReadInt64(MagicOffset) != Magic)
        {
            view.Write(ModeOffset, (long)DeadManMode.Disarmed);
            view.Write(MagicOffset, Magic);
        }
    }

    /// <summary>The state file of the node whose pgward.conf is <paramref name="configFile"/>, created when missing.</summary>
    /// <param name="ownerLike">The data directory: the file gets its owner when pgward runs as root.</param>
    public static DeadManState Open(string? configFile, string? ownerLike = null) =>
        OpenPath(ConfigFiles.Beside(configFile, FileName), ownerLike);

    /// <summary>The state file the agent made for the switch of <paramref name="configFile"/>' node, or null when there is
    /// none. The switch never creates it: a switch that starts late, after its agent stopped and the file was removed
    /// with its directory, would otherwise leave a new file behind it.</summary>
    public static DeadManState? OpenExisting(string? configFile)
    {
        try
        {
            return OpenPath(ConfigFiles.Beside(configFile, FileName), ownerLike: null, FileMode.Open);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static DeadManState OpenPath(string path, string? ownerLike = null) => OpenPath(path, ownerLike, FileMode.OpenOrCreate);

    private static DeadManState OpenPath(string path, string? ownerLike, FileMode mode)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            UnixCreateMode = mode == FileMode.Open ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        if (stream.Length < Size)
        {
            stream.SetLength(Size);
        }
        FileOwner.Match(path, ownerLike);
        return new DeadManState(MemoryMappedFile.CreateFromFile(stream, null, Size, MemoryMappedFileAccess.ReadWrite,
            HandleInheritability.None, leaveOpen: false));
    }

    public DeadManMode Mode
    {
        get => (DeadManMode)view.ReadInt64(ModeOffset);
        set => view.Write(ModeOffset, (long)value);
    }

    /// <summary>While <see cref="Mode"/> is armed, the server may take writes until this timestamp and no longer.</summary>
    public long Deadline
    {
        get => view.ReadInt64(DeadlineOffset);
        set => view.Write(DeadlineOffset, value);
    }

    public int AgentPid
    {
        get => (int)view.ReadInt64(AgentPidOffset);
        set => view.Write(AgentPidOffset, (long)value);
    }

    public int SwitchPid
    {
        get => (int)view.ReadInt64(SwitchPidOffset);
        set => view.Write(SwitchPidOffset, (long)value);
    }

    /// <summary>The switch writes the time here on every round: a stale value means a frozen switch.</summary>
    public long SwitchAlive
    {
        get => view.ReadInt64(SwitchAliveOffset);
        set => view.Write(SwitchAliveOffset, value);
    }

    /// <summary>The postmaster the switch last stopped, so that it stops each one once.</summary>
    public int FiredPostmasterPid
    {
        get => (int)view.ReadInt64(FiredPidOffset);
        set => view.Write(FiredPidOffset, (long)value);
    }

    public long FiredAt
    {
        get => view.ReadInt64(FiredAtOffset);
        set => view.Write(FiredAtOffset, value);
    }

    /// <summary>The deadline the switch last stopped a postmaster for (with <see cref="FiredPostmasterPid"/>), so that a
    /// deadline armed for whichever postmaster runs stops one server, not also the read-only one started after it.</summary>
    public long FiredDeadline
    {
        get => view.ReadInt64(FiredDeadlineOffset);
        set => view.Write(FiredDeadlineOffset, value);
    }

    /// <summary>The postmaster an armed deadline applies to; 0 for whichever runs (a primary its agent leads).</summary>
    public int ArmedPostmasterPid
    {
        get => (int)view.ReadInt64(ArmedPostmasterOffset);
        set => view.Write(ArmedPostmasterOffset, (long)value);
    }

    /// <summary>Arms the switch: deadline and postmaster first, so that the switch never sees "armed" with older ones.</summary>
    public void Arm(long deadline, int postmasterPid = 0)
    {
        Deadline = deadline;
        ArmedPostmasterPid = postmasterPid;
        Mode = DeadManMode.Armed;
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }
}
