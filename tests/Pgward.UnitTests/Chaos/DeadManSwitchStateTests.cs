using System.Buffers.Binary;
using Pgward.Testing;
using Xunit;

namespace Pgward.UnitTests.Chaos;

public sealed class DeadManSwitchStateTests
{
    [Fact]
    public void Pid_reads_the_little_endian_int64_at_byte_32()
    {
        var state = new byte[DeadManSwitchState.Length];
        BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(32), 4242);

        Assert.Equal(4242, DeadManSwitchState.Pid(state));
    }

    [Fact]
    public void Pid_is_null_for_a_short_state_or_no_usable_pid()
    {
        var zero = new byte[DeadManSwitchState.Length];
        var huge = new byte[DeadManSwitchState.Length];
        BinaryPrimitives.WriteInt64LittleEndian(huge.AsSpan(32), long.MaxValue);

        Assert.Null(DeadManSwitchState.Pid(new byte[39]));
        Assert.Null(DeadManSwitchState.Pid(zero));
        Assert.Null(DeadManSwitchState.Pid(huge));
    }

    [Fact]
    public void PathFor_is_beside_the_nodes_pgward_conf() =>
        Assert.Equal("/srv/node1/pgward-deadman.state", DeadManSwitchState.PathFor("/srv/node1/pgward.conf"));
}
