namespace Pgward.Core.Config;

/// <summary>Where the configuration file is (<see cref="Path"/>, absolute), or why none was found (<see cref="Problem"/>).</summary>
public sealed record ConfigLocation(string? Path, ConfigProblem? Problem)
{
    public bool Found => Path is not null;
}
