using Pgward.Core.Config;
using Pgward.Failover;
using Pgward.Failover.Agreement;
using PauseFlag = Pgward.Cluster.Agents.PauseFlag;

namespace Pgward.Agent.Failover;

/// <summary>
/// The built-in agreement store of a node: the voter state in <c>pgward-failover.state</c> beside pgward.conf
/// (<see cref="FileAgreementStore"/>), the pause in the daemon's pause flag (<see cref="PauseFlag"/>), which
/// <c>pgward daemon pause</c> sets on every node.
/// </summary>
public sealed class AgentAgreementStore(FileAgreementStore votes, PauseFlag pause, TimeProvider time) : IAgreementStore
{
    public const string StateFileName = "pgward-failover.state";

    public static AgentAgreementStore For(NodeOptions options, TimeProvider time) =>
        new(new FileAgreementStore(ConfigFiles.Beside(options.ConfigFile, StateFileName), options.DataDirectory), PauseFlag.For(options), time);

    public VoterState Load() => votes.Load();

    public void Save(VoterState state) => votes.Save(state);

    public bool IsPaused => pause.IsPaused;

    public void SetPaused(bool paused)
    {
        if (paused)
        {
            pause.Pause(time.GetLocalNow());
        }
        else
        {
            pause.Unpause();
        }
    }
}
