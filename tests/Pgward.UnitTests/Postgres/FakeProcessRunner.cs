using Pgward.Core.Processes;

namespace Pgward.UnitTests.Postgres;

/// <summary>Records requests and answers each with a canned result.</summary>
internal sealed class FakeProcessRunner(ProcessResult answer) : IProcessRunner
{
    public List<ProcessRequest> Requests { get; } = [];

    public Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(answer);
    }
}
