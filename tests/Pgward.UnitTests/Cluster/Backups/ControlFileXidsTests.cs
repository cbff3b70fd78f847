using System.Buffers.Binary;
using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

public sealed class ControlFileXidsTests
{
    /// <summary>PostgreSQL 15's control file as pg_controldata read it on a backup of the sandbox: version 1300, latest
    /// checkpoint's NextXID 0:750, oldestActiveXID 750.</summary>
    private static byte[] Control(uint version = 1300, ulong nextXid = 750, uint oldestActive = 750)
    {
        var control = new byte[8192];
        BinaryPrimitives.WriteUInt32LittleEndian(control.AsSpan(8), version);
        BinaryPrimitives.WriteUInt64LittleEndian(control.AsSpan(64), nextXid);
        BinaryPrimitives.WriteUInt32LittleEndian(control.AsSpan(120), oldestActive);
        return control;
    }

    [Fact]
    public void The_horizon_is_the_checkpoints_oldest_active_transaction_or_its_next_one_after_a_shutdown()
    {
        Assert.Equal(750u, ControlFileXids.EndedBefore(Control()));
        Assert.Equal(700u, ControlFileXids.EndedBefore(Control(nextXid: 750, oldestActive: 700)));
        Assert.Equal(750u, ControlFileXids.EndedBefore(Control(oldestActive: 0))); // a shutdown checkpoint's: none running
        Assert.Equal(800u, ControlFileXids.EndedBefore(Control(nextXid: (5UL << 32) | 800, oldestActive: 0))); // the epoch apart
    }

    [Fact]
    public void Another_layout_or_a_short_file_gives_no_horizon()
    {
        Assert.Null(ControlFileXids.EndedBefore(Control(version: 1201)));
        Assert.Null(ControlFileXids.EndedBefore(Control().AsSpan(0, 100)));
        Assert.Null(ControlFileXids.EndedBefore(Control(nextXid: 1, oldestActive: 0)));
    }

    [Theory]
    [InlineData(749u, 750u, true)]
    [InlineData(750u, 750u, false)]
    [InlineData(751u, 750u, false)]
    [InlineData(4294967000u, 100u, true)]  // before the wraparound: precedes
    [InlineData(100u, 4294967000u, false)]
    [InlineData(2u, 750u, true)]           // FrozenTransactionId
    [InlineData(0u, 750u, false)]          // InvalidTransactionId never counts as ended
    public void Precedes_compares_modulo_two_to_the_32(uint xid, uint horizon, bool precedes) =>
        Assert.Equal(precedes, ControlFileXids.Precedes(xid, horizon));
}
